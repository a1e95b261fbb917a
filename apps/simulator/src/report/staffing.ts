import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { Confidence } from "../analysis/statistics"
import { analyticServiceLevel, smallestStaffing, type WhatIfInput } from "../analysis/whatif"
import { type MetricInterval, measure } from "../measure"
import type { Scenario, ScenarioQueue, ScenarioRep } from "../scenario"
import { SIM_DAY } from "../scenario-setup"
import type { Forecast, ForecastRow } from "./forecast"
import type { IntervalTable } from "./interval-table"

/**
 * Staffing per interval (issue 17 Build 4), the planner's question: from a forecast, the reps
 * each interval needs on the phones to meet an SL target by Erlang C (or Erlang A with a mean
 * patience), the reps to schedule for a shrinkage, and then that staffing simulated through the
 * real core, replication by replication, each interval's SL with its confidence interval set
 * against the target.
 */

export interface StaffingTarget {
  /** SL target, a share (0.8). */
  readonly target: number
  readonly thresholdMs: number
  /** The share of scheduled time reps are not on the phones (breaks, training, …): 0 ≤ s < 1. */
  readonly shrinkage: number
  /** Mean patience (Erlang A); absent: callers wait as long as it takes (Erlang C). */
  readonly patienceSeconds?: number | undefined
}

export interface RequiredRow extends ForecastRow {
  /** Offered load in Erlangs: calls per second × AHT. */
  readonly erlangs: number
  /** Reps on the phones: the fewest whose analytic SL meets the target (0 without calls). */
  readonly required: number
  /** Reps to schedule: required / (1 − shrinkage), rounded up. */
  readonly scheduled: number
  /** The analytic SL with `required` reps; null without calls. */
  readonly analyticSl: number | null
}

const whatIfOf = (row: ForecastRow, intervalMs: number, target: StaffingTarget): WhatIfInput => ({
  callsPerHour: (row.calls * 3_600_000) / intervalMs,
  ahtSeconds: row.ahtSeconds,
  ...(target.patienceSeconds === undefined ? {} : { patienceSeconds: target.patienceSeconds }),
  target: target.target,
  thresholdSeconds: target.thresholdMs / 1000,
})

/** Each forecast row's required and scheduled reps (analysis/whatif.ts: Erlang C, or A with patience). */
export const requiredStaffing = (forecast: Forecast, target: StaffingTarget): RequiredRow[] =>
  forecast.rows.map((row) => {
    const erlangs = ((row.calls * 1000) / forecast.intervalMs) * row.ahtSeconds
    if (row.calls === 0) return { ...row, erlangs, required: 0, scheduled: 0, analyticSl: null }
    const input = whatIfOf(row, forecast.intervalMs, target)
    const required = smallestStaffing(input)
    return {
      ...row,
      erlangs,
      required,
      scheduled: Math.ceil(required / (1 - target.shrinkage) - 1e-9),
      analyticSl: analyticServiceLevel(input, required),
    }
  })

/** The forecast's window: from its first interval's start to its last one's end (offsets from midnight). */
const windowOf = (forecast: Forecast) => ({
  startMs: Math.min(...forecast.rows.map((r) => r.startMs)),
  endMs: Math.max(...forecast.rows.map((r) => r.startMs)) + forecast.intervalMs,
})

/**
 * Reps for a staffing step function: rep j of a queue works every stretch of consecutive
 * intervals that need at least j reps, one rep (one shift) per stretch. So at every moment exactly
 * the required number is on shift (a rep finishes a call past the shift's end).
 */
const repsFor = (queueId: string, required: readonly number[], startMs: number, intervalMs: number) => {
  const reps: ScenarioRep[] = []
  const most = Math.max(0, ...required)
  for (let level = 1; level <= most; level++) {
    let stretch = 0
    for (let i = 0; i < required.length; ) {
      if ((required[i] as number) < level) {
        i++
        continue
      }
      let end = i
      while (end < required.length && (required[end] as number) >= level) end++
      stretch += 1
      reps.push({
        repId: `${queueId}-${level}-${stretch}`,
        queues: [queueId],
        shift: { startMs: startMs + i * intervalMs, endMs: startMs + end * intervalMs },
      })
      i = end
    }
  }
  return reps
}

/**
 * The forecast as a scenario staffed with the required reps: per queue, Poisson arrivals at each
 * interval's rate (an arrival profile on the interval grid), exponential handle times with the
 * queue's mean AHT (weighted by calls), exponential patience when given. The handle time cannot
 * follow the forecast interval by interval: a scenario queue has one handle-time distribution.
 */
export const staffingScenario = (
  forecast: Forecast,
  rows: readonly RequiredRow[],
  target: StaffingTarget,
  name = forecast.path,
): Scenario => {
  const window = windowOf(forecast)
  const slots = (window.endMs - window.startMs) / forecast.intervalMs
  const perDay = 86_400_000 / forecast.intervalMs
  const queues: ScenarioQueue[] = []
  const reps: ScenarioRep[] = []
  for (const queueId of forecast.queues) {
    const mine = rows.filter((r) => r.queueId === queueId)
    const factors = new Array<number>(perDay).fill(0)
    const required = new Array<number>(slots).fill(0)
    for (const r of mine) {
      factors[r.startMs / forecast.intervalMs] = (r.calls * 3_600_000) / forecast.intervalMs
      required[(r.startMs - window.startMs) / forecast.intervalMs] = r.required
    }
    const calls = mine.reduce((n, r) => n + r.calls, 0)
    const aht = calls === 0 ? 1 : mine.reduce((s, r) => s + r.calls * r.ahtSeconds, 0) / calls
    queues.push({
      queueId,
      name: queueId,
      assignment: "most_idle",
      // A base rate of one call an hour: the profile's factors are the calls per hour.
      meanInterArrivalMs: 3_600_000,
      profile: { intervalMs: forecast.intervalMs, factors },
      meanHandleMs: aht * 1000,
      ...(target.patienceSeconds === undefined ? {} : { meanPatienceMs: target.patienceSeconds * 1000 }),
    })
    reps.push(...repsFor(queueId, required, window.startMs, forecast.intervalMs))
  }
  return {
    name,
    queues,
    reps,
    simulation: { ...window, slThresholdMs: target.thresholdMs, seed: 1 },
  }
}

export type Verdict = "ok" | "below" | "MISS" | "-"

export interface CheckedRow extends RequiredRow {
  /** The simulated SL of the interval's calls (by arrival) with the required reps, ± its half-width. */
  readonly simulatedSl: MetricInterval
  /** Simulated SL − target; null without a simulated SL. */
  readonly gap: number | null
  /** ok: at or above target; below: under it, not significantly; MISS: the whole interval is under it. */
  readonly verdict: Verdict
}

export const verdictOf = (sl: MetricInterval, target: number): Verdict => {
  if (sl.estimate === null) return "-"
  if (sl.estimate >= target) return "ok"
  return sl.halfWidth !== null && sl.estimate + sl.halfWidth < target ? "MISS" : "below"
}

export interface StaffingReport {
  readonly forecast: string
  readonly intervalMs: number
  readonly target: StaffingTarget
  readonly model: "Erlang C" | "Erlang A"
  readonly replications: number
  readonly confidence: Confidence
  readonly seed: number
  readonly rows: readonly CheckedRow[]
  /** The simulation's whole interval report. */
  readonly intervals: IntervalTable
}

export interface CheckOptions {
  readonly replications: number
  readonly seed: number
  readonly confidence: Confidence
}

/** Required reps per interval, then simulated with them: each interval's SL against the target. */
export const staffingCheck = (
  forecast: Forecast,
  target: StaffingTarget,
  options: CheckOptions,
): StaffingReport => {
  const rows = requiredStaffing(forecast, target)
  const scenario = staffingScenario(forecast, rows, target)
  const report = measure({
    scenario,
    seed: options.seed,
    replications: options.replications,
    confidence: options.confidence,
    slThresholdMs: target.thresholdMs,
    intervalMs: forecast.intervalMs,
  })
  const intervals = report.intervals as IntervalTable
  const cells = new Map(intervals.rows.map((r) => [`${r.queueId}\u0000${r.startAt}`, r.values]))
  const none: MetricInterval = { estimate: null, halfWidth: null }
  return {
    forecast: forecast.path,
    intervalMs: forecast.intervalMs,
    target,
    model: target.patienceSeconds === undefined ? "Erlang C" : "Erlang A",
    replications: options.replications,
    confidence: options.confidence,
    seed: options.seed,
    rows: rows.map((row) => {
      const sl = cells.get(`${row.queueId}\u0000${SIM_DAY + row.startMs}`)?.serviceLevel ?? none
      return {
        ...row,
        simulatedSl: sl,
        gap: sl.estimate === null ? null : sl.estimate - target.target,
        verdict: verdictOf(sl, target.target),
      }
    }),
    intervals,
  }
}

const clock = (ms: number) =>
  `${String(Math.floor(ms / 3_600_000)).padStart(2, "0")}:${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, "0")}`
const pct = (x: number | null, digits = 1) => (x === null ? "" : (100 * x).toFixed(digits))

const CSV_HEADER = [
  "queue",
  "interval_start",
  "calls",
  "aht_seconds",
  "erlangs",
  "required",
  "scheduled",
  "analytic_sl",
  "simulated_sl",
  "simulated_sl_hw",
  "gap",
  "check",
]

/** The report as CSV: shares as fractions. */
export const staffingCsv = (report: StaffingReport): string => {
  const n = (x: number | null) => (x === null ? "" : String(Number(x.toPrecision(10))))
  const lines = report.rows.map((r) =>
    [
      r.queueId,
      clock(r.startMs),
      n(r.calls),
      n(r.ahtSeconds),
      n(r.erlangs),
      String(r.required),
      String(r.scheduled),
      n(r.analyticSl),
      n(r.simulatedSl.estimate),
      n(r.simulatedSl.halfWidth),
      n(r.gap),
      r.verdict,
    ].join(","),
  )
  return `${[CSV_HEADER.join(","), ...lines].join("\n")}\n`
}

/** The report without the simulation's interval table, as JSON. */
export const staffingJson = (report: StaffingReport): string => {
  const { intervals: _, ...rest } = report
  return `${JSON.stringify(rest, null, 1)}\n`
}

/** `staffing.csv`, `staffing.json` in `dir` (created if missing); their paths. */
export const writeStaffing = (dir: string, report: StaffingReport): string[] => {
  mkdirSync(dir, { recursive: true })
  const csv = join(dir, "staffing.csv")
  const json = join(dir, "staffing.json")
  writeFileSync(csv, staffingCsv(report))
  writeFileSync(json, staffingJson(report))
  return [csv, json]
}

/** The table on stdout. */
export const formatStaffing = (report: StaffingReport): string => {
  const t = report.target
  const ci = `${Math.round(report.confidence * 100)}% CI`
  const header = [
    "queue",
    "interval",
    "calls",
    "AHT s",
    "Erlangs",
    "required",
    "scheduled",
    "SL Erlang",
    `SL simulated ± ${ci}`,
    "gap",
    "check",
  ]
  const body = report.rows.map((r) => [
    r.queueId,
    `${clock(r.startMs)}–${clock(r.startMs + report.intervalMs)}`,
    r.calls.toFixed(r.calls % 1 === 0 ? 0 : 1),
    r.ahtSeconds.toFixed(0),
    r.erlangs.toFixed(2),
    String(r.required),
    String(r.scheduled),
    r.analyticSl === null ? "-" : `${pct(r.analyticSl)}%`,
    r.simulatedSl.estimate === null
      ? "-"
      : `${pct(r.simulatedSl.estimate)}% ± ${r.simulatedSl.halfWidth === null ? "?" : pct(r.simulatedSl.halfWidth)}`,
    r.gap === null ? "-" : `${r.gap >= 0 ? "+" : ""}${pct(r.gap)}`,
    r.verdict,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? "").length)))
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")
  const misses = report.rows.filter((r) => r.verdict === "MISS").length
  const below = report.rows.filter((r) => r.verdict === "below").length
  return [
    `Staffing per interval: ${report.forecast}, target ${pct(t.target, 0)}% answered within ${t.thresholdMs / 1000} s, ${report.model}${t.patienceSeconds === undefined ? "" : ` (mean patience ${t.patienceSeconds} s)`}, shrinkage ${pct(t.shrinkage, 0)}%`,
    `required: reps on the phones (fewest meeting the target by ${report.model}); scheduled: required / (1 − shrinkage), rounded up.`,
    `Simulated with the required reps through the real core: ${report.replications} replications (seed ${report.seed}); SL of each interval's calls by arrival, ± its ${ci}; gap = simulated − target.`,
    line(header),
    ...body.map(line),
    `${misses} interval(s) MISS the target (the whole interval below it), ${below} below it but not significantly.`,
    "",
  ].join("\n")
}
