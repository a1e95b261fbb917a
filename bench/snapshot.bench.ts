/**
 * Snapshots (issue 22): what they cost a node's commands and what they save its start. Run with
 * `pnpm bench:snapshot` from the repository root (bundles this file and the snapshot writer's entry).
 *
 * The store: an embedded libSQL file holding the center stream of the simulator's big center
 * (examples/big-day.json, 1,000 reps, 100 queues) for `BENCH_SNAPSHOT_HOURS` virtual hours (0.5
 * unless set), with the timers still armed at its end. Then:
 * - start: a node's engine built from the whole log, and from a snapshot at its end;
 * - command latency: one submitter plays calls (EnqueueItem, AcceptOffer, CompleteWork) on that
 *   center for `BENCH_SNAPSHOT_MEASURE_SECONDS` (8) per round, `BENCH_SNAPSHOT_ROUNDS` (4) rounds,
 *   each round with the snapshot writer process off and then on, at production's cadence unless
 *   set (a snapshot every `BENCH_SNAPSHOT_EVERY_EVENTS` events, 20,000, or
 *   `BENCH_SNAPSHOT_EVERY_SECONDS`, 60; one submitter stores about that many events in a few
 *   seconds, so a busy node snapshots every few seconds), p50/p99 per mode over all rounds.
 *   Target: p99 on within 10% of off. `BENCH_SNAPSHOT_CALLS_PER_SECOND` paces the submitter (a call
 *   is three commands) instead of running flat out: the big-day center stores ~9 M events a day,
 *   ~100 a second on average; flat out one submitter stores ~7,000 a second, so the writer is
 *   busy a large share of the time.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Context, Effect, Layer } from "effect"
import { memorySink } from "../apps/simulator/src/engine/event-log"
import { runSimulation } from "../apps/simulator/src/run"
import { loadScenarioFile } from "../apps/simulator/src/scenario-file"
import { VirtualClockLive } from "../packages/adapters/src/clock/virtual-clock"
import { LibsqlStoreLive, makeLibsqlStore } from "../packages/adapters/src/store/libsql/libsql-store"
import { encodeCenterState } from "../packages/adapters/src/store/snapshot/center-codec"
import { CenterSnapshotsLive } from "../packages/adapters/src/store/snapshot/snapshotter"
import { centerFold, takeSnapshot } from "../packages/adapters/src/store/snapshot/take"
import type { SnapshotReport } from "../packages/adapters/src/store/snapshot/worker"
import type { CenterCommand } from "../packages/core/src/center/commands"
import type { CenterEvent } from "../packages/core/src/center/events"
import { centerTimers } from "../packages/core/src/center/execute"
import { CENTER_STREAM, Center, type CenterEngine, CenterLive } from "../packages/core/src/center/service"
import type { Timer } from "../packages/core/src/ports/timer"

const MIGRATIONS = resolve("packages/adapters/drizzle")
const WORKER = resolve(".bench/snapshot-worker.mjs")
const HOURS = Number(process.env.BENCH_SNAPSHOT_HOURS ?? "0.5")
const MEASURE_MS = Number(process.env.BENCH_SNAPSHOT_MEASURE_SECONDS ?? "8") * 1_000
const ROUNDS = Number(process.env.BENCH_SNAPSHOT_ROUNDS ?? "4")
const REPS = 50
/** The writer's cadence while measuring: production's default unless BENCH_SNAPSHOT_EVERY_EVENTS says. */
const EVERY_EVENTS = Number(process.env.BENCH_SNAPSHOT_EVERY_EVENTS ?? "20000")
const EVERY_SECONDS = Number(process.env.BENCH_SNAPSHOT_EVERY_SECONDS ?? "60")
/** Calls (of three commands) per second; 0 (the default): one after another, as fast as they go. */
const CALLS_PER_SECOND = Number(process.env.BENCH_SNAPSHOT_CALLS_PER_SECOND ?? "0")

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN

/** The big center's core events, and the timers still armed at the end of the run. */
const bigLog = () => {
  const sink = memorySink()
  runSimulation({
    seed: 1,
    hours: HOURS,
    scenario: loadScenarioFile(resolve("apps/simulator/examples/big-day.json")),
    events: sink,
  })
  const events: CenterEvent[] = []
  let end = 0
  for (const line of sink.lines) {
    const parsed = JSON.parse(line) as { at: number; core?: CenterEvent }
    if (parsed.core === undefined) continue
    events.push(parsed.core)
    end = parsed.at
  }
  sink.lines.length = 0
  const armed = new Map<string, Timer<CenterCommand>>()
  for (const e of events)
    for (const c of centerTimers(e)) {
      if (c._tag === "Arm") armed.set(c.timer.timerId, c.timer)
      else armed.delete(c.timerId)
    }
  // Timers due before the end fired in the run (the simulator fires them itself).
  const timers = [...armed.values()].filter((t) => t.dueAt > end)
  return { events, timers, end }
}

const fill = (url: string, events: readonly CenterEvent[], timers: readonly Timer<CenterCommand>[]) =>
  Effect.scoped(
    Effect.gen(function* () {
      const store = yield* makeLibsqlStore(url, { migrationsFolder: MIGRATIONS })
      for (let at = 0; at < events.length; at += 5_000)
        yield* store.append(CENTER_STREAM, at, events.slice(at, at + 5_000), [])
      yield* store.append(
        CENTER_STREAM,
        events.length,
        [],
        timers.map((timer) => ({ _tag: "Arm" as const, timer })),
      )
    }),
  )

/** A node's center on the file, a virtual clock at `at` (so the log's timers do not fire). */
const nodeLayer = (url: string, at: number, write: boolean, reports: SnapshotReport[]) =>
  CenterLive.pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        LibsqlStoreLive(url, { migrationsFolder: MIGRATIONS }),
        VirtualClockLive(at),
        CenterSnapshotsLive({
          url,
          options: { migrationsFolder: MIGRATIONS },
          settings: {
            everyEvents: write ? EVERY_EVENTS : 0,
            everySeconds: EVERY_SECONDS,
            workerEntry: WORKER,
          },
          onReport: (r) => reports.push(r),
        }),
      ),
    ),
  )

/** How long a node's center takes to come up on the file (open, migrate, load, replay, arm timers). */
const startTime = (url: string, at: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const start = performance.now()
      const context = yield* Layer.build(nodeLayer(url, at, false, []))
      const ms = performance.now() - start
      const items = yield* Effect.flatMap(Center, (c) => c.read((s) => s.routing.items.size)).pipe(
        Effect.provide(context),
      )
      return { ms, items }
    }),
  )

/** One submitter: calls one after another for `ms`; each command's latency. */
const submitter = (center: CenterEngine, prefix: string, ms: number) =>
  Effect.gen(function* () {
    const latencies: number[] = []
    const timed = (command: CenterCommand) =>
      Effect.gen(function* () {
        const start = performance.now()
        const events = yield* center.execute(command)
        latencies.push(performance.now() - start)
        return events
      })
    const started = performance.now()
    const until = started + ms
    for (let n = 0; performance.now() < until; n++) {
      // Paced: call n starts no earlier than its slot (three commands a call).
      if (CALLS_PER_SECOND > 0) {
        const wait = started + (n * 1_000) / CALLS_PER_SECOND - performance.now()
        if (wait > 0) yield* Effect.sleep(`${Math.ceil(wait)} millis`)
      }
      const itemId = `${prefix}-${n}`
      const offer = (yield* timed({ _tag: "EnqueueItem", itemId, queueId: "bench" })).find(
        (e) => e._tag === "OfferMade",
      )
      if (offer?._tag !== "OfferMade") return yield* Effect.die(new Error(`${itemId} was not offered`))
      yield* timed({ _tag: "AcceptOffer", offerId: offer.offerId, repId: offer.repId })
      yield* timed({ _tag: "CompleteWork", itemId, repId: offer.repId })
    }
    return latencies
  })

const latency = (url: string, at: number, write: boolean, round: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const reports: SnapshotReport[] = []
      const context = yield* Layer.build(nodeLayer(url, at, write, reports))
      const center = Context.get(context, Center)
      if (round === 0 && !write) {
        const members = Array.from({ length: REPS }, (_, i) => `bench-${i}`)
        for (const repId of members)
          yield* center.execute({
            _tag: "RegisterRep",
            repId,
            name: repId,
            presenceId: "available",
            capacity: { voice: 1 },
          })
        yield* center.execute({ _tag: "CreateQueue", queueId: "bench", name: "Bench", members })
      }
      // Let the writer process start (it loads and folds first), then measure.
      if (write) yield* Effect.sleep("3 seconds")
      const latencies = (yield* submitter(center, `r${round}-${write ? "on" : "off"}`, MEASURE_MS)).sort(
        (a, b) => a - b,
      )
      return { latencies, reports }
    }),
  )

const bench = (dir: string) =>
  Effect.gen(function* () {
    const url = `file:${join(dir, "center.db")}`
    const t0 = performance.now()
    const { events, timers, end } = bigLog()
    yield* fill(url, events, timers)
    console.log(
      `snapshot benchmark: big-day center, ${HOURS} virtual hours: ${fmt(events.length)} events, ${fmt(timers.length)} timers armed ` +
        `(simulated and stored in ${fmt((performance.now() - t0) / 1000, 1)} s)`,
    )
    const fromLog = yield* startTime(url, end)
    // A snapshot at the end of the log, folded and encoded here (the writer does the same).
    const s0 = performance.now()
    const taken = yield* Effect.scoped(
      Effect.flatMap(makeLibsqlStore(url, { migrationsFolder: MIGRATIONS }), (store) =>
        takeSnapshot(store, centerFold, undefined, Date.now()),
      ),
    )
    const foldMs = performance.now() - s0
    const e0 = performance.now()
    const chars = encodeCenterState(taken.folded.state, taken.folded.version, 0).length
    const encodeMs = performance.now() - e0
    const fromSnapshot = yield* startTime(url, end)
    console.log(
      `start: from the log ${fmt(fromLog.ms)} ms, from a snapshot ${fmt(fromSnapshot.ms)} ms ` +
        `(${fmt(fromLog.items)} items either way: ${fromLog.items === fromSnapshot.items ? "same" : "DIFFERENT"}); ` +
        `snapshot ${fmt(chars / 1e6, 1)} M chars, encoded in ${fmt(encodeMs)} ms (fold from the log + encode + write: ${fmt(foldMs)} ms)`,
    )
    const all = { off: [] as number[], on: [] as number[] }
    const saved: SnapshotReport[] = []
    for (let round = 0; round < ROUNDS; round++) {
      for (const write of [false, true]) {
        const r = yield* latency(url, end, write, round)
        all[write ? "on" : "off"].push(...r.latencies)
        saved.push(...r.reports.filter((x) => x._tag === "Saved"))
        const failed = r.reports.filter((x) => x._tag === "Failed")
        console.log(
          `  round ${round + 1}, snapshots ${write ? "on " : "off"}: ${fmt(r.latencies.length)} commands, ` +
            `p50 ${fmt(percentile(r.latencies, 50), 2)} ms, p99 ${fmt(percentile(r.latencies, 99), 2)} ms` +
            (write ? `; ${r.reports.filter((x) => x._tag === "Saved").length} snapshots written` : "") +
            (failed.length > 0 ? `; FAILED: ${JSON.stringify(failed)}` : ""),
        )
      }
    }
    const off = all.off.sort((a, b) => a - b)
    const on = all.on.sort((a, b) => a - b)
    const p99off = percentile(off, 99)
    const p99on = percentile(on, 99)
    const rounds = saved.flatMap((r) => (r._tag === "Saved" ? [r.ms] : []))
    const pace = CALLS_PER_SECOND > 0 ? `${fmt(CALLS_PER_SECOND)} calls/s` : "flat out"
    console.log(
      `command latency p99 (${pace}, ${ROUNDS} x ${fmt(MEASURE_MS / 1000)} s a mode): snapshots off ${fmt(p99off, 2)} ms, on ${fmt(p99on, 2)} ms ` +
        `(every ${fmt(EVERY_EVENTS)} events or ${fmt(EVERY_SECONDS)} s; ${fmt((100 * (p99on - p99off)) / p99off, 1)}%; ` +
        `target within 10%: ${rounds.length === 0 ? "NOT MEASURED (no snapshot written while on)" : p99on <= p99off * 1.1 ? "met" : "MISSED"}); ` +
        `p50 off ${fmt(percentile(off, 50), 2)} ms, on ${fmt(percentile(on, 50), 2)} ms; ` +
        `${rounds.length} snapshots written by the writer, ${fmt(Math.max(0, ...rounds))} ms the longest round`,
    )
  })

/** The file goes in a temp folder, removed however the run ends. */
const main = Effect.acquireUseRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "lifeline-bench-snapshot-"))),
  bench,
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true })),
)

Effect.runPromise(main).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
