import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gunzipSync } from "node:zlib"
import { it } from "@effect/vitest"
import {
  CENTER_SNAPSHOT_SCHEMA_VERSION,
  centerFold,
  centerSnapshotDecoder,
  decodeCenterState,
  encodeCenterState,
  type LibsqlStore,
  makeLibsqlStore,
  takeSnapshot,
  UPCASTS,
  VirtualClock,
  VirtualClockLive,
} from "@lifeline/adapters"
import {
  CENTER_STREAM,
  Center,
  type CenterCommand,
  type CenterEvent,
  CenterLive,
  type CenterState,
  centerTimers,
  emptyCenterState,
  replayCenter,
} from "@lifeline/core/center"
import { SnapshotDecoder, Snapshots, Store, type Timer } from "@lifeline/core/ports"
import { Effect, Layer, Result } from "effect"
import { afterAll, describe, expect } from "vitest"
import { repoRoot } from "../durability/processes"
import { decisions, probeCommands, richCenterLog } from "./rich-center"
import { sameState } from "./same-state"

/**
 * Issue 22, SPEC N1, ARCHITECTURE rule 8: a node's start on a libSQL file that holds snapshots.
 * It uses the newest snapshot it can decode and the events after it (never the whole log then),
 * comes up with the state a full replay gives (the same encoding, the same next decisions) and
 * its timers armed; a snapshot it cannot read (an older shape without an upcast, a schema
 * version it does not know, a damaged payload) is skipped and the start succeeds.
 */
const { events, end } = richCenterLog()
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
const tempUrl = () => {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-snapshot-start-"))
  dirs.push(dir)
  return `file:${join(dir, "lifeline.db")}`
}

const replayOf = (log: readonly CenterEvent[]) => replayCenter(emptyCenterState(), log)

/** Append a log as an engine would have: in groups, with the timer changes its events make. */
const fill = (store: LibsqlStore, log: readonly CenterEvent[], from: number) =>
  Effect.gen(function* () {
    for (let at = 0; at < log.length; at += 2_000) {
      const chunk = log.slice(at, at + 2_000)
      yield* store.append(CENTER_STREAM, from + at, chunk, chunk.flatMap(centerTimers))
    }
  })

/** What a start read: the versions it read the log after, and whether it loaded the whole log. */
interface Reads {
  readonly after: number[]
  whole: number
}

/** One life of a node on the file: the center engine, a virtual clock at `at`, reads recorded. */
const life = <A, E>(
  url: string,
  at: number,
  body: Effect.Effect<A, E, Center | VirtualClock | Store>,
  decoder: SnapshotDecoder["Service"] = centerSnapshotDecoder,
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const store = yield* makeLibsqlStore(url)
      const reads: Reads = { after: [], whole: 0 }
      const ports = Layer.mergeAll(
        Layer.succeed(Store, {
          ...store,
          load: <E, C>(stream: string) => {
            reads.whole += 1
            return store.load<E, C>(stream)
          },
        }),
        Layer.succeed(Snapshots, {
          ...store,
          loadAfter: <E, C>(stream: string, version: number) => {
            reads.after.push(version)
            return store.loadAfter<E, C>(stream, version)
          },
        }),
        Layer.succeed(SnapshotDecoder, decoder),
        VirtualClockLive(at),
      )
      // What the start read: taken as the body begins (the engine is built by then).
      let atStart: Reads = { after: [], whole: 0 }
      const result = yield* Effect.provide(
        Effect.andThen(
          Effect.sync(() => {
            atStart = { after: [...reads.after], whole: reads.whole }
          }),
          body,
        ),
        CenterLive.pipe(Layer.provideMerge(ports)),
      )
      return { result, reads: atStart }
    }),
  )

const byId = (timers: readonly Timer[]) => [...timers].sort((a, b) => a.timerId.localeCompare(b.timerId))

/** The state, timers and clock a node came up with. */
const started = Effect.gen(function* () {
  const center = yield* Center
  const clock = yield* VirtualClock
  const store = yield* Store
  return {
    state: yield* center.read((s) => s),
    timers: byId(yield* center.pendingTimers),
    clockTimers: (yield* clock.pending).map((t) => t.timerId).sort(),
    stored: yield* store.load<CenterEvent, CenterCommand>(CENTER_STREAM),
  }
})

describe("a node's start from a snapshot (issue 22, N1)", () => {
  it.live(
    "N1 a node on a store with a snapshot and more events after it comes up with the right state and timers",
    () =>
      Effect.gen(function* () {
        const url = tempUrl()
        const k = Math.floor(events.length * 0.6)
        yield* Effect.scoped(
          Effect.gen(function* () {
            const store = yield* makeLibsqlStore(url)
            yield* fill(store, events.slice(0, k), 0)
            const { saved } = yield* takeSnapshot(store, centerFold, undefined, 1)
            expect(saved?.version).toBe(k)
            yield* fill(store, events.slice(k), k)
          }),
        )
        const now = end + 60_000
        const first = yield* life(url, now, started)
        // The snapshot and the events after it; never the whole log.
        expect(first.reads).toEqual({ after: [k], whole: 0 })
        expect(sameState(first.result.state, replayOf(events))).toBeUndefined()
        // N1: every stored timer armed again, on the engine and on the clock.
        expect(first.result.timers).toEqual(byId(first.result.stored.timers))
        expect(first.result.clockTimers).toEqual(first.result.timers.map((t) => t.timerId))
        expect(first.result.timers.length).toBeGreaterThan(0)

        // It decides the next commands as a node that replayed the whole log would.
        const probes = probeCommands(replayOf(events), first.result.timers as Timer<CenterCommand>[])
        const expected = decisions(replayOf(events), probes, now)
        const second = yield* life(
          url,
          now,
          Effect.gen(function* () {
            const center = yield* Center
            const out: unknown[] = []
            for (const command of probes) {
              const r = yield* Effect.result(center.execute(command))
              out.push(Result.isSuccess(r) ? r.success : { refused: r.failure._tag })
            }
            return out
          }),
        )
        expect(second.result).toEqual(expected)
        expect(second.reads).toEqual({ after: [k], whole: 0 })

        // And once more: the snapshot, then the events it was not given, its own included.
        const third = yield* life(url, now, started)
        expect(third.reads).toEqual({ after: [k], whole: 0 })
        expect(sameState(third.result.state, replayOf(third.result.stored.events))).toBeUndefined()
        expect(third.result.stored.version).toBeGreaterThan(events.length)
      }),
  )

  /** A snapshot in the shape of an imagined schema version 0: the provider event ids as an array. */
  const olderShape = (state: CenterState, version: number) => {
    const old = { ...state, seenProviderEvents: [...state.seenProviderEvents] } as unknown as CenterState
    const payload = encodeCenterState(old, version, 1)
    const newline = payload.indexOf("\n")
    const envelope = { ...JSON.parse(payload.slice(0, newline)), schemaVersion: 0 }
    return `${JSON.stringify(envelope)}\n${payload.slice(newline + 1)}`
  }
  const upcastFrom0 = (older: unknown) => {
    const state = older as { seenProviderEvents: string[] }
    return { ...state, seenProviderEvents: new Set(state.seenProviderEvents) }
  }

  it.live(
    "N1 snapshots it cannot read (older shape, unknown schema version, damaged) are skipped: the start succeeds",
    () =>
      Effect.gen(function* () {
        const url = tempUrl()
        const k = Math.floor(events.length / 2)
        yield* Effect.scoped(
          Effect.gen(function* () {
            const store = yield* makeLibsqlStore(url)
            yield* fill(store, events, 0)
            const atK = replayOf(events.slice(0, k))
            yield* store.save(CENTER_STREAM, {
              version: k,
              schemaVersion: 0,
              takenAt: 1,
              payload: olderShape(atK, k),
            })
            const current = encodeCenterState(replayOf(events.slice(0, k + 10)), k + 10, 2)
            const newline = current.indexOf("\n")
            const future = { ...JSON.parse(current.slice(0, newline)), schemaVersion: 99 }
            yield* store.save(CENTER_STREAM, {
              version: k + 10,
              schemaVersion: 99,
              takenAt: 2,
              payload: `${JSON.stringify(future)}\n{"a shape":"from a later build"}`,
            })
            yield* store.save(CENTER_STREAM, {
              version: k + 20,
              schemaVersion: CENTER_SNAPSHOT_SCHEMA_VERSION,
              takenAt: 3,
              payload: current.slice(0, current.length / 2),
            })
          }),
        )
        const whole = replayOf(events)
        // This build has no upcast from version 0: all three are skipped, the log is replayed whole.
        const plain = yield* life(url, end, started)
        expect(plain.reads).toEqual({ after: [], whole: 1 })
        expect(sameState(plain.result.state, whole)).toBeUndefined()
        expect(plain.result.timers).toEqual(byId(plain.result.stored.timers))

        // A build with an upcast from version 0 starts from the older snapshot.
        const upcasting = {
          stream: CENTER_STREAM,
          decode: (payload: string, info: Parameters<typeof decodeCenterState>[1]) =>
            decodeCenterState(payload, info, { ...UPCASTS, 0: upcastFrom0 }),
        }
        const upcast = yield* life(url, end, started, upcasting)
        expect(upcast.reads).toEqual({ after: [k], whole: 0 })
        expect(sameState(upcast.result.state, whole)).toBeUndefined()
      }),
  )

  /**
   * Fixtures written by the build before issue 22's read models (snapshot schema version 1: the
   * audit trail, the operator log and every sent email in the state): the small center's events
   * and a snapshot of their first `snapshotAt` (tests/fixtures/snapshots).
   */
  const fixture = (name: string) =>
    gunzipSync(readFileSync(join(repoRoot, "tests/fixtures/snapshots", name))).toString()
  const v1Snapshot = fixture("v1-rich-center.snapshot.gz")
  const [v1Head = "", ...v1Lines] = fixture("v1-rich-center.events.jsonl.gz").trim().split("\n")
  const v1 = JSON.parse(v1Head) as { end: number; snapshotAt: number }
  const v1Events = v1Lines.map((line) => JSON.parse(line) as CenterEvent)

  /**
   * Issue 19: a snapshot older than schema version 4 does not know since when a rep is in its
   * presence, so the upcast leaves it unknown (null) until the rep's next presence change. A
   * replay's state with exactly those unknown: the reps with no presence event after `k`.
   */
  const presenceUnknownUntilChanged = (state: CenterState, after: readonly CenterEvent[]) => {
    const changed = new Set(
      after.flatMap((e) => (e._tag === "PresenceChanged" || e._tag === "RepRegistered" ? [e.repId] : [])),
    )
    for (const rep of state.routing.reps.values()) if (!changed.has(rep.repId)) rep.presenceSince = null
    return state
  }

  it.live(
    "N1 issue 22: a snapshot in the version-1 shape is upcast: the start uses it, with the state a replay gives",
    () =>
      Effect.gen(function* () {
        const url = tempUrl()
        const k = v1.snapshotAt
        expect(JSON.parse(v1Snapshot.slice(0, v1Snapshot.indexOf("\n")))).toMatchObject({
          schemaVersion: 1,
          streamVersion: k,
        })
        // Without the upcast this build could not read it.
        expect(Result.isFailure(decodeCenterState(v1Snapshot, undefined, {}))).toBe(true)
        yield* Effect.scoped(
          Effect.gen(function* () {
            const store = yield* makeLibsqlStore(url)
            yield* fill(store, v1Events, 0)
            yield* store.save(CENTER_STREAM, {
              version: k,
              schemaVersion: 1,
              takenAt: 1,
              payload: v1Snapshot,
            })
          }),
        )
        const node = yield* life(url, v1.end, started)
        // The old snapshot and the events after it, never the whole log.
        expect(node.reads).toEqual({ after: [k], whole: 0 })
        const whole = presenceUnknownUntilChanged(replayOf(v1Events), v1Events.slice(k))
        expect(sameState(node.result.state, whole)).toBeUndefined()
        expect([...node.result.state.routing.reps.values()].some((r) => r.presenceSince === null)).toBe(true)
        expect(node.result.state).not.toHaveProperty("audit")
        expect(node.result.state.emergency).not.toHaveProperty("operatorLog")
        expect(node.result.timers).toEqual(byId(node.result.stored.timers))
      }),
  )

  it.live("N1 a snapshot writer folds the log page by page, from the previous snapshot on", () =>
    Effect.gen(function* () {
      const url = tempUrl()
      const k = Math.floor(events.length / 4)
      const [first, second, stored] = yield* Effect.scoped(
        Effect.gen(function* () {
          const store = yield* makeLibsqlStore(url)
          yield* fill(store, events.slice(0, k), 0)
          const first = yield* takeSnapshot(store, centerFold, undefined, 1, 97)
          yield* fill(store, events.slice(k), k)
          // A new writer: it starts from the stored snapshot, not from the start of the log.
          const reads: number[] = []
          const watched = {
            ...store,
            readEvents: <E>(stream: string, version: number, limit: number) => {
              reads.push(version)
              return store.readEvents<E>(stream, version, limit)
            },
          }
          const second = yield* takeSnapshot(watched, centerFold, undefined, 2, 97)
          expect(reads[0]).toBe(k)
          expect(reads.length).toBe(Math.floor((events.length - k) / 97) + 1)
          const again = yield* takeSnapshot(store, centerFold, second.folded, 3, 97)
          expect(again.saved).toBeUndefined()
          return [first, second, yield* store.list(CENTER_STREAM)] as const
        }),
      )
      expect(first.saved?.version).toBe(k)
      expect(second.saved?.version).toBe(events.length)
      expect(stored.map((s) => s.version)).toEqual([events.length, k])
      expect(sameState(second.folded.state, replayOf(events))).toBeUndefined()
    }),
  )

  it.live("N1 an older usable snapshot is used when the newest cannot be read", () =>
    Effect.gen(function* () {
      const url = tempUrl()
      const k = Math.floor(events.length / 3)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const store = yield* makeLibsqlStore(url)
          yield* fill(store, events.slice(0, k), 0)
          yield* takeSnapshot(store, centerFold, undefined, 1)
          yield* fill(store, events.slice(k), k)
          yield* store.save(CENTER_STREAM, {
            version: events.length,
            schemaVersion: CENTER_SNAPSHOT_SCHEMA_VERSION + 1,
            takenAt: 2,
            payload: "{}\n[]",
          })
        }),
      )
      const node = yield* life(url, end, started)
      expect(node.reads).toEqual({ after: [k], whole: 0 })
      expect(sameState(node.result.state, replayOf(events))).toBeUndefined()
    }),
  )
})
