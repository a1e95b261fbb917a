import { type CallOutcome, runSimulation } from "../run"
import type { Scenario } from "../scenario"
import { batchInterval, type Confidence, contains, type Interval } from "./batch-means"
import { type QueueMetrics, queueMetrics } from "./erlang"

/** One single-queue scenario: c reps, Poisson arrivals, exponential handle times and patience. */
export interface ValidationCase {
  readonly name: string
  readonly agents: number
  readonly meanInterArrivalMs: number
  readonly meanHandleMs: number
  /** Absent: nobody hangs up (M/M/c). */
  readonly meanPatienceMs?: number
  readonly slThresholdMs: number
}

/**
 * The cases `validate` runs. The 1% target (issue 8) says something about the simulator only where
 * the simulation's own uncertainty at 2 million arrivals is below 1%: the 95% CI half-widths there
 * are under 1% for every metric of the first and the third case (measured: at most ±0.91% and
 * ±0.71%, the ASA). The second is a typical contact-center load (85% occupancy on 10 reps): its
 * waits are so strongly correlated that at 2 million arrivals the ASA's CI is still about ±4%, so
 * there the check is that the analytic value lies inside the CI; 1% is not a meaningful bar.
 */
export const VALIDATION_CASES: readonly ValidationCase[] = [
  // M/M/1 (Erlang C with c = 1) at ρ = 0.4, 3 min AHT.
  {
    name: "M/M/1 ρ=0.4",
    agents: 1,
    meanInterArrivalMs: 450_000,
    meanHandleMs: 180_000,
    slThresholdMs: 20_000,
  },
  // M/M/10 at ρ = 0.85 (8.5 Erlang), 3 min AHT.
  {
    name: "M/M/10 ρ=0.85",
    agents: 10,
    meanInterArrivalMs: 180_000 / 8.5,
    meanHandleMs: 180_000,
    slThresholdMs: 20_000,
  },
  // M/M/10+M: 12 Erlang offered to 10 reps (ρ = 1.2, stable only because callers hang up after 3 min on average).
  {
    name: "M/M/10+M ρ=1.2",
    agents: 10,
    meanInterArrivalMs: 15_000,
    meanHandleMs: 180_000,
    meanPatienceMs: 180_000,
    slThresholdMs: 20_000,
  },
]

export const METRICS = ["pWait", "pAbandon", "asa", "serviceLevel"] as const
export type Metric = (typeof METRICS)[number]

export interface MetricCheck {
  readonly metric: Metric
  readonly analytic: number
  readonly simulated: Interval
  readonly relativeError: number
  /** The CI half-width relative to the analytic value: below 1%, a 1% check means something. */
  readonly relativeHalfWidth: number
  readonly withinOnePercent: boolean
  readonly analyticInsideCi: boolean
}

export interface CaseResult {
  readonly name: string
  readonly arrivals: number
  readonly seconds: number
  readonly checks: readonly MetricCheck[]
}

export const scenarioOf = (c: ValidationCase): Scenario => ({
  name: c.name,
  queues: [
    {
      queueId: "q",
      name: c.name,
      assignment: "most_idle",
      meanInterArrivalMs: c.meanInterArrivalMs,
      meanHandleMs: c.meanHandleMs,
      ...(c.meanPatienceMs === undefined ? {} : { meanPatienceMs: c.meanPatienceMs }),
    },
  ],
  reps: Array.from({ length: c.agents }, (_, i) => ({ repId: `rep-${i + 1}`, queues: ["q"] })),
})

/** The analytic values in the simulator's units (ASA in seconds). */
export const analyticOf = (c: ValidationCase): QueueMetrics =>
  queueMetrics(
    {
      arrivalRate: 1000 / c.meanInterArrivalMs,
      serviceRate: 1000 / c.meanHandleMs,
      agents: c.agents,
      abandonRate: c.meanPatienceMs === undefined ? 0 : 1000 / c.meanPatienceMs,
    },
    c.slThresholdMs / 1000,
  )

/** Per-batch estimate of each metric; ASA is the mean wait of all settled calls, as in `asa`. */
const batchValue = (calls: readonly CallOutcome[], threshold: number): Record<Metric, number> => {
  let waited = 0
  let abandoned = 0
  let waitMs = 0
  let within = 0
  for (const call of calls) {
    if (call.waitMs > 0) waited += 1
    if (!call.answered) abandoned += 1
    else if (call.waitMs <= threshold) within += 1
    waitMs += call.waitMs
  }
  const n = Math.max(1, calls.length)
  return { pWait: waited / n, pAbandon: abandoned / n, asa: waitMs / n / 1000, serviceLevel: within / n }
}

const HOUR = 3_600_000
const BATCHES = 20

/**
 * Simulate about `arrivals` calls; the first 10% of the time is warm-up, the rest is cut by
 * arrival time into 20 batches. One extra hour without counting lets the last calls settle.
 */
export const validateCase = (
  c: ValidationCase,
  arrivals: number,
  seed: number,
  confidence: Confidence,
): CaseResult => {
  const spanMs = arrivals * c.meanInterArrivalMs
  const warmUpMs = 0.1 * spanMs
  const batchMs = (spanMs - warmUpMs) / BATCHES
  const batches: CallOutcome[][] = Array.from({ length: BATCHES }, () => [])
  let start = Number.NaN
  const started = performance.now()
  runSimulation({
    seed,
    hours: (spanMs + HOUR) / HOUR,
    scenario: scenarioOf(c),
    slThresholdMs: c.slThresholdMs,
    onOutcome: (call) => {
      if (Number.isNaN(start)) start = call.arrivedAt
      const index = Math.floor((call.arrivedAt - start - warmUpMs) / batchMs)
      if (index >= 0 && index < BATCHES) batches[index]?.push(call)
    },
  })
  const seconds = (performance.now() - started) / 1000
  const values = batches.map((b) => batchValue(b, c.slThresholdMs))
  const analytic = analyticOf(c)
  const metrics = c.meanPatienceMs === undefined ? METRICS.filter((m) => m !== "pAbandon") : METRICS
  const checks = metrics.map((metric): MetricCheck => {
    const simulated = batchInterval(
      values.map((v) => v[metric]),
      confidence,
    )
    const relativeError = Math.abs(simulated.mean - analytic[metric]) / analytic[metric]
    return {
      metric,
      analytic: analytic[metric],
      simulated,
      relativeError,
      relativeHalfWidth: simulated.halfWidth / analytic[metric],
      withinOnePercent: relativeError <= 0.01,
      analyticInsideCi: contains(simulated, analytic[metric]),
    }
  })
  return { name: c.name, arrivals, seconds, checks }
}
