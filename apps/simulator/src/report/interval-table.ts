import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { F, METRICS } from "../analysis/metrics"
import { type Confidence, ratioInterval } from "../analysis/statistics"
import { IF, INTERVAL_FIELD_COUNT, type IntervalStats } from "../interval-stats"
import type { MetricInterval } from "../measure"
import type { Scenario } from "../scenario"
import { staffedByQueue } from "./staffed-time"

/**
 * The interval report (issue 17 Build 3): per queue and interval (15 min by default) every figure
 * with its confidence interval across replications (none from a single run). Each figure is a
 * ratio of sums, as the metrics of analysis/metrics.ts are: a metric there is used as defined
 * (SL, ASA, occupancy, …); counts are means per replication. The sums per interval come from
 * `IntervalStats` (a fixed block per interval, never a list of calls), plus the schedule's staffed
 * rep time and the interval's length.
 */

/** A cell's numbers: IntervalStats' sums (staffedMs filled from the schedule), then its span. */
const SPAN = INTERVAL_FIELD_COUNT
const VECTOR = INTERVAL_FIELD_COUNT + 1

export type Unit = "calls" | "share" | "s" | "reps"

export interface IntervalColumn {
  /** Key in the JSON's values; the CSV's header is `csv` (and `csv`_hw for the half-width). */
  readonly id: string
  readonly csv: string
  readonly label: string
  readonly unit: Unit
  readonly definition: string
  readonly numerator: number
  /** Absent: a count, its mean per replication. */
  readonly denominator?: number
}

const count = (id: string, csv: string, label: string, at: number, definition: string): IntervalColumn => ({
  id,
  csv,
  label,
  unit: "calls",
  definition,
  numerator: at,
})

const snake = (id: string) => id.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** The report's columns, in order. */
export const INTERVAL_COLUMNS: readonly IntervalColumn[] = [
  count("offered", "offered", "offered", IF.offered, "calls that arrived in the interval"),
  count(
    "answered",
    "answered",
    "answered",
    F.answered,
    "calls that arrived in the interval and were answered",
  ),
  count(
    "abandoned",
    "abandoned",
    "abandoned",
    F.abandoned,
    "calls that arrived in the interval and hung up while waiting",
  ),
  ...METRICS.map(
    (m): IntervalColumn => ({
      id: m.id,
      csv: m.kind === "time" ? `${snake(m.id)}_s` : snake(m.id),
      label: m.label,
      unit: m.kind === "time" ? "s" : "share",
      definition: `${m.definition}; calls by the interval they arrived in${m.id === "occupancy" ? ", talk time in the interval it happened" : ""}`,
      numerator: F[m.numerator],
      denominator: F[m.denominator],
    }),
  ),
  {
    id: "repsStaffed",
    csv: "reps_staffed",
    label: "reps staffed",
    unit: "reps",
    definition:
      "mean number of reps on shift and not on a break over the interval, per voice unit (a rep serving k queues counts 1/k in each)",
    numerator: F.staffedMs,
    denominator: SPAN,
  },
  {
    id: "meanWaiting",
    csv: "mean_waiting",
    label: "calls waiting",
    unit: "calls",
    definition: "time-weighted mean number of calls waiting in the queue",
    numerator: IF.waitingAreaMs,
    denominator: SPAN,
  },
  count(
    "callbacksRequested",
    "callbacks_requested",
    "callbacks asked",
    IF.callbacksRequested,
    "callbacks asked for in the interval: by callers in the queue (C3, C4) and scheduled through the API (C7)",
  ),
  count(
    "callbacksDone",
    "callbacks_done",
    "callbacks done",
    IF.callbacksDone,
    "callbacks closed as served in the interval",
  ),
  count(
    "offersDeclined",
    "offers_declined",
    "offers declined",
    IF.offersDeclined,
    "offers reps declined in the interval (R4: the item is offered again)",
  ),
  count(
    "offersExpired",
    "offers_expired",
    "offers expired",
    IF.offersExpired,
    "offers reps let ring until they expired (30 s) in the interval (R4: the item is offered again)",
  ),
]

export interface IntervalTableRow {
  readonly queueId: string
  readonly startAt: number
  readonly endAt: number
  /** By column id, in the column's unit (shares 0–1, times in seconds). */
  readonly values: Readonly<Record<string, MetricInterval>>
}

export interface IntervalTable {
  readonly scenario: string
  readonly startAt: number
  readonly intervalMs: number
  readonly slThresholdMs: number
  readonly replications: number
  readonly confidence: Confidence
  readonly queues: readonly { readonly queueId: string; readonly name: string }[]
  /** Queue by queue, each in time order. */
  readonly rows: readonly IntervalTableRow[]
}

/**
 * Replications' interval statistics, gathered one run at a time: per run a block of
 * queues × intervals × VECTOR numbers.
 */
export class IntervalSamples {
  private readonly runs: Float64Array[] = []
  private intervals = 0

  constructor(
    readonly scenario: Scenario,
    readonly startAt: number,
    readonly intervalMs: number,
    readonly slThresholdMs: number,
  ) {}

  /** One run's statistics (the queues in the scenario's order), with the schedule's staffed time. */
  add(stats: IntervalStats): void {
    const rows = stats.rows()
    const queues = this.scenario.queues.length
    const n = rows.length / queues
    const block = new Float64Array(rows.length * VECTOR)
    for (let i = 0; i < n; i++) {
      const first = rows[i] as (typeof rows)[number]
      const staffed = staffedByQueue(this.scenario, first.startAt, first.endAt)
      for (let q = 0; q < queues; q++) {
        const row = rows[q * n + i] as (typeof rows)[number]
        const at = (q * n + i) * VECTOR
        block.set(row.sums, at)
        block[at + F.staffedMs] = staffed[q] as number
        block[at + SPAN] = row.endAt - row.startAt
      }
    }
    this.runs.push(block)
    this.intervals = Math.max(this.intervals, n)
  }

  /** Every column of every (queue, interval) with its interval across the runs. */
  table(confidence: Confidence): IntervalTable {
    const n = this.intervals
    const runs = this.runs.length
    const ones = new Float64Array(runs).fill(1)
    const column = (q: number, i: number, at: number) =>
      Float64Array.from(this.runs, (block) => {
        const per = block.length / VECTOR / this.scenario.queues.length
        return i < per ? (block[(q * per + i) * VECTOR + at] as number) : 0
      })
    const rows = this.scenario.queues.flatMap((queue, q) =>
      Array.from({ length: n }, (_, i): IntervalTableRow => {
        const startAt = this.startAt + i * this.intervalMs
        const span = Math.max(...column(q, i, SPAN))
        const values = Object.fromEntries(
          INTERVAL_COLUMNS.map((c) => {
            const ys = column(q, i, c.numerator)
            const interval = ratioInterval(
              ys,
              c.denominator === undefined ? ones : column(q, i, c.denominator),
              confidence,
            )
            const scale = c.unit === "s" ? 1 / 1000 : 1
            const value: MetricInterval =
              interval === null
                ? { estimate: null, halfWidth: null }
                : {
                    estimate: interval.estimate * scale,
                    halfWidth: Number.isNaN(interval.halfWidth) ? null : interval.halfWidth * scale,
                  }
            return [c.id, value]
          }),
        )
        return { queueId: queue.queueId, startAt, endAt: startAt + span, values }
      }),
    )
    return {
      scenario: this.scenario.name,
      startAt: this.startAt,
      intervalMs: this.intervalMs,
      slThresholdMs: this.slThresholdMs,
      replications: runs,
      confidence,
      queues: this.scenario.queues.map((q) => ({ queueId: q.queueId, name: q.name })),
      rows,
    }
  }
}

/** One run's interval report (no intervals: a single run gives each figure once). */
export const singleRunTable = (scenario: Scenario, stats: IntervalStats, confidence: Confidence = 0.95) => {
  const samples = new IntervalSamples(scenario, stats.startAt, stats.intervalMs, stats.slThresholdMs)
  samples.add(stats)
  return samples.table(confidence)
}

/** The report's JSON file: the table, its columns' definitions and the SL target the charts draw. */
export interface IntervalReportFile {
  readonly scenario: string
  readonly start: string
  readonly intervalMinutes: number
  readonly slThresholdSeconds: number
  readonly slTarget: number
  readonly replications: number
  readonly confidence: Confidence
  readonly slCounts: string
  readonly columns: readonly Pick<IntervalColumn, "id" | "csv" | "label" | "unit" | "definition">[]
  readonly queues: IntervalTable["queues"]
  readonly rows: readonly {
    readonly queue: string
    readonly start: string
    readonly end: string
    readonly values: Readonly<Record<string, MetricInterval>>
  }[]
}

const iso = (at: number) => new Date(at).toISOString()

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
const field = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text)

/** Up to 10 significant digits: exact for counts, no float noise in the file. */
const number = (value: number | null): string => (value === null ? "" : String(Number(value.toPrecision(10))))

export const reportFile = (table: IntervalTable, slTarget: number): IntervalReportFile => ({
  scenario: table.scenario,
  start: iso(table.startAt),
  intervalMinutes: table.intervalMs / 60_000,
  slThresholdSeconds: table.slThresholdMs / 1000,
  slTarget,
  replications: table.replications,
  confidence: table.confidence,
  slCounts:
    "each interval's SL, ASA, P(wait), mean wait and P(abandon) are over the calls that ARRIVED in it, wherever their wait ended",
  columns: INTERVAL_COLUMNS.map(({ id, csv, label, unit, definition }) => ({
    id,
    csv,
    label,
    unit,
    definition,
  })),
  queues: table.queues,
  rows: table.rows.map((r) => ({
    queue: r.queueId,
    start: iso(r.startAt),
    end: iso(r.endAt),
    values: r.values,
  })),
})

/** The CSV: a row per queue and interval; each column then its half-width (`_hw`, empty without one). */
export const reportCsv = (table: IntervalTable): string => {
  const header = ["queue", "start", "end", ...INTERVAL_COLUMNS.flatMap((c) => [c.csv, `${c.csv}_hw`])]
  const lines = table.rows.map((r) =>
    [
      field(r.queueId),
      iso(r.startAt),
      iso(r.endAt),
      ...INTERVAL_COLUMNS.flatMap((c) => {
        const v = r.values[c.id]
        return [number(v?.estimate ?? null), number(v?.halfWidth ?? null)]
      }),
    ].join(","),
  )
  return `${[header.join(","), ...lines].join("\n")}\n`
}

export const REPORT_CSV = "intervals.csv"
export const REPORT_JSON = "intervals.json"

/** Write `intervals.csv` and `intervals.json` into `dir` (created if missing); their paths. */
export const writeIntervalReport = (dir: string, table: IntervalTable, slTarget: number): string[] => {
  mkdirSync(dir, { recursive: true })
  const csv = join(dir, REPORT_CSV)
  const json = join(dir, REPORT_JSON)
  writeFileSync(csv, reportCsv(table))
  writeFileSync(json, `${JSON.stringify(reportFile(table, slTarget), null, 1)}\n`)
  return [csv, json]
}
