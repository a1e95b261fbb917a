import { describe, expect, it } from "vitest"
import { METRIC_IDS } from "./analysis/metrics"
import { memorySink } from "./engine/event-log"
import { measure, replicationSeed } from "./measure"
import { runSimulation } from "./run"
import { BUILT_IN_SCENARIO } from "./scenario"
import { loadScenarioFile } from "./scenario-file"
import { measureOnWorker } from "./workers"

const APP = new URL("..", import.meta.url).pathname

describe("issue 17 intervals for any scenario", () => {
  it("replication seeds: replication 1 is the run's own seed; the others differ, well mixed, and repeat", () => {
    expect(replicationSeed(42, 0)).toBe(42)
    const seeds = Array.from({ length: 1000 }, (_, r) => replicationSeed(42, r))
    expect(new Set(seeds).size).toBe(1000)
    expect(Array.from({ length: 1000 }, (_, r) => replicationSeed(42, r))).toEqual(seeds)
    // Neighbouring seeds give unrelated replications: about half the bits differ.
    const bits = (x: number) =>
      x
        .toString(2)
        .split("")
        .filter((b) => b === "1").length
    const flips = seeds.slice(1, 200).map((s, i) => bits((s ^ replicationSeed(43, i + 1)) >>> 0))
    expect(flips.reduce((a, b) => a + b, 0) / flips.length).toBeGreaterThan(14)
    expect(flips.reduce((a, b) => a + b, 0) / flips.length).toBeLessThan(18)
  })

  it("--arrivals N: exactly N calls arrive, in a center of several independent queues too", () => {
    const big = loadScenarioFile(`${APP}examples/big-day.json`)
    for (const scenario of [BUILT_IN_SCENARIO, big]) {
      const summary = runSimulation({ seed: 3, scenario, arrivals: 5000, drain: true })
      expect(summary.calls).toBe(5000)
      expect(summary.queues.reduce((s, q) => s + q.offered, 0)).toBe(5000)
      // Drained: every call that arrived was answered or hung up (none of these offers callbacks).
      expect(summary.queues.reduce((s, q) => s + q.answered + q.abandoned, 0)).toBe(5000)
    }
  })

  it("a run cut in day-long chunks (stop rules) is the plain run, event for event, up to its end", () => {
    // small-center has shifts, breaks, lunch and emergencies: 60 h crosses two chunk boundaries.
    const scenario = loadScenarioFile(`${APP}examples/small-center.json`)
    const plain = memorySink()
    const chunked = memorySink()
    runSimulation({ seed: 5, scenario, hours: 60, events: plain })
    const summary = runSimulation({ seed: 5, scenario, hours: 60, events: chunked, drain: true })
    // Before the end: the plain run leaves out the schedule's changes at its very end.
    const end = summary.startAt + 60 * 3_600_000
    const before = (lines: readonly string[]) => lines.filter((l) => JSON.parse(l).at < end)
    expect(before(plain.lines).length).toBeGreaterThan(20_000)
    expect(before(chunked.lines)).toEqual(before(plain.lines))
  })

  it("every metric of every queue carries its interval: batch means of one run, and replications", () => {
    for (const replications of [1, 5]) {
      const report = measure({
        scenario: BUILT_IN_SCENARIO,
        seed: 1,
        hours: 24,
        replications,
        confidence: 0.95,
      })
      expect(report.method).toBe(replications === 1 ? "batch means" : "replications")
      expect(report.queues.map((q) => q.queueId)).toEqual(["billing", "support"])
      for (const q of report.queues)
        for (const id of METRIC_IDS) {
          const m = q.metrics[id]
          expect({ id, estimate: typeof m.estimate }).toEqual({ id, estimate: "number" })
          expect(m.halfWidth).toBeGreaterThanOrEqual(0)
          expect(Number.isFinite(m.halfWidth)).toBe(true)
        }
      // Billing callers hang up, support callers never do (the built-in scenario).
      expect(report.queues[1]?.metrics.pAbandon.estimate).toBe(0)
      expect(report.queues[0]?.metrics.pAbandon.estimate).toBeGreaterThan(0)
    }
  })

  it("replications use common random numbers: the same seed gives the same report; another seed another", () => {
    const options = { scenario: BUILT_IN_SCENARIO, hours: 8, replications: 3, confidence: 0.99 } as const
    const a = measure({ ...options, seed: 9 })
    const b = measure({ ...options, seed: 9 })
    expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 })
    expect(measure({ ...options, seed: 10 }).queues).not.toEqual(a.queues)
  })

  it("a 99% interval is wider than the 95% one of the same run", () => {
    const at = (confidence: 0.95 | 0.99) =>
      measure({ scenario: BUILT_IN_SCENARIO, seed: 2, hours: 48, replications: 1, confidence }).queues[0]
        ?.metrics.asa.halfWidth ?? 0
    expect(at(0.99)).toBeGreaterThan(at(0.95))
  })

  it("measured in a worker thread with a small heap (flat memory): the same report as in this thread", async () => {
    const options = {
      scenario: BUILT_IN_SCENARIO,
      seed: 4,
      hours: 30,
      replications: 2,
      confidence: 0.95,
    } as const
    const here = measure(options)
    const there = await measureOnWorker(options, { entry: `${APP}src/main.ts` })
    expect({ ...there, seconds: 0 }).toEqual({ ...here, seconds: 0 })
  }, 60_000)
})
