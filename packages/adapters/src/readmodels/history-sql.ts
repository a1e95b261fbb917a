import type { InArgs, InStatement, Row } from "@libsql/client"
import type { Disposition } from "@lifeline/core/calls"
import type {
  HistoryCursor,
  HistoryGroup,
  HistoryOutcome,
  HistoryQuery,
  HistoryRecord,
} from "@lifeline/core/history"
import { upsertRows } from "./projector"

/**
 * The SQL of the call-history read model (tables `call_history` and `projections` in
 * store/libsql/schema.ts). Plain statements with bound arguments; every read is in history's
 * order (arrival, then item id), which the table's indexes serve, and pages are keyset pages.
 */

/** The projector's name in `projections`; the stream it follows is the center's. */
export const HISTORY_PROJECTION = "history"

const COLUMNS = [
  "item_id",
  "queue_id",
  "workstream_id",
  "priority",
  "from_number",
  "to_number",
  "arrived_at",
  "outcome",
  "rep_id",
  "offers",
  "refusals",
  "answered_at",
  "ended_at",
  "handle_ms",
  "kind",
  "end_reason",
  "attempts",
  "joined_into",
  "transferred_from",
  "direction",
  "disposition",
] as const

const SELECT_RECORDS = `SELECT ${COLUMNS.join(", ")} FROM call_history`

const values = (r: HistoryRecord): unknown[] => [
  r.itemId,
  r.queueId,
  r.workstreamId,
  r.priority,
  r.from,
  r.to,
  r.arrivedAt,
  r.outcome,
  r.repId,
  r.offers,
  r.refusals,
  r.answeredAt,
  r.endedAt,
  r.handleMs,
  r.kind,
  r.endReason,
  r.attempts,
  r.joinedInto,
  r.transferredFrom,
  r.direction,
  r.disposition,
]

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

export const recordOfRow = (row: Row): HistoryRecord => ({
  itemId: String(row[0]),
  queueId: String(row[1]),
  workstreamId: text(row[2]),
  priority: Number(row[3]),
  from: text(row[4]),
  to: text(row[5]),
  arrivedAt: Number(row[6]),
  outcome: String(row[7]) as HistoryOutcome,
  repId: text(row[8]),
  offers: Number(row[9]),
  refusals: Number(row[10]),
  answeredAt: num(row[11]),
  endedAt: num(row[12]),
  handleMs: num(row[13]),
  kind: String(row[14]) === "callback" ? "callback" : "call",
  endReason: text(row[15]),
  attempts: Number(row[16]),
  joinedInto: text(row[17]),
  transferredFrom: text(row[18]),
  direction: String(row[19]) === "outbound" ? "outbound" : "inbound",
  disposition: text(row[20]) as Disposition | null,
})

export const readRecords = (itemIds: readonly string[]): InStatement => ({
  sql: `${SELECT_RECORDS} WHERE item_id IN (${itemIds.map(() => "?").join(", ")})`,
  args: [...itemIds],
})

/** Upserts of these records, as many statements as the bound-parameter limit needs. */
export const upsertRecords = (records: readonly HistoryRecord[]): InStatement[] =>
  upsertRows("call_history", COLUMNS, records.map(values))

/** The WHERE of a query, with its arguments. */
const where = (q: HistoryQuery, after: HistoryCursor | null): { sql: string; args: unknown[] } => {
  const parts: string[] = []
  const args: unknown[] = []
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql)
    args.push(...values)
  }
  if (q.from !== undefined) add("arrived_at >= ?", q.from)
  if (q.to !== undefined) add("arrived_at < ?", q.to)
  if (q.queueId !== undefined) add("queue_id = ?", q.queueId)
  if (q.itemId !== undefined) add("item_id = ?", q.itemId)
  if (q.repId !== undefined) add("rep_id = ?", q.repId)
  if (q.outcome !== undefined) add("outcome = ?", q.outcome)
  if (q.queues !== undefined)
    add(`queue_id IN (${q.queues.map(() => "?").join(", ") || "NULL"})`, ...q.queues)
  if (after !== null) add("(arrived_at, item_id) > (?, ?)", after.arrivedAt, after.itemId)
  return { sql: parts.length === 0 ? "" : ` WHERE ${parts.join(" AND ")}`, args }
}

/** One more row than the page holds: whether it comes tells whether there is a next page. */
export const readPage = (q: HistoryQuery, limit: number, after: HistoryCursor | null): InStatement => {
  const w = where(q, after)
  return {
    sql: `${SELECT_RECORDS}${w.sql} ORDER BY arrived_at, item_id LIMIT ?`,
    args: [...w.args, limit + 1] as InArgs,
  }
}

/** Queue analytics are of routed work: an outbound call (W1) is in no queue. */
const ROUTED = "direction = 'inbound'"

export const readGroups = (q: HistoryQuery): InStatement => {
  const w = where(q, null)
  const routed = w.sql === "" ? ` WHERE ${ROUTED}` : `${w.sql} AND ${ROUTED}`
  return {
    sql:
      "SELECT queue_id, outcome, count(*), sum(kind = 'callback'), count(answered_at), " +
      "coalesce(sum(answered_at - arrived_at), 0), count(handle_ms), coalesce(sum(handle_ms), 0) " +
      `FROM call_history${routed} GROUP BY queue_id, outcome`,
    args: w.args as InArgs,
  }
}

export const groupOfRow = (row: Row): HistoryGroup => ({
  queueId: String(row[0]),
  outcome: String(row[1]) as HistoryOutcome,
  records: Number(row[2]),
  callbacks: Number(row[3]),
  answered: Number(row[4]),
  waitSum: Number(row[5]),
  handled: Number(row[6]),
  handleSum: Number(row[7]),
})
