import { readFileSync } from "node:fs"
import { UsageError } from "../cli-options"

/**
 * A planner's forecast (issue 17 Build 4): a CSV with a header and one row per queue and interval,
 *
 *   interval_start,queue,calls,aht_seconds
 *   08:00,billing,42,240
 *
 * `interval_start` a clock time of the simulated day (HH:MM, on the interval's grid), `calls` the
 * calls expected in that interval (≥ 0, may be fractional), `aht_seconds` their mean handle time
 * (> 0). Intervals a queue does not list have no calls. Every problem is reported, each with the
 * file, line and column; nothing is loaded when there is one.
 */

export const FORECAST_COLUMNS = ["interval_start", "queue", "calls", "aht_seconds"] as const
type Column = (typeof FORECAST_COLUMNS)[number]

export interface ForecastRow {
  readonly queueId: string
  /** Offset of the interval's start from the simulated day's midnight. */
  readonly startMs: number
  readonly calls: number
  readonly ahtSeconds: number
}

export interface Forecast {
  readonly path: string
  readonly intervalMs: number
  /** Queues in the order they first appear. */
  readonly queues: readonly string[]
  /** Queue by queue (that order), each by start. */
  readonly rows: readonly ForecastRow[]
}

export class ForecastError extends UsageError {}

const DAY_MS = 86_400_000

/** "HH:MM" → ms since midnight, or a problem. */
const clockMs = (text: string): number | string => {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text)
  if (match === null) return `'${text}' is not a clock time HH:MM`
  const h = Number(match[1])
  const m = Number(match[2])
  if (h > 23 || m > 59) return `'${text}' is not a time of day (00:00–23:59)`
  return (h * 60 + m) * 60_000
}

/** Parse a forecast's text; `path` names it in the problems. */
export const parseForecast = (text: string, path: string, intervalMs: number): Forecast => {
  if (!(intervalMs > 0 && DAY_MS % intervalMs === 0))
    throw new ForecastError(
      `--interval: ${intervalMs / 60_000} min does not divide the day into whole intervals`,
    )
  const problems: string[] = []
  const lines = text.split(/\r?\n/)
  const header = (lines[0] ?? "").split(",").map((h) => h.trim())
  const at = (line: number, column: number, name: string, problem: string) =>
    problems.push(`${path}:${line}: column ${column} (${name}): ${problem}`)
  header.forEach((name, i) => {
    if (!(FORECAST_COLUMNS as readonly string[]).includes(name))
      at(1, i + 1, name, `not a forecast column (${FORECAST_COLUMNS.join(", ")})`)
  })
  for (const name of FORECAST_COLUMNS)
    if (!header.includes(name)) problems.push(`${path}:1: the header has no column '${name}'`)
  if (problems.length > 0) throw new ForecastError(`${path} is not a forecast:\n  ${problems.join("\n  ")}`)
  const index = Object.fromEntries(FORECAST_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    Column,
    number
  >
  const rows: ForecastRow[] = []
  const seen = new Map<string, number>()
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n] as string
    if (line.trim() === "") continue
    const cells = line.split(",").map((c) => c.trim())
    const lineNo = n + 1
    if (cells.length !== header.length) {
      problems.push(`${path}:${lineNo}: ${cells.length} columns, the header has ${header.length}`)
      continue
    }
    const cell = (c: Column) => cells[index[c]] as string
    const fail = (c: Column, problem: string) => at(lineNo, index[c] + 1, c, problem)
    const queueId = cell("queue")
    if (queueId === "") fail("queue", "empty")
    const start = clockMs(cell("interval_start"))
    if (typeof start === "string") fail("interval_start", start)
    else if (start % intervalMs !== 0)
      fail(
        "interval_start",
        `'${cell("interval_start")}' is not on the ${intervalMs / 60_000}-minute grid (--interval)`,
      )
    const calls = Number(cell("calls"))
    if (cell("calls") === "" || !(Number.isFinite(calls) && calls >= 0))
      fail("calls", `'${cell("calls")}' must be a number >= 0`)
    const aht = Number(cell("aht_seconds"))
    if (cell("aht_seconds") === "" || !(Number.isFinite(aht) && aht > 0))
      fail("aht_seconds", `'${cell("aht_seconds")}' must be a number of seconds > 0`)
    if (typeof start !== "number" || queueId === "") continue
    const key = `${queueId}\u0000${start}`
    const before = seen.get(key)
    if (before !== undefined)
      fail("interval_start", `${queueId} ${cell("interval_start")} is already on line ${before}`)
    seen.set(key, lineNo)
    rows.push({ queueId, startMs: start, calls, ahtSeconds: aht })
  }
  if (rows.length === 0 && problems.length === 0) problems.push(`${path}: no rows after the header`)
  if (problems.length > 0) throw new ForecastError(`${path} is not a forecast:\n  ${problems.join("\n  ")}`)
  const queues = [...new Set(rows.map((r) => r.queueId))]
  const order = new Map(queues.map((q, i) => [q, i]))
  rows.sort(
    (a, b) => (order.get(a.queueId) as number) - (order.get(b.queueId) as number) || a.startMs - b.startMs,
  )
  return { path, intervalMs, queues, rows }
}

export const loadForecast = (path: string, intervalMs: number): Forecast => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (error) {
    throw new ForecastError(`cannot read the forecast '${path}': ${(error as Error).message}`)
  }
  return parseForecast(text, path, intervalMs)
}
