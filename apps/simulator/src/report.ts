import { METRICS } from "./analysis/metrics"
import { formatRealism, REALISM_SHARES } from "./engine/realism"
import type { IntervalReport, MetricInterval } from "./measure"
import type { Summary } from "./run"

const seconds = (ms: number | null) => (ms === null ? "-" : (ms / 1000).toFixed(1))
const percent = (p: number | null) => (p === null ? "-" : `${(100 * p).toFixed(1)}%`)

const row = (cells: readonly string[], widths: readonly number[]) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ")

/** The per-queue summary as plain text; depends on nothing but the summary, so runs compare byte for byte. */
export const formatSummary = (summary: Summary): string => {
  const threshold = summary.queues[0]?.slThresholdMs ?? 0
  const callbacks = summary.queues.some((q) => q.callbacksRequested !== null)
  const header = ["queue", "offered", "answered", "abandoned", "P(wait)", "ASA (s)", "max wait (s)"]
  header.push(`SL ${seconds(threshold)} s`, "EWT bias (s)", "EWT MAE (s)")
  if (callbacks) header.push("callbacks asked", "callbacks done")
  const body = summary.queues.map((q) => [
    q.name,
    String(q.offered),
    String(q.answered),
    String(q.abandoned),
    percent(q.pWait),
    seconds(q.asaMs),
    seconds(q.maxWaitMs),
    percent(q.serviceLevel),
    seconds(q.ewtMeanErrorMs),
    seconds(q.ewtMeanAbsErrorMs),
    ...(callbacks ? [String(q.callbacksRequested ?? "-"), String(q.callbacksCompleted ?? "-")] : []),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? "").length)))
  return [
    `Lifeline simulator: scenario "${summary.scenario}", seed ${summary.seed}, ${summary.hours} h of virtual time`,
    row(header, widths),
    ...body.map((cells) => row(cells, widths)),
    `SL = answered within ${seconds(threshold)} s / (answered + abandoned); P(wait) over the same calls; ASA over answered calls.`,
    "EWT bias / MAE: the core's EWT (R5) at arrival minus the actual wait, mean and mean absolute, over answered calls.",
    ...(callbacks
      ? [
          "Callbacks asked: callers who pressed 1 or were sent to a callback (C3, C4), settled apart from answered and abandoned; done: served by a rep.",
        ]
      : []),
    ...(summary.emergency === undefined
      ? []
      : [
          `Emergency calls (E1, E4): ${summary.emergency.dialled} dialled by reps, ${summary.emergency.skipped} with nobody on shift to dial, ${summary.emergency.repMinutes.toFixed(1)} rep-minutes in them.`,
        ]),
    ...formatRealism(summary.realism),
    "",
  ].join("\n")
}

/** An estimate ± half-width in the metric's unit: shares in %, times in seconds. */
const withInterval = (kind: "share" | "time", value: MetricInterval): string => {
  if (value.estimate === null) return "-"
  const scale = kind === "share" ? 100 : 1 / 1000
  const digits = 2
  const unit = kind === "share" ? "%" : " s"
  const half =
    value.halfWidth === null || Number.isNaN(value.halfWidth)
      ? "?"
      : (value.halfWidth * scale).toFixed(digits)
  return `${(value.estimate * scale).toFixed(digits)} ± ${half}${unit}`
}

/** The half-width relative to the estimate, in %. */
const relative = (value: MetricInterval): string =>
  value.estimate === null || value.halfWidth === null || value.estimate === 0
    ? "-"
    : `±${((100 * value.halfWidth) / Math.abs(value.estimate)).toFixed(2)}%`

/** The interval report (issue 17): every metric of every queue with its confidence interval. */
export const formatIntervalReport = (report: IntervalReport): string => {
  const pct = Math.round(report.confidence * 100)
  const method =
    report.batches === undefined
      ? `${report.replications} independent replications (one observation each)`
      : `batch means of one run: ${report.batches.count} batches of ${report.batches.batchHours.toFixed(2)} h` +
        ` (chosen from the run; lag-1 test statistic ${report.batches.lag1.toFixed(2)}${report.batches.correlated ? ", STILL CORRELATED: run longer" : ""})`
  const header = ["queue", "metric", `estimate ± ${pct}% half-width`, "relative"]
  const body = report.queues.flatMap((q) =>
    METRICS.map((m, i) => [
      i === 0 ? q.name : "",
      m.id === "serviceLevel" ? `SL ${(report.slThresholdMs / 1000).toFixed(0)} s` : m.label,
      withInterval(m.kind, q.metrics[m.id]),
      relative(q.metrics[m.id]),
    ]),
  )
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? "").length)))
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")
  return [
    `Lifeline simulator: scenario "${report.scenario}", seed ${report.seed}, ${report.arrivals} arrivals, warm-up ${(report.warmupMs / 3_600_000).toFixed(2)} h, ${report.measuredHours.toFixed(2)} h measured per run`,
    `${pct}% intervals from ${method}`,
    line(header),
    ...body.map(line),
    ...report.queues.map(
      (q) => `${q.name}: ${q.settled} calls measured (${q.answered} answered, ${q.abandoned} abandoned)`,
    ),
    "Definitions (docs/simulator.md): settled = answered + abandoned; P(wait), SL, P(abandon) and mean wait over settled calls; ASA over answered calls; occupancy = talk time / staffed rep time.",
    ...realismLines(report),
    "",
  ].join("\n")
}

/** Issue 17 Build 7: the reps', the PSAP's and scheduled callbacks' counts, with their intervals. */
const realismLines = (report: IntervalReport): string[] => {
  const realism = report.realism
  if (realism === undefined) return []
  const pct = Math.round(report.confidence * 100)
  const hw = (v: MetricInterval, scale: number, unit: string) =>
    v.halfWidth === null || Number.isNaN(v.halfWidth) ? unit : ` ± ${(v.halfWidth * scale).toFixed(2)}${unit}`
  const figure = (v: MetricInterval, scale: number, unit: string) =>
    v.estimate === null ? "-" : `${(v.estimate * scale).toFixed(2)}${hw(v, scale, unit)}`
  const per =
    report.replications > 1
      ? `per run, mean ± ${pct}% half-width over ${report.replications} replications`
      : "in the one run (no interval: give --replications)"
  return [
    `Scenario realism (issue 17 Build 7), ${per}:`,
    ...Object.entries(realism.perRun).map(([name, v]) => `  ${name}: ${figure(v, 1, "")}`),
    ...REALISM_SHARES.flatMap((s) => {
      const v = realism.shares[s.id]
      return v === undefined ? [] : [`  ${s.label}: ${figure(v, 100, "%")}`]
    }),
  ]
}
