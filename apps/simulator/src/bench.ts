import type { Scenario } from "./scenario"
import { runOnThreads } from "./workers"

type FastCore = "center" | "routing"

/**
 * A big day: `queues` queues of 10 reps each, 48 s AHT, 8.5 Erlang per queue (85% occupancy), 2 min
 * patience. 100 queues make the day: 1,000 reps and about 1.5 million calls in 24 h.
 */
export const bigDay = (queues: number): Scenario => ({
  name: `big-day-${queues}`,
  queues: Array.from({ length: queues }, (_, q) => ({
    queueId: `q${q + 1}`,
    name: `Queue ${q + 1}`,
    assignment: "most_idle" as const,
    meanInterArrivalMs: 48_000 / 8.5,
    meanHandleMs: 48_000,
    meanPatienceMs: 120_000,
  })),
  reps: Array.from({ length: queues * 10 }, (_, r) => ({
    repId: `rep-${r + 1}`,
    queues: [`q${Math.floor(r / 10) + 1}`],
  })),
})

export interface BenchResult {
  readonly calls: number
  /** Simulator events (arrivals, completions, patience ends) and the events the core emitted. */
  readonly events: number
  readonly coreEvents: number
  readonly seconds: number
  /** Threads the components ran on (this one and worker threads). */
  readonly threads: number
}

/**
 * Simulate `hours` of the big day and time it, wall clock, worker start-up included. Its queues
 * are independent components (partition.ts), spread over `threads` threads.
 */
export const benchmark = async (
  queues: number,
  hours: number,
  seed: number,
  core: FastCore = "center",
  threads = 1,
): Promise<BenchResult> => {
  const started = performance.now()
  const summary = await runOnThreads({ seed, hours, scenario: bigDay(queues), core }, threads)
  const seconds = (performance.now() - started) / 1000
  return {
    calls: summary.calls,
    events: summary.events,
    coreEvents: summary.coreEvents,
    seconds,
    threads: Math.min(threads, queues),
  }
}

/** Target: 1.5 million calls in at most 10 s, i.e. 150,000 calls/s. */
export const formatBench = (queues: number, hours: number, core: FastCore, r: BenchResult): string => {
  const callsPerSecond = r.calls / r.seconds
  const target = 150_000
  const threads = r.threads === 1 ? "1 thread" : `${r.threads} threads`
  return [
    `Benchmark (${core} core, ${threads}): ${queues} queues, ${queues * 10} reps, ${hours} h virtual: ${r.calls} calls in ${r.seconds.toFixed(1)} s wall`,
    `  ${r.events} simulator events (${Math.round(r.events / r.seconds)}/s), ${r.coreEvents} core events (${Math.round(r.coreEvents / r.seconds)}/s), ${Math.round(callsPerSecond)} calls/s`,
    `  target 1,500,000 calls in <= 10 s (${target} calls/s): ${callsPerSecond >= target ? "met" : "NOT met"};` +
      ` 1.5 M calls would take about ${Math.round(1_500_000 / callsPerSecond)} s`,
    "",
  ].join("\n")
}
