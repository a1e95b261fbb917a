/**
 * Durable command throughput on the embedded libSQL file. Run with `pnpm bench:store` from the
 * repository root.
 *
 * The real routing engine (group commit on) on the real store and the system clock. Each
 * submitter plays one call after another: EnqueueItem (the router offers it, arming the offer's
 * timer) -> AcceptOffer -> CompleteWork; three durable commands per call. There are more reps
 * than submitters, so every call is offered at once. A command counts when its append is
 * durable (WAL committed), which is when `execute` returns.
 *
 * Scenarios: one submitter (single-command latency), then N concurrent submitters (group
 * commit), with synchronous=NORMAL (the default) and FULL (one fsync per commit), and with
 * group commit off (maxGroup 1) for comparison. Last, a restart: load and replay the biggest log.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect, Layer } from "effect"
import { SystemClockLive } from "../packages/adapters/src/clock/system-clock"
import { groupCommitFor } from "../packages/adapters/src/store/libsql/group-commit"
import { makeLibsqlStore } from "../packages/adapters/src/store/libsql/libsql-store"
import { type Engine, makeEngine } from "../packages/core/src/engine"
import { Store } from "../packages/core/src/ports/store"
import { GroupCommit } from "../packages/core/src/ports/store-powers"
import type { RoutingCommand } from "../packages/core/src/routing/commands"
import type { RoutingError } from "../packages/core/src/routing/errors"
import type { RoutingEvent } from "../packages/core/src/routing/events"
import { execute, replay } from "../packages/core/src/routing/router"
import { emptyState, type RouterState } from "../packages/core/src/routing/state"
import { routingTimers } from "../packages/core/src/routing/timers"

type Routing = Engine<RouterState, RoutingCommand, RoutingEvent, RoutingError>

const REPS = 300
const MEASURE_MS = 2_500
const TARGET_PER_S = 5_000
const MIGRATIONS = resolve("packages/adapters/drizzle")

interface Scenario {
  readonly label: string
  readonly submitters: number
  readonly synchronous: "normal" | "full"
  readonly maxGroup?: number
}

interface Result {
  readonly commands: number
  readonly perSecond: number
  readonly appends: number
  readonly p50: number
  readonly p99: number
  readonly events: number
}

/** The routing engine as the store's Layer sets it up, or with group commit off (maxGroup 1). */
const routingOn = (store: Store["Service"], url: string, maxGroup: number | undefined) =>
  makeEngine({ stream: "routing", empty: emptyState, replay, execute, timersOf: routingTimers }).pipe(
    Effect.provide(
      Layer.mergeAll(
        Layer.succeed(Store, store),
        SystemClockLive,
        maxGroup === undefined
          ? groupCommitFor(url)
          : Layer.succeed(GroupCommit, { maxGroup, gather: Effect.void }),
      ),
    ),
  )

/** The store, counting its appends (a group is one append). */
const counting = (store: Store["Service"]) => {
  const counter = { appends: 0 }
  const port: Store["Service"] = {
    ...store,
    append: (stream, expected, events, timers) => {
      counter.appends += 1
      return store.append(stream, expected, events, timers)
    },
  }
  return { port, counter }
}

const setup = (routing: Routing) =>
  Effect.gen(function* () {
    const members: string[] = []
    for (let r = 0; r < REPS; r++) {
      const repId = `rep-${r}`
      members.push(repId)
      yield* routing.execute({
        _tag: "RegisterRep",
        repId,
        name: repId,
        presenceId: "available",
        capacity: { voice: 1 },
      })
    }
    yield* routing.execute({ _tag: "CreateQueue", queueId: "q", name: "Q", members })
  })

/** One submitter: calls one after another until `until`; returns each command's latency (ms). */
const submitter = (routing: Routing, id: number, until: number) =>
  Effect.gen(function* () {
    const latencies: number[] = []
    const timed = (command: RoutingCommand) =>
      Effect.gen(function* () {
        const start = performance.now()
        const events = yield* routing.execute(command)
        latencies.push(performance.now() - start)
        return events
      })
    for (let n = 0; performance.now() < until; n++) {
      const itemId = `s${id}-c${n}`
      const offered = (yield* timed({ _tag: "EnqueueItem", itemId, queueId: "q" })).find(
        (e) => e._tag === "OfferMade",
      )
      if (offered?._tag !== "OfferMade") return yield* Effect.die(new Error(`${itemId} was not offered`))
      yield* timed({ _tag: "AcceptOffer", offerId: offered.offerId, repId: offered.repId })
      yield* timed({ _tag: "CompleteWork", itemId, repId: offered.repId })
    }
    return latencies
  })

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN

const runScenario = (scenario: Scenario, url: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const store = yield* makeLibsqlStore(url, {
        synchronous: scenario.synchronous,
        migrationsFolder: MIGRATIONS,
      })
      const { port, counter } = counting(store)
      const routing = yield* routingOn(port, url, scenario.maxGroup)
      yield* setup(routing)
      const appendsBefore = counter.appends
      const start = performance.now()
      const all = yield* Effect.all(
        Array.from({ length: scenario.submitters }, (_, i) => submitter(routing, i, start + MEASURE_MS)),
        { concurrency: "unbounded" },
      )
      const elapsed = performance.now() - start
      const latencies = all.flat().sort((a, b) => a - b)
      const result: Result = {
        commands: latencies.length,
        perSecond: (latencies.length * 1000) / elapsed,
        appends: counter.appends - appendsBefore,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        events: yield* store.version("routing"),
      }
      return result
    }),
  )

/** A new process on the same file: open, migrate, load and replay the log. */
const restart = (url: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const start = performance.now()
      const store = yield* makeLibsqlStore(url, { migrationsFolder: MIGRATIONS })
      const routing = yield* routingOn(store, url, undefined)
      const items = yield* routing.read((s) => s.items.size)
      return { ms: performance.now() - start, items }
    }),
  )

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })

const scenarios: Scenario[] = [
  { label: "1 submitter (single-command latency)", submitters: 1, synchronous: "normal" },
  { label: "16 submitters", submitters: 16, synchronous: "normal" },
  { label: "64 submitters", submitters: 64, synchronous: "normal" },
  { label: "256 submitters", submitters: 256, synchronous: "normal" },
  { label: "64 submitters, group commit off", submitters: 64, synchronous: "normal", maxGroup: 1 },
  { label: "1 submitter, synchronous=FULL", submitters: 1, synchronous: "full" },
  { label: "64 submitters, synchronous=FULL", submitters: 64, synchronous: "full" },
  { label: "64 submitters, FULL, group commit off", submitters: 64, synchronous: "full", maxGroup: 1 },
]

const bench = (dir: string) =>
  Effect.gen(function* () {
    console.log(
      `libSQL store benchmark: embedded file in ${dir}, routing engine, ${REPS} reps, ${MEASURE_MS} ms each`,
    )
    console.log("(a command counts once its append is committed; 3 commands per call)\n")
    let grouped = 0
    let biggest = { url: "", events: 0 }
    for (const [i, scenario] of scenarios.entries()) {
      const url = `file:${join(dir, `s${i}.db`)}`
      const r = yield* runScenario(scenario, url)
      if (scenario.synchronous === "normal" && scenario.maxGroup === undefined && scenario.submitters > 1) {
        grouped = Math.max(grouped, r.perSecond)
      }
      if (r.events > biggest.events) biggest = { url, events: r.events }
      console.log(
        `${scenario.label.padEnd(40)} ${fmt(r.perSecond).padStart(8)} commands/s` +
          `   latency p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms` +
          `   ${fmt(r.commands / Math.max(1, r.appends), 1)} commands per append`,
      )
    }
    const restarted = yield* restart(biggest.url)
    console.log(
      `\nrestart: open, load and replay ${fmt(biggest.events)} events (${fmt(restarted.items)} items) in ${fmt(restarted.ms)} ms`,
    )
    console.log(
      `target >= ${fmt(TARGET_PER_S)} durable commands/s (group commit, synchronous=NORMAL): ${grouped >= TARGET_PER_S ? "met" : "MISSED"} (${fmt(grouped)}/s)`,
    )
  })

/** The files go in a temp folder, removed however the run ends. */
const main = Effect.acquireUseRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "lifeline-bench-store-"))),
  bench,
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true })),
)

Effect.runPromise(main).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
