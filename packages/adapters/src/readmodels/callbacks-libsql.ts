import type { Client, InArgs, InStatement, Row } from "@libsql/client"
import {
  type CallbackListCursor,
  type CallbackListQuery,
  type CallbackListRecord,
  type CallbackReadModel,
  callbackListKeysOf,
  projectCallbackListBatch,
} from "@lifeline/core/callback"
import { Effect } from "effect"
import {
  makeSqlProjector,
  type ProjectorOptions,
  readByKeys,
  run,
  type SqlProjection,
  splitPage,
  upsertRows,
} from "./projector"

/**
 * I2, issue 20: the callback list in SQL (table `callbacks`, docs/read-models.md): a projector
 * step loads the callbacks its events are about, applies the pure `projectCallbackListBatch` and
 * upserts the records it changed. Pages are newest first, by (requested_at, callback_id).
 */
export const CALLBACKS_PROJECTION = "callbacks"

const COLUMNS = [
  "callback_id",
  "number",
  "queue_id",
  "source",
  "status",
  "outcome",
  "attempts",
  "joined",
  "requested_at",
  "window_start",
  "window_end",
  "deadline",
  "ended_at",
] as const
const SELECT = `SELECT ${COLUMNS.join(", ")} FROM callbacks`

const values = (r: CallbackListRecord): unknown[] => [
  r.callbackId,
  r.number,
  r.queueId,
  r.source,
  r.status,
  r.outcome,
  r.attempts,
  r.joined,
  r.requestedAt,
  r.window?.start ?? null,
  r.window?.end ?? null,
  r.deadline,
  r.endedAt,
]

const orNull = (v: unknown): number | null => (v === null ? null : Number(v))

const recordOfRow = (row: Row): CallbackListRecord => ({
  callbackId: String(row[0]),
  number: String(row[1]),
  queueId: String(row[2]),
  source: String(row[3]) as CallbackListRecord["source"],
  status: String(row[4]) as CallbackListRecord["status"],
  outcome: row[5] === null ? null : (String(row[5]) as NonNullable<CallbackListRecord["outcome"]>),
  attempts: Number(row[6]),
  joined: Number(row[7]),
  requestedAt: Number(row[8]),
  window: row[9] === null || row[10] === null ? null : { start: Number(row[9]), end: Number(row[10]) },
  deadline: Number(row[11]),
  endedAt: orNull(row[12]),
})

const readRecords = (ids: readonly string[]): InStatement => ({
  sql: `${SELECT} WHERE callback_id IN (${ids.map(() => "?").join(", ")})`,
  args: [...ids],
})

export const callbacksProjection: SqlProjection<CallbackListRecord[]> = {
  name: CALLBACKS_PROJECTION,
  label: "the callback list",
  load: (client, events) =>
    readByKeys(client, "read callbacks", callbackListKeysOf(events), readRecords, recordOfRow),
  writes: (stored, events) =>
    upsertRows("callbacks", COLUMNS, projectCallbackListBatch(stored, events).map(values)),
}

/** The WHERE of a query: the same filters as the core's `matchesCallbackQuery`. */
const whereOf = (q: CallbackListQuery, after: CallbackListCursor | null) => {
  const parts: string[] = []
  const args: unknown[] = []
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql)
    args.push(...values)
  }
  if (q.queueId !== undefined) add("queue_id = ?", q.queueId)
  if (q.status === "open") add("status <> 'closed'")
  else if (q.status !== undefined) add("status = ?", q.status)
  if (q.number !== undefined) add("number = ?", q.number)
  if (q.from !== undefined) add("requested_at >= ?", q.from)
  if (q.to !== undefined) add("requested_at < ?", q.to)
  if (q.queues !== undefined)
    add(`queue_id IN (${q.queues.map(() => "?").join(", ") || "NULL"})`, ...q.queues)
  if (after !== null) add("(requested_at, callback_id) < (?, ?)", after.requestedAt, after.callbackId)
  return { where: parts.length === 0 ? "" : ` WHERE ${parts.join(" AND ")}`, args }
}

const readPage = (q: CallbackListQuery, limit: number, after: CallbackListCursor | null): InStatement => {
  const { where, args } = whereOf(q, after)
  return {
    sql: `${SELECT}${where} ORDER BY requested_at DESC, callback_id DESC LIMIT ?`,
    args: [...args, limit + 1] as InArgs,
  }
}

/** The callback list on libSQL: its projector (with its checkpoint) and its pages. */
export const makeLibsqlCallbacks = (
  client: Client,
  options: ProjectorOptions = {},
): Effect.Effect<CallbackReadModel["Service"]> =>
  Effect.map(makeSqlProjector(client, callbacksProjection, options), (catchUp) => ({
    catchUp,
    page: (query, limit, after) =>
      Effect.map(
        run("read callbacks", () => client.execute(readPage(query, limit, after))),
        (result) =>
          splitPage(result.rows, limit, recordOfRow, (last) => ({
            requestedAt: last.requestedAt,
            callbackId: last.callbackId,
          })),
      ),
  }))
