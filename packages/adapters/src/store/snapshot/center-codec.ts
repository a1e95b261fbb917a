import { type CallsState, emptyCallsState } from "@lifeline/core/calls"
import { CENTER_STREAM, type CenterState } from "@lifeline/core/center"
import type { SnapshotInfo } from "@lifeline/core/ports"
import {
  IndexedHeap,
  type Membership,
  memberOrder,
  type QueueState,
  WaitingQueue,
} from "@lifeline/core/routing"
import * as devalue from "devalue"
import { Result, Schema } from "effect"

/**
 * The center's state as a snapshot payload (issue 22, SPEC N1): an envelope line (Effect
 * Schema, checked on load) and the state itself encoded with devalue, which keeps what JSON
 * loses: Maps, Sets, `undefined`, and objects referenced from several places or in cycles (a
 * membership is its rep's and its queue's, and points back at both), so the decoded state is
 * the same graph, not a copy per reference.
 *
 * The two classes in the state, and memberships, go through reducers: a queue's waiting heap (`WaitingQueue`) as
 * its fields (the typed-array keys, the item references, stale entries included), restored into
 * a constructed instance; a queue's offerable heap (`IndexedHeap`) as its element array in heap
 * order, rebuilt after decoding with the comparator its queue's assignment method names (a
 * function is never encoded). Both therefore come back exactly as they were.
 */
export const CENTER_SNAPSHOT_FORMAT = "lifeline.center-state.devalue"

/**
 * The version of the state's shape this build writes and reads. Bump it whenever the shape of
 * `CenterState` changes (a field added, removed, renamed or retyped anywhere in it), and record
 * the new shape's fingerprint below: a snapshot of another version is then skipped (or upcast,
 * when an upcast from it is registered in `UPCASTS`) instead of decoding into a wrong state.
 */
export const CENTER_SNAPSHOT_SCHEMA_VERSION = 6

/**
 * The fingerprint of the state's shape at each schema version (tests/snapshots: the keys and
 * value types of every kind of object reachable in a rich center state, hashed). The test
 * fails when the current shape's fingerprint is not the one recorded for
 * `CENTER_SNAPSHOT_SCHEMA_VERSION`, so a shape change cannot ship without a version bump.
 * Append-only: a new version gets a new entry, old entries stay.
 */
export const CENTER_STATE_SHAPES: Readonly<Record<number, string>> = {
  1: "01378b09b2b56618",
  2: "c1738276cb72c9b4",
  3: "eea50e565456e4a5",
  4: "05998b7b4de29ab6",
  5: "014bdcad593c04ae",
  6: "8d25f9e3713a1e0a",
}

/** The parts of a version-1 state that version 2 no longer has (issue 22: read models in SQL). */
interface StateV1 {
  readonly audit?: unknown
  readonly emergency: { operatorLog?: unknown }
  readonly outbox: { readonly entries: Map<string, { readonly status: string }> }
}

/**
 * Version 1 to 2 (issue 22): the audit trail and the emergency operator log left the state for
 * their read models, and a sent or cancelled outbox message leaves it (the deliveries read model
 * keeps its record), as a replay under this build leaves them.
 */
const upcastFrom1 = (older: unknown): unknown => {
  const { audit: _audit, ...state } = older as StateV1
  delete state.emergency.operatorLog
  for (const [id, entry] of state.outbox.entries)
    if (entry.status === "sent" || entry.status === "cancelled") state.outbox.entries.delete(id)
  return state
}

/** The parts of a version-2 state that version 3 adds to (issue 19). */
interface StateV2 {
  readonly emergency: {
    readonly sessions: Map<string, { droppedAt?: number | null }>
    readonly psapCalls: Map<string, { intoSession?: string | null }>
  }
  calls?: CallsState
}

/**
 * Version 2 to 3 (issue 19, W5): an emergency session records when the rep's own call dropped
 * (none had, as far as a version-2 build knew), and a PSAP call the session it was put through
 * into (unknown for a call already in progress: the rep's view then does not count it). W1: the
 * calls module's slice begins empty (a call accepted before it has no leg to act on).
 */
const upcastFrom2 = (older: unknown): unknown => {
  const state = older as StateV2
  state.calls ??= emptyCallsState()
  for (const session of state.emergency.sessions.values()) session.droppedAt = null
  for (const call of state.emergency.psapCalls.values()) call.intoSession = null
  return state
}

/** The parts of a version-3 state that version 4 adds to (issue 19: the supervisor's reads). */
interface StateV3 {
  readonly routing: {
    readonly reps: Map<string, { presenceSince?: number | null }>
    readonly queues: Map<string, { serviceLevelTarget?: unknown }>
  }
}

/**
 * Version 3 to 4 (issue 19): a rep records since when it is in its presence, which a version-3
 * state did not keep: unknown (null) until the rep's next presence change; a queue's own
 * service-level target, which none had (null: the default applies). A value already there is
 * kept, so the upcast is harmless on a state that has them.
 */
const upcastFrom3 = (older: unknown): unknown => {
  const state = older as StateV3
  for (const rep of state.routing.reps.values()) rep.presenceSince ??= null
  for (const queue of state.routing.queues.values()) queue.serviceLevelTarget ??= null
  return state
}

/** The parts of a version-4 state that version 5 adds (W5: a silent session's bounded close). */
interface StateV4 {
  readonly emergency: {
    readonly pool: { graceMinutes?: number }
    readonly sessions: Map<string, { closesAt?: number | null }>
  }
}

/**
 * Version 4 to 5 (issue 19, W5): the callback pool's grace after the window (the default, 15
 * minutes, as a replay of the older events gives) and, per session, when a silent one closes
 * (null: no close is pending).
 */
const upcastFrom4 = (older: unknown): unknown => {
  const state = older as StateV4
  state.emergency.pool.graceMinutes ??= 15
  for (const session of state.emergency.sessions.values()) session.closesAt ??= null
  return state
}

/** The part of a version-5 state that version 6 no longer has. */
interface StateV5 {
  readonly calls: { byRep?: unknown }
}

/**
 * Version 5 to 6 (issue 18, speed): the calls module no longer keeps its legs indexed by rep (a
 * rep's legs are read by a pass over the slice), so the index is dropped; the legs stay.
 */
const upcastFrom5 = (older: unknown): unknown => {
  const state = older as StateV5
  delete state.calls.byRep
  return state
}

/**
 * Older encodings this build can still read: from a schema version to a function that turns the
 * decoded value of that version into the next version's.
 */
export const UPCASTS: Readonly<Record<number, (older: unknown) => unknown>> = {
  1: upcastFrom1,
  2: upcastFrom2,
  3: upcastFrom3,
  4: upcastFrom4,
  5: upcastFrom5,
}

export const SnapshotEnvelope = Schema.Struct({
  format: Schema.Literal(CENTER_SNAPSHOT_FORMAT),
  schemaVersion: Schema.Int,
  streamVersion: Schema.Int,
  takenAt: Schema.Finite,
})
export type SnapshotEnvelope = typeof SnapshotEnvelope.Type

const decodeEnvelope = Schema.decodeUnknownResult(Schema.fromJsonString(SnapshotEnvelope))

/** Stands for an offerable heap until its queue gives it a comparator. */
interface HeapItems {
  readonly heapItems: Membership[]
}

/**
 * devalue walks the graph depth first, one stack frame per step: reps, memberships and queues
 * chained through each other would take thousands of frames in a big center (1,000 reps in 100
 * queues). A membership is therefore encoded by the ids of its rep and queue (its own numbers and
 * its units, the object it shares with its rep's capacity, as they are) and linked again after
 * decoding, which keeps every chain a few steps deep.
 */
type MembershipForm = [
  repId: string,
  queueId: string,
  order: number,
  lastOfferSeq: number,
  heapIndex: number,
  units: Membership["units"],
]

const reducersFor = (state: CenterState) => {
  const memberships = new Set<unknown>()
  for (const rep of state.routing.reps.values()) for (const m of rep.membershipList) memberships.add(m)
  return {
    Membership: (value: unknown): MembershipForm | false => {
      if (!memberships.has(value)) return false
      const m = value as Membership
      return [m.rep.repId, m.queue.config.queueId, m.order, m.lastOfferSeq, m.heapIndex, m.units]
    },
    IndexedHeap: (value: unknown) => value instanceof IndexedHeap && [value.unordered()],
    WaitingQueue: (value: unknown) => value instanceof WaitingQueue && { ...value },
  }
}

/** Revivers for one decode; `links` remembers each membership's rep and queue ids. */
const reviversFor = (links: Map<Membership, readonly [string, string]>) => ({
  Membership: ([repId, queueId, order, lastOfferSeq, heapIndex, units]: MembershipForm): Membership => {
    // The fields in the order evolve.ts creates them (one hidden class for every membership).
    const m = {
      rep: UNLINKED,
      queue: UNLINKED,
      order,
      lastOfferSeq,
      heapIndex,
      units,
    } as unknown as Membership
    links.set(m, [repId, queueId])
    return m
  },
  IndexedHeap: ([items]: [Membership[]]): HeapItems => ({ heapItems: items }),
  WaitingQueue: (fields: object) => Object.assign(new WaitingQueue(), fields),
})
const UNLINKED = null

/** Each membership back to its rep and queue objects. */
const linkMemberships = (state: CenterState, links: ReadonlyMap<Membership, readonly [string, string]>) => {
  for (const [m, [repId, queueId]] of links) {
    const rep = state.routing.reps.get(repId)
    const queue = state.routing.queues.get(queueId)
    if (rep === undefined || queue === undefined)
      throw new Error(`membership of ${repId} in ${queueId}: no such rep or queue`)
    const linked = m as { rep: Membership["rep"]; queue: Membership["queue"] }
    linked.rep = rep
    linked.queue = queue
  }
}

/** Each queue's offerable heap, from its element array and its assignment method's order. */
const restoreHeaps = (queues: ReadonlyMap<string, QueueState>) => {
  for (const queue of queues.values()) {
    const held = queue.offerable as unknown as HeapItems
    if (!Array.isArray(held.heapItems)) throw new Error(`queue ${queue.config.queueId}: no offerable heap`)
    const heap = new IndexedHeap<Membership>(memberOrder(queue.config))
    // The array in heap order, as it was: each membership's heapIndex still points at its slot.
    const slots = heap.unordered() as Membership[]
    for (const m of held.heapItems) slots.push(m)
    ;(queue as { offerable: IndexedHeap<Membership> }).offerable = heap
  }
}

/** The payload for a state holding the stream up to `streamVersion`. */
export const encodeCenterState = (state: CenterState, streamVersion: number, takenAt: number): string => {
  const envelope: SnapshotEnvelope = {
    format: CENTER_SNAPSHOT_FORMAT,
    schemaVersion: CENTER_SNAPSHOT_SCHEMA_VERSION,
    streamVersion,
    takenAt,
  }
  return `${JSON.stringify(envelope)}\n${devalue.stringify(state, reducersFor(state))}`
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * A payload back into a fresh state, or why not: another format, a schema version this build
 * neither writes nor can upcast, an envelope that disagrees with its header, a body that does
 * not parse. Never throws.
 */
export const decodeCenterState = (
  payload: string,
  info?: SnapshotInfo,
  upcasts: Readonly<Record<number, (older: unknown) => unknown>> = UPCASTS,
): Result.Result<CenterState, string> => {
  const newline = payload.indexOf("\n")
  if (newline < 0) return Result.fail("no envelope")
  const envelope = decodeEnvelope(payload.slice(0, newline))
  if (Result.isFailure(envelope)) return Result.fail(`envelope: ${message(envelope.failure)}`)
  const { schemaVersion, streamVersion } = envelope.success
  if (info !== undefined && (info.version !== streamVersion || info.schemaVersion !== schemaVersion)) {
    return Result.fail(
      `envelope (version ${streamVersion}, schema ${schemaVersion}) disagrees with its header (version ${info.version}, schema ${info.schemaVersion})`,
    )
  }
  if (schemaVersion > CENTER_SNAPSHOT_SCHEMA_VERSION) {
    return Result.fail(
      `schema version ${schemaVersion} is newer than this build's (${CENTER_SNAPSHOT_SCHEMA_VERSION})`,
    )
  }
  for (let v = schemaVersion; v < CENTER_SNAPSHOT_SCHEMA_VERSION; v++) {
    if (upcasts[v] === undefined) return Result.fail(`schema version ${schemaVersion}: no upcast from ${v}`)
  }
  try {
    const links = new Map<Membership, readonly [string, string]>()
    let value: unknown = devalue.parse(payload.slice(newline + 1), reviversFor(links))
    for (let v = schemaVersion; v < CENTER_SNAPSHOT_SCHEMA_VERSION; v++)
      value = (upcasts[v] as (older: unknown) => unknown)(value)
    const state = value as CenterState
    linkMemberships(state, links)
    restoreHeaps(state.routing.queues)
    return Result.succeed(state)
  } catch (error) {
    return Result.fail(`body: ${message(error)}`)
  }
}

/** The center's decoder for the engine (ports/store.ts `SnapshotDecoder`). */
export const centerSnapshotDecoder = {
  stream: CENTER_STREAM,
  decode: (payload: string, info: SnapshotInfo) => decodeCenterState(payload, info),
}
