import {
  CENTER_SNAPSHOT_FORMAT,
  CENTER_SNAPSHOT_SCHEMA_VERSION,
  CENTER_STATE_SHAPES,
  decodeCenterState,
  encodeCenterState,
} from "@lifeline/adapters"
import { projectAudit } from "@lifeline/core/audit"
import {
  type CenterEvent,
  type CenterState,
  emptyCenterState,
  replayCenter,
  repView,
} from "@lifeline/core/center"
import { queueView, waitingInOrder } from "@lifeline/core/routing"
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { armedTimers, decisions, probeCommands, richCenterLog } from "./rich-center"
import { sameState } from "./same-state"
import { fingerprint, shapeLines } from "./shape"
import { stateDigest } from "./state-digest"

/**
 * Issue 22, SPEC N1: the center's state through a snapshot (adapters/store/snapshot) is the
 * state itself: the same encoding, the same views, the same next decisions.
 */
const { events, end } = richCenterLog()
const replayOf = (log: readonly CenterEvent[]) => replayCenter(emptyCenterState(), log)
const decode = (payload: string) => {
  const decoded = decodeCenterState(payload)
  if (Result.isFailure(decoded)) throw new Error(decoded.failure)
  return decoded.success
}

/** What a reader of the state sees: every queue and rep view, every queue's waiting order. */
const views = (state: CenterState, now: number) => ({
  queues: [...state.routing.queues.keys()].map((q) => queueView(state.routing, q)),
  waiting: [...state.routing.queues.keys()].map((q) => waitingInOrder(state.routing, q).map((i) => i.itemId)),
  reps: [...state.routing.reps.values()].map(repView),
  offerable: [...state.routing.queues.values()].map((q) => q.offerable.peek()?.rep.repId ?? null),
  callbacks: [...state.callback.callbacks.values()].map((c) => [c.callbackId, c.status, c.attempts]),
  sessions: [...state.emergency.sessions.keys()],
  outbox: [...state.outbox.due],
  outboxEntries: [...state.outbox.entries.keys()],
  now,
})

describe("center snapshots (issue 22, N1)", () => {
  it("the rich log reaches every module's part of the state", () => {
    const state = replayOf(events)
    expect(events.length).toBeGreaterThan(1_000)
    expect(state.routing.items.size).toBeGreaterThan(0)
    expect(
      state.routing.offers.size + [...state.routing.items.values()].filter((i) => i.assignedTo).length,
    ).toBeGreaterThan(0)
    expect(state.callback.watched.size + state.callback.callbacks.size).toBeGreaterThan(0)
    expect(state.emergency.sessions.size).toBeGreaterThan(0)
    // Configuration changes too: since issue 22 the audit trail is a read model over the log.
    expect(projectAudit(events).entries.length).toBeGreaterThan(0)
  })

  it("N1 the state round-trips exactly: the same encoding, the same views, shared objects still shared", () => {
    const state = replayOf(events)
    const payload = encodeCenterState(state, events.length, 1)
    const back = decode(payload)
    // Byte for byte: every value, and which objects are shared, as they were.
    expect(encodeCenterState(back, events.length, 1) === payload).toBe(true)
    expect(sameState(back, state)).toBeUndefined()
    // The comparison sees a one-event difference.
    expect(sameState(back, replayOf(events.slice(0, -1)))).toBeDefined()
    expect(views(back, end)).toEqual(views(state, end))
    // A membership is its rep's and its queue's, and points back at both: one object, not copies.
    for (const rep of back.routing.reps.values()) {
      for (const [queueId, m] of rep.memberships) {
        expect(back.routing.queues.get(queueId)?.members.get(rep.repId)).toBe(m)
        expect(m.rep).toBe(rep)
      }
    }
    for (const item of back.routing.items.values())
      expect(back.routing.queues.get(item.queue.config.queueId)).toBe(item.queue)
  })

  it("N1 state from a snapshot at k and the events after k decides and shows what a full replay does", () => {
    const full = replayOf(events)
    const fullDigest = stateDigest(full)
    const timers = armedTimers(events)
    const probes = probeCommands(full, timers)
    expect(probes.length).toBeGreaterThan(8)
    const now = end + 60_000
    const expected = decisions(full, probes, now)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: events.length }), (k) => {
        const atK = encodeCenterState(replayOf(events.slice(0, k)), k, 0)
        const restored = replayCenter(decode(atK), events.slice(k))
        const replayed = replayOf(events)
        expect(sameState(restored, replayed)).toBeUndefined()
        expect(stateDigest(restored)).toBe(fullDigest)
        expect(views(restored, now)).toEqual(views(replayed, now))
        expect(decisions(restored, probes, now)).toEqual(expected)
      }),
      { numRuns: 6 },
    )
  })

  it("N1 a snapshot taken after commands were decided (not only replayed) still decides the same next", () => {
    const state = replayOf(events)
    const timers = armedTimers(events)
    const now = end + 60_000
    const first = probeCommands(state, timers)
    decisions(state, first, now)
    const copy = decode(encodeCenterState(state, 0, 0))
    const next = probeCommands(state, timers)
    expect(decisions(copy, next, now + 1_000)).toEqual(decisions(state, next, now + 1_000))
  })

  /**
   * The schema-version guard. `shapeLines` describes the keys and value types of every kind of
   * object in a rich center state (see shape.ts); its hash must be the one recorded for the
   * current `CENTER_SNAPSHOT_SCHEMA_VERSION` in center-codec.ts. Change the state's shape and
   * this fails until the version is bumped and the new shape's fingerprint recorded under it:
   * then a build never decodes an older snapshot into the new shape (it skips it, or upcasts it
   * through `UPCASTS`). A change to the simulator's scenario can change the fingerprint too;
   * bump the version then as well (a spare bump only costs one replay from the log).
   */
  it("the state's shape is the one recorded for the current schema version", () => {
    const lines = shapeLines(replayOf(events))
    const current = fingerprint(lines)
    expect(
      CENTER_STATE_SHAPES[CENTER_SNAPSHOT_SCHEMA_VERSION],
      `the center state's shape changed (fingerprint ${current}): bump CENTER_SNAPSHOT_SCHEMA_VERSION in ` +
        `packages/adapters/src/store/snapshot/center-codec.ts and record ${current} for it in CENTER_STATE_SHAPES`,
    ).toBe(current)
    // Each version has its own shape: a fingerprint is never reused for another version.
    const recorded = Object.values(CENTER_STATE_SHAPES)
    expect(new Set(recorded).size).toBe(recorded.length)
    expect(lines.some((l) => l.includes(".offerable:IndexedHeap"))).toBe(true)
  })

  it("a version-5 snapshot (calls indexed by rep) is upcast: the same legs, no index", () => {
    const replayed = replayOf(events)
    expect(replayed.calls.legs.size).toBeGreaterThan(0)
    // A version-5 state also kept each rep's legs in a set, sharing the leg objects.
    const older = replayOf(events)
    const byRep = new Map<string, Set<unknown>>()
    for (const leg of older.calls.legs.values())
      byRep.set(leg.repId, (byRep.get(leg.repId) ?? new Set()).add(leg))
    Object.assign(older.calls, { byRep })
    const payload = encodeCenterState(older, end, 1)
    const newline = payload.indexOf("\n")
    const envelope = { ...JSON.parse(payload.slice(0, newline)), schemaVersion: 5 }
    const v5 = `${JSON.stringify(envelope)}${payload.slice(newline)}`
    expect(Result.isFailure(decodeCenterState(v5, undefined, {}))).toBe(true)
    const upcast = decode(v5)
    expect(upcast.calls).not.toHaveProperty("byRep")
    expect(sameState(upcast, replayed)).toBeUndefined()
  })

  it("a payload this build cannot read is refused with the reason, never thrown", () => {
    const payload = encodeCenterState(replayOf(events.slice(0, 500)), 500, 1)
    const [head = "", body = ""] = [
      payload.slice(0, payload.indexOf("\n")),
      payload.slice(payload.indexOf("\n") + 1),
    ]
    const envelope = JSON.parse(head) as Record<string, unknown>
    const withEnvelope = (changes: Record<string, unknown>) =>
      `${JSON.stringify({ ...envelope, ...changes })}\n${body}`
    const reasons = {
      newer: decodeCenterState(withEnvelope({ schemaVersion: CENTER_SNAPSHOT_SCHEMA_VERSION + 1 })),
      older: decodeCenterState(withEnvelope({ schemaVersion: 0 })),
      format: decodeCenterState(withEnvelope({ format: "something.else" })),
      noEnvelope: decodeCenterState(body),
      truncated: decodeCenterState(payload.slice(0, payload.length - 40)),
      header: decodeCenterState(payload, {
        id: "x",
        version: 499,
        schemaVersion: CENTER_SNAPSHOT_SCHEMA_VERSION,
        takenAt: 1,
      }),
    }
    for (const [name, r] of Object.entries(reasons)) expect(Result.isFailure(r), name).toBe(true)
    expect(Result.isSuccess(decodeCenterState(payload))).toBe(true)
    expect(envelope).toMatchObject({
      format: CENTER_SNAPSHOT_FORMAT,
      schemaVersion: CENTER_SNAPSHOT_SCHEMA_VERSION,
      streamVersion: 500,
    })
  })
})
