import { type IntervalReport, measure } from "../measure"
import type { Scenario } from "../scenario"
import { type QueueMetrics, queueMetrics } from "./erlang"
import type { Confidence, Interval } from "./statistics"

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

/** The metrics compared with the formulas: every metric of analysis/metrics.ts (P(abandon) only with patience). */
export const VALIDATED = ["pWait", "asa", "meanWait", "serviceLevel", "pAbandon", "occupancy"] as const
export type Metric = (typeof VALIDATED)[number]

export interface MetricCheck {
  readonly metric: Metric
  /** In the simulator's units: shares, and times in seconds. */
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
  /** The batches the intervals came from (chosen from the run, analysis/batches.ts). */
  readonly batches: number
  readonly correlated: boolean
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

/** The analytic values in the simulator's units (ASA and mean wait in seconds). */
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

/** The metrics a case can be checked on: without patience nobody abandons (P(abandon) is 0 exactly). */
export const metricsOf = (c: ValidationCase): readonly Metric[] =>
  c.meanPatienceMs === undefined ? VALIDATED.filter((m) => m !== "pAbandon") : VALIDATED

/** A measured metric in the analytic's units (times from ms to s); undefined when it has no estimate. */
export const simulatedOf = (report: IntervalReport, metric: Metric): Interval | undefined => {
  const m = report.queues[0]?.metrics[metric]
  if (m?.estimate === null || m?.estimate === undefined || m.halfWidth === null) return undefined
  const scale = metric === "asa" || metric === "meanWait" ? 1 / 1000 : 1
  return { estimate: m.estimate * scale, halfWidth: m.halfWidth * scale }
}

/**
 * Simulate about `arrivals` calls through the whole center: batch means (analysis/batches.ts,
 * the count chosen from the run) after the default warm-up of 10% (measure.ts); every call that
 * arrived is let finish. The statistics stream: memory does not grow with `arrivals`.
 */
export const validateCase = (
  c: ValidationCase,
  arrivals: number,
  seed: number,
  confidence: Confidence,
): CaseResult => {
  const report = measure({
    scenario: scenarioOf(c),
    seed,
    arrivals,
    replications: 1,
    confidence,
    slThresholdMs: c.slThresholdMs,
  })
  const analytic = analyticOf(c)
  const checks = metricsOf(c).map((metric): MetricCheck => {
    const simulated = simulatedOf(report, metric) ?? { estimate: Number.NaN, halfWidth: Number.NaN }
    const relativeError = Math.abs(simulated.estimate - analytic[metric]) / analytic[metric]
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
  return {
    name: c.name,
    arrivals: report.arrivals,
    seconds: report.seconds,
    batches: report.batches?.count ?? 0,
    correlated: report.batches?.correlated ?? false,
    checks,
  }
}

export const contains = (interval: Interval, value: number): boolean =>
  Math.abs(interval.estimate - value) <= interval.halfWidth
