import { type Confidence, wilsonInterval } from "./analysis/statistics"
import { type Metric, metricsOf, type ValidationCase, validateCase } from "./analysis/validate"
import { replicationSeed } from "./measure"

/**
 * Interval coverage (issue 17, must show): on Erlang C and Erlang A cases, `runs` independent runs
 * each (seeds `replicationSeed(seed, r)`), each run's batch-means intervals (analysis/batches.ts,
 * as `run --arrivals` and `validate` compute them) checked against the formulas. A 95% interval
 * should hold the analytic value in about 95% of the runs; the share is given with its Wilson
 * interval, since 50 runs pin it down only to about ±6%.
 */

export interface CoverageCase extends ValidationCase {
  /** Arrivals per run (warm-up included) unless the command line gives its own. */
  readonly arrivals: number
}

const AHT = 180_000

/** Five cases: two Erlang C, three Erlang A (low load, the moderate one of the issue, overload). */
export const COVERAGE_CASES: readonly CoverageCase[] = [
  {
    name: "M/M/5 ρ=0.7",
    agents: 5,
    meanInterArrivalMs: AHT / 3.5,
    meanHandleMs: AHT,
    slThresholdMs: 20_000,
    arrivals: 200_000,
  },
  {
    name: "M/M/10 ρ=0.85",
    agents: 10,
    meanInterArrivalMs: AHT / 8.5,
    meanHandleMs: AHT,
    slThresholdMs: 20_000,
    arrivals: 200_000,
  },
  {
    name: "M/M/3+M ρ=0.4 (low load)",
    agents: 3,
    meanInterArrivalMs: AHT / 1.2,
    meanHandleMs: AHT,
    meanPatienceMs: 300_000,
    slThresholdMs: 20_000,
    arrivals: 200_000,
  },
  {
    name: "M/M/10+M ρ=0.73",
    agents: 10,
    meanInterArrivalMs: AHT / 7.3,
    meanHandleMs: AHT,
    meanPatienceMs: 600_000,
    slThresholdMs: 20_000,
    arrivals: 200_000,
  },
  {
    name: "M/M/10+M ρ=1.2",
    agents: 10,
    meanInterArrivalMs: AHT / 12,
    meanHandleMs: AHT,
    meanPatienceMs: 180_000,
    slThresholdMs: 20_000,
    arrivals: 200_000,
  },
]

export interface MetricCoverage {
  readonly metric: Metric
  readonly held: number
  readonly runs: number
  /** Wilson interval on the share of runs whose interval held the analytic value. */
  readonly interval: readonly [number, number]
  /** Mean half-width relative to the analytic value. */
  readonly meanRelativeHalfWidth: number
}

export interface CaseCoverage {
  readonly name: string
  readonly arrivals: number
  readonly runs: number
  /** Runs whose batches still failed the independence test. */
  readonly correlatedRuns: number
  readonly meanBatches: number
  readonly seconds: number
  readonly metrics: readonly MetricCoverage[]
}

export interface CoverageOptions {
  readonly runs: number
  readonly arrivals?: number | undefined
  readonly seed: number
  readonly confidence: Confidence
  /** A line after each case (progress, to stderr). */
  readonly onCase?: (line: string) => void
}

export const caseCoverage = (c: CoverageCase, options: CoverageOptions): CaseCoverage => {
  const arrivals = options.arrivals ?? c.arrivals
  const metrics = metricsOf(c)
  const held = new Map(metrics.map((m) => [m, 0]))
  const halfWidths = new Map(metrics.map((m) => [m, 0]))
  let correlated = 0
  let batches = 0
  let seconds = 0
  for (let r = 0; r < options.runs; r++) {
    const result = validateCase(c, arrivals, replicationSeed(options.seed, r), options.confidence)
    seconds += result.seconds
    batches += result.batches
    if (result.correlated) correlated += 1
    for (const check of result.checks) {
      if (check.analyticInsideCi) held.set(check.metric, (held.get(check.metric) ?? 0) + 1)
      halfWidths.set(check.metric, (halfWidths.get(check.metric) ?? 0) + check.relativeHalfWidth)
    }
  }
  return {
    name: c.name,
    arrivals,
    runs: options.runs,
    correlatedRuns: correlated,
    meanBatches: batches / options.runs,
    seconds,
    metrics: metrics.map((metric) => ({
      metric,
      held: held.get(metric) ?? 0,
      runs: options.runs,
      interval: wilsonInterval(held.get(metric) ?? 0, options.runs, 0.95),
      meanRelativeHalfWidth: (halfWidths.get(metric) ?? 0) / options.runs,
    })),
  }
}

export const runCoverage = (cases: readonly CoverageCase[], options: CoverageOptions): CaseCoverage[] =>
  cases.map((c) => {
    const result = caseCoverage(c, options)
    options.onCase?.(`coverage: ${c.name} done in ${result.seconds.toFixed(0)} s\n`)
    return result
  })

const pct = (x: number) => `${(100 * x).toFixed(1)}%`

export const formatCoverage = (results: readonly CaseCoverage[]): string => {
  const header = ["case", "metric", "held", "coverage", "95% CI of the coverage", "mean half-width"]
  const body = results.flatMap((r) =>
    r.metrics.map((m, i) => [
      i === 0 ? r.name : "",
      m.metric,
      `${m.held}/${m.runs}`,
      pct(m.held / m.runs),
      `[${pct(m.interval[0])}, ${pct(m.interval[1])}]`,
      `±${pct(m.meanRelativeHalfWidth)}`,
    ]),
  )
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? "").length)))
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")
  const held = results.flatMap((r) => r.metrics).reduce((s, m) => s + m.held, 0)
  const total = results.flatMap((r) => r.metrics).reduce((s, m) => s + m.runs, 0)
  const pooled = wilsonInterval(held, total, 0.95)
  return [
    "Interval coverage (issue 17): independent runs per case, each run's batch-means interval (count chosen from the run) against the analytic value",
    ...results.map(
      (r) =>
        `${r.name}: ${r.runs} runs of ${r.arrivals} arrivals, ${r.meanBatches.toFixed(1)} batches on average, ${r.correlatedRuns} runs still correlated, ${r.seconds.toFixed(0)} s`,
    ),
    line(header),
    ...body.map(line),
    `All cells: ${held}/${total} = ${pct(held / total)} [${pct(pooled[0])}, ${pct(pooled[1])}]`,
    "",
  ].join("\n")
}
