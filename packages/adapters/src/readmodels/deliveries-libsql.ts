import type { Client, InArgs, InStatement, Row } from "@libsql/client"
import {
  type DeliveryCursor,
  type DeliveryQuery,
  type DeliveryReadModel,
  type DeliveryRecord,
  deliveryKeysOf,
  projectDeliveryBatch,
} from "@lifeline/core/outbox"
import { Effect } from "effect"
import { readByKeys, run, type SqlProjection, splitPage, upsertRows } from "./projector"

/**
 * B6's delivery records in SQL (issue 22; table `deliveries`, docs/read-models.md): a projector
 * step loads the records its outbox events are about, applies the pure `projectDeliveryBatch`
 * (the outbox module's own `progressDelivery` rule) and upserts the records it changed.
 */
export const DELIVERIES_PROJECTION = "deliveries"

const COLUMNS = [
  "message_id",
  "purpose",
  "ref",
  "channel",
  "to_addresses",
  "queued_at",
  "status",
  "attempts",
  "retry_at",
  "provider_id",
  "history",
] as const
const SELECT = `SELECT ${COLUMNS.join(", ")} FROM deliveries`

const values = (r: DeliveryRecord): unknown[] => [
  r.messageId,
  r.purpose,
  r.ref,
  r.channel,
  JSON.stringify(r.to),
  r.queuedAt,
  r.status,
  r.attempts,
  r.retryAt,
  r.providerId,
  JSON.stringify(r.history),
]

const recordOfRow = (row: Row): DeliveryRecord => ({
  messageId: String(row[0]),
  purpose: String(row[1]),
  ref: String(row[2]),
  channel: "email",
  to: JSON.parse(String(row[4])),
  queuedAt: Number(row[5]),
  status: String(row[6]) as DeliveryRecord["status"],
  attempts: Number(row[7]),
  retryAt: row[8] === null ? null : Number(row[8]),
  providerId: row[9] === null ? null : String(row[9]),
  history: JSON.parse(String(row[10])),
})

const readRecords = (ids: readonly string[]): InStatement => ({
  sql: `${SELECT} WHERE message_id IN (${ids.map(() => "?").join(", ")})`,
  args: [...ids],
})

export const deliveriesProjection: SqlProjection<DeliveryRecord[]> = {
  name: DELIVERIES_PROJECTION,
  label: "deliveries",
  load: (client, events) =>
    readByKeys(client, "read deliveries", deliveryKeysOf(events), readRecords, recordOfRow),
  writes: (stored, events) =>
    upsertRows("deliveries", COLUMNS, projectDeliveryBatch(stored, events).map(values)),
}

const readPage = (q: DeliveryQuery, limit: number, after: DeliveryCursor | null): InStatement => {
  const parts: string[] = []
  const args: unknown[] = []
  if (q.purpose !== undefined) {
    parts.push("purpose = ?")
    args.push(q.purpose)
  }
  if (after !== null) {
    parts.push("(queued_at, message_id) > (?, ?)")
    args.push(after.queuedAt, after.messageId)
  }
  const where = parts.length === 0 ? "" : ` WHERE ${parts.join(" AND ")}`
  return {
    sql: `${SELECT}${where} ORDER BY queued_at, message_id LIMIT ?`,
    args: [...args, limit + 1] as InArgs,
  }
}

export const libsqlDeliveryPage =
  (client: Client): DeliveryReadModel["Service"]["page"] =>
  (query, limit, after) =>
    Effect.map(
      run("read deliveries", () => client.execute(readPage(query, limit, after))),
      (result) =>
        splitPage(result.rows, limit, recordOfRow, (last) => ({
          queuedAt: last.queuedAt,
          messageId: last.messageId,
        })),
    )
