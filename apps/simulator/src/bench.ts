import { runSimulation } from "./run"
import type { Scenario } from "./scenario"

/** A big day: `queues` queues of 10 reps each, 3 min AHT, 8.5 Erlang per queue, 2 min patience. */
export const bigDay = (queues: number): Scenario => ({
  name: `big-day-${queues}`,
  queues: Array.from({ length: queues }, (_, q) => ({
    queueId: `q${q + 1}`,
    name: `Queue ${q + 1}`,
    assignment: "most_idle" as const,
    meanInterArrivalMs: 180_000 / 8.5,
    meanHandleMs: 180_000,
    meanPatienceMs: 120_000,
  })),
  reps: Array.from({ length: queues * 10 }, (_, r) => ({
    repId: `rep-${r + 1}`,
    queues: [`q${Math.floor(r / 10) + 1}`],
  })),
})

export interface BenchResult {
  readonly calls: number
  readonly events: number
  readonly seconds: number
}

/** Simulate `hours` of the big day and time it. */
export const benchmark = (queues: number, hours: number, seed: number): BenchResult => {
  const started = performance.now()
  const summary = runSimulation({ seed, hours, scenario: bigDay(queues) })
  return { calls: summary.calls, events: summary.events, seconds: (performance.now() - started) / 1000 }
}

/** Target: 1.5 million calls in at most 10 s, i.e. 150,000 calls/s. */
export const formatBench = (queues: number, hours: number, r: BenchResult): string => {
  const callsPerSecond = r.calls / r.seconds
  const target = 150_000
  return [
    `Benchmark: ${queues} queues, ${queues * 10} reps, ${hours} h virtual: ${r.calls} calls, ${r.events} events in ${r.seconds.toFixed(1)} s`,
    `  ${Math.round(r.events / r.seconds)} events/s, ${Math.round(callsPerSecond)} calls/s`,
    `  target 1,500,000 calls in <= 10 s (${target} calls/s): ${callsPerSecond >= target ? "met" : "NOT met"};` +
      ` 1.5 M calls would take about ${Math.round(1_500_000 / callsPerSecond)} s`,
    "",
  ].join("\n")
}
