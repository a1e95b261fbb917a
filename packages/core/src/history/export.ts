import type { HistoryRecord } from "./record"

const COLUMNS = [
  "itemId",
  "queueId",
  "workstreamId",
  "priority",
  "from",
  "to",
  "arrivedAt",
  "outcome",
  "repId",
  "offers",
  "refusals",
  "answeredAt",
  "endedAt",
  "handleMs",
  "kind",
  "endReason",
  "attempts",
  "joinedInto",
  "transferredFrom",
  "direction",
  "disposition",
] as const satisfies readonly (keyof HistoryRecord)[]

const TIME_COLUMNS: ReadonlySet<string> = new Set(["arrivedAt", "answeredAt", "endedAt"])

/**
 * A cell: quoted when it needs to be; a value a spreadsheet would run as a formula is prefixed
 * with `'` (a plain phone number such as +15550100123 is left alone).
 */
const cell = (value: string): string => {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^\+\d+$/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

const show = (column: string, value: unknown): string => {
  if (value === null || value === undefined) return ""
  if (TIME_COLUMNS.has(column) && typeof value === "number") return new Date(value).toISOString()
  return String(value)
}

/** The export's first line, with its line break. */
export const historyCsvHeader = (): string => `${COLUMNS.join(",")}\r\n`

/** One record as a line of the export, with its line break (a streamed export writes these). */
export const historyCsvLine = (r: HistoryRecord): string =>
  `${COLUMNS.map((c) => cell(show(c, r[c]))).join(",")}\r\n`

/** E8: the call-history export (CSV, RFC 4180). Its only input is history records. */
export const historyCsv = (records: Iterable<HistoryRecord>): string => {
  let out = historyCsvHeader()
  for (const r of records) out += historyCsvLine(r)
  return out
}
