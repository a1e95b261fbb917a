import { existsSync, readFileSync } from "node:fs"
import { type HistoryRecord, isHistoryOutcome } from "@lifeline/core/history"
import { UsageError } from "./cli-options"
import { type RecordedDay, recordedDayOf } from "./replay-day"

/**
 * A replayed day from a call-history CSV export (`GET /api/history/export.csv`; issue 17 Build 5,
 * SPEC P3): the same history records a store gives, read back from the export's columns.
 */

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks. */
export const parseCsv = (text: string): string[][] => {
  const rows: string[][] = []
  let row: string[] = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (quoted) {
      if (ch !== '"') field += ch
      else if (text[i + 1] === '"') field += text[++i]
      else quoted = false
    } else if (ch === '"') quoted = true
    else if (ch === ",") {
      row.push(field)
      field = ""
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++
      row.push(field)
      rows.push(row)
      row = []
      field = ""
    } else field += ch
  }
  if (field !== "" || row.length > 0) rows.push([...row, field])
  return rows
}

/** The export writes `'` before a value a spreadsheet would run as a formula; take it off. */
const cellValue = (cell: string): string => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell)

/** The columns a replay needs from an export line. */
const NEEDED = [
  "itemId",
  "queueId",
  "arrivedAt",
  "outcome",
  "answeredAt",
  "endedAt",
  "handleMs",
  "kind",
] as const

const csvRecord = (get: (column: string) => string, line: number, path: string): HistoryRecord => {
  const bad = (column: string): never => {
    throw new UsageError(`${path}: line ${line}, column ${column}: '${get(column)}' is not valid`)
  }
  const time = (column: string) => {
    const text = get(column)
    if (text === "") return null
    const ms = Date.parse(text)
    return Number.isFinite(ms) ? ms : bad(column)
  }
  const number = (column: string) => {
    const text = get(column)
    return text === "" ? null : Number.isFinite(Number(text)) ? Number(text) : bad(column)
  }
  const outcome = get("outcome")
  const optional = (column: string) => (get(column) === "" ? null : get(column))
  return {
    itemId: get("itemId"),
    queueId: get("queueId"),
    workstreamId: optional("workstreamId"),
    priority: number("priority") ?? 0,
    from: null,
    to: null,
    arrivedAt: time("arrivedAt") ?? bad("arrivedAt"),
    outcome: isHistoryOutcome(outcome) ? outcome : bad("outcome"),
    repId: optional("repId"),
    offers: number("offers") ?? 0,
    refusals: number("refusals") ?? 0,
    answeredAt: time("answeredAt"),
    endedAt: time("endedAt"),
    handleMs: number("handleMs"),
    kind: get("kind") === "callback" ? "callback" : "call",
    endReason: optional("endReason"),
    attempts: number("attempts") ?? 0,
    joinedInto: optional("joinedInto"),
    transferredFrom: optional("transferredFrom"),
    // An export without the column predates outbound calls: every record in it is inbound.
    direction: get("direction") === "outbound" ? "outbound" : "inbound",
    disposition: null,
  }
}

/** The day's records from a call-history CSV export; a missing column or bad value names it. */
export const readDayFromCsv = (path: string, day: string): RecordedDay => {
  if (!existsSync(path)) throw new UsageError(`--history: no file '${path}'`)
  const [header = [], ...rows] = parseCsv(readFileSync(path, "utf8"))
  const index = new Map(header.map((name, i) => [name, i]))
  for (const column of NEEDED)
    if (!index.has(column))
      throw new UsageError(`--history: '${path}' has no column '${column}' (a call-history export has)`)
  const records = rows
    .filter((row) => row.length > 1 || row[0] !== "")
    .map((row, i) =>
      csvRecord((column) => cellValue(row[index.get(column) ?? -1] ?? ""), i + 2, `--history: '${path}'`),
    )
  return recordedDayOf(day, records)
}
