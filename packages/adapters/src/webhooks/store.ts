import { randomBytes, randomUUID } from "node:crypto"
import type { Client, InStatement, Row } from "@libsql/client"
import type { WebhookType } from "@lifeline/client"
import type { CenterEvent } from "@lifeline/core/center"
import type { StoreUnavailable } from "@lifeline/core/ports"
import { Context, Effect, Layer } from "effect"
import { makeSqlProjector, placeholders, run, type SqlProjection, splitPage } from "../readmodels/projector"
import { type LibsqlStoreOptions, openDatabase } from "../store/libsql/open"
import { webhookPayload, webhookTypeOf } from "./types"

/**
 * SPEC I3 (issue 20): outbound webhooks in SQL. A projector (the runner every read model uses)
 * turns each center event an endpoint subscribed to into a delivery row; senders on any node
 * claim due rows, POST them signed, and record the outcome. The rows are the outbox: a message
 * exists before its first attempt and stays until delivered, failed or cancelled.
 */
export const WEBHOOKS_PROJECTION = "webhooks"

/** After the first attempt, the pauses before each retry (the Standard Webhooks / Svix schedule). */
export const RETRY_AFTER_MS = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
] as const
/** Attempts in all before a delivery is marked failed (an admin can still replay it). */
export const MAX_ATTEMPTS = RETRY_AFTER_MS.length + 1
/** A sender's claim on a delivery: another node may take it over after this. */
export const CLAIM_MS = 60_000
/** Deliveries one sender claims at a time. */
export const CLAIM_BATCH = 20

export interface WebhookEndpoint {
  readonly endpointId: string
  readonly url: string
  readonly types: readonly WebhookType[]
  readonly createdAt: number
  readonly createdBy: string
  readonly disabledAt: number | null
}

export type DeliveryStatus = "pending" | "delivered" | "failed" | "cancelled"

export interface WebhookDelivery {
  readonly deliveryId: string
  readonly messageId: string
  readonly endpointId: string
  readonly type: WebhookType
  readonly status: DeliveryStatus
  readonly attempts: number
  readonly createdAt: number
  readonly nextAttemptAt: number | null
  readonly lastAttemptAt: number | null
  readonly lastStatus: number | null
  readonly lastError: string | null
  readonly deliveredAt: number | null
  /** The message's body, as sent. */
  readonly payload: string
  /** The center event's version: the log's order, and its page cursor. */
  readonly seq: number
}

/** A delivery claimed for sending, with what signing and sending it needs. */
export interface ClaimedDelivery {
  readonly deliveryId: string
  readonly messageId: string
  readonly url: string
  readonly secret: string
  readonly payload: string
  /** This attempt's number (1 for the first). */
  readonly attempt: number
}

/** What one attempt came to: an HTTP status, or a network failure in words. */
export type AttemptOutcome = { readonly status: number } | { readonly error: string }

type Failing<A> = Effect.Effect<A, StoreUnavailable>

export class Webhooks extends Context.Service<
  Webhooks,
  {
    /** Registers an endpoint; the answer holds its signing secret, the only time it is shown. */
    readonly register: (endpoint: {
      readonly url: string
      readonly types: readonly WebhookType[]
      readonly createdBy: string
      readonly now: number
    }) => Failing<WebhookEndpoint & { readonly secret: string }>
    readonly endpoints: () => Failing<readonly WebhookEndpoint[]>
    /** Removes an endpoint: nothing more is sent to it; its pending deliveries are cancelled. */
    readonly remove: (endpointId: string, now: number) => Failing<WebhookEndpoint | undefined>
    /** An endpoint's deliveries, newest first, from before `before` (a seq). */
    readonly deliveries: (query: {
      readonly endpointId: string
      readonly before?: number
      readonly limit: number
    }) => Failing<{ readonly deliveries: readonly WebhookDelivery[]; readonly next: number | null }>
    /** Sends a delivery again, with the same message id, from its first attempt. */
    readonly replay: (deliveryId: string, now: number) => Failing<WebhookDelivery | undefined>
    /** Writes the deliveries of every event stored since the last call (any node may run it). */
    readonly catchUp: Failing<number>
    /** Claims the deliveries due at `now` for this sender. */
    readonly claimDue: (now: number) => Failing<readonly ClaimedDelivery[]>
    /** Records an attempt made at `attemptAt`: delivered, retried later, or failed for good. */
    readonly settle: (delivery: ClaimedDelivery, outcome: AttemptOutcome, attemptAt: number) => Failing<void>
  }
>()("lifeline/Webhooks") {}

const ENDPOINT_COLUMNS = "endpoint_id, url, types, created_at, created_by, disabled_at"
const DELIVERY_COLUMNS =
  "delivery_id, message_id, endpoint_id, type, status, attempts, created_at, next_attempt_at, " +
  "last_attempt_at, last_status, last_error, delivered_at, payload, seq"

const numberOrNull = (value: unknown): number | null => (value === null ? null : Number(value))

const endpointOf = (row: Row): WebhookEndpoint => ({
  endpointId: String(row[0]),
  url: String(row[1]),
  types: JSON.parse(String(row[2])) as WebhookType[],
  createdAt: Number(row[3]),
  createdBy: String(row[4]),
  disabledAt: numberOrNull(row[5]),
})

const deliveryOf = (row: Row): WebhookDelivery => {
  const status = String(row[4]) as DeliveryStatus
  return {
    deliveryId: String(row[0]),
    messageId: String(row[1]),
    endpointId: String(row[2]),
    type: String(row[3]) as WebhookType,
    status,
    attempts: Number(row[5]),
    createdAt: Number(row[6]),
    nextAttemptAt: status === "pending" ? Number(row[7]) : null,
    lastAttemptAt: numberOrNull(row[8]),
    lastStatus: numberOrNull(row[9]),
    lastError: row[10] === null ? null : String(row[10]),
    deliveredAt: numberOrNull(row[11]),
    payload: String(row[12]),
    seq: Number(row[13]),
  }
}

/** An endpoint subscribed when the event happened (events without a time count as now). */
const receives = (endpoint: WebhookEndpoint, type: WebhookType, event: CenterEvent) => {
  const at = (event as { readonly at?: unknown }).at
  return endpoint.types.includes(type) && (typeof at !== "number" || at >= endpoint.createdAt)
}

/** The webhooks read model: loads the live endpoints, writes one pending row per subscription. */
export const webhooksProjection: SqlProjection<readonly WebhookEndpoint[]> = {
  name: WEBHOOKS_PROJECTION,
  label: "webhooks",
  load: (client) =>
    Effect.map(
      run("read webhook endpoints", () =>
        client.execute(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE disabled_at IS NULL`),
      ),
      (result) => result.rows.map(endpointOf),
    ),
  writes: (endpoints, events, firstVersion) => {
    if (endpoints.length === 0) return []
    const statements: InStatement[] = []
    events.forEach((event, i) => {
      const type = webhookTypeOf(event)
      if (type === undefined) return
      const seq = firstVersion + i
      const at = (event as { readonly at?: unknown }).at
      const payload = webhookPayload(type, event)
      for (const endpoint of endpoints)
        if (receives(endpoint, type, event))
          statements.push({
            sql:
              "INSERT INTO webhook_deliveries (delivery_id, message_id, endpoint_id, seq, type, payload, " +
              "created_at, status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, 0) " +
              "ON CONFLICT (delivery_id) DO NOTHING",
            args: [
              `${endpoint.endpointId}.${seq}`,
              `msg_${seq}`,
              endpoint.endpointId,
              seq,
              type,
              payload,
              typeof at === "number" ? at : endpoint.createdAt,
            ],
          })
    })
    return statements
  },
}

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`

export const makeLibsqlWebhooks = (client: Client): Effect.Effect<Webhooks["Service"]> =>
  Effect.gen(function* () {
    const catchUp = yield* makeSqlProjector(client, webhooksProjection)
    const execute = (action: string, statement: InStatement) => run(action, () => client.execute(statement))
    const readDelivery = (deliveryId: string) =>
      Effect.map(
        execute("read a webhook delivery", {
          sql: `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE delivery_id = ?`,
          args: [deliveryId],
        }),
        (result) => (result.rows[0] === undefined ? undefined : deliveryOf(result.rows[0])),
      )
    return {
      register: ({ url, types, createdBy, now }) => {
        const endpoint: WebhookEndpoint = {
          endpointId: `whe_${randomUUID().replaceAll("-", "")}`,
          url,
          types: [...types],
          createdAt: now,
          createdBy,
          disabledAt: null,
        }
        const secret = newSecret()
        return Effect.as(
          execute("register a webhook endpoint", {
            sql:
              "INSERT INTO webhook_endpoints (endpoint_id, url, types, secret, created_at, created_by) " +
              "VALUES (?, ?, ?, ?, ?, ?)",
            args: [endpoint.endpointId, url, JSON.stringify(types), secret, now, createdBy],
          }),
          { ...endpoint, secret },
        )
      },
      endpoints: () =>
        Effect.map(
          execute(
            "list webhook endpoints",
            `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at`,
          ),
          (result) => result.rows.map(endpointOf),
        ),
      remove: (endpointId, now) =>
        Effect.map(
          run("remove a webhook endpoint", () =>
            client.batch(
              [
                {
                  sql: "UPDATE webhook_endpoints SET disabled_at = ? WHERE endpoint_id = ? AND disabled_at IS NULL",
                  args: [now, endpointId],
                },
                {
                  sql:
                    "UPDATE webhook_deliveries SET status = 'cancelled', claimed_until = NULL " +
                    "WHERE endpoint_id = ? AND status = 'pending'",
                  args: [endpointId],
                },
                {
                  sql: `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE endpoint_id = ?`,
                  args: [endpointId],
                },
              ],
              "write",
            ),
          ),
          (results) => {
            const row = results[2]?.rows[0]
            return row === undefined ? undefined : endpointOf(row)
          },
        ),
      deliveries: ({ endpointId, before, limit }) =>
        Effect.map(
          execute("read webhook deliveries", {
            sql:
              `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = ? AND seq < ? ` +
              "ORDER BY seq DESC LIMIT ?",
            args: [endpointId, before ?? Number.MAX_SAFE_INTEGER, limit + 1],
          }),
          (result) => {
            const page = splitPage(result.rows, limit, deliveryOf, (last) => last.seq)
            return { deliveries: page.records, next: page.next }
          },
        ),
      replay: (deliveryId, now) =>
        Effect.andThen(
          execute("replay a webhook delivery", {
            sql:
              "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, " +
              "claimed_until = NULL WHERE delivery_id = ? AND status != 'cancelled'",
            args: [now, deliveryId],
          }),
          readDelivery(deliveryId),
        ),
      catchUp,
      claimDue: (now) =>
        Effect.gen(function* () {
          const claimed = yield* execute("claim webhook deliveries", {
            sql:
              "UPDATE webhook_deliveries SET claimed_until = ?, attempts = attempts + 1, last_attempt_at = ? " +
              "WHERE delivery_id IN (SELECT delivery_id FROM webhook_deliveries WHERE status = 'pending' " +
              "AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) " +
              "ORDER BY next_attempt_at, seq LIMIT ?) RETURNING delivery_id",
            args: [now + CLAIM_MS, now, now, now, CLAIM_BATCH],
          })
          const ids = claimed.rows.map((row) => String(row[0]))
          if (ids.length === 0) return []
          const rows = yield* execute("read claimed webhook deliveries", {
            sql:
              "SELECT d.delivery_id, d.message_id, e.url, e.secret, d.payload, d.attempts FROM webhook_deliveries d " +
              `JOIN webhook_endpoints e ON e.endpoint_id = d.endpoint_id WHERE d.delivery_id IN ${placeholders(ids.length)} ` +
              "ORDER BY d.seq",
            args: ids,
          })
          return rows.rows.map(
            (row): ClaimedDelivery => ({
              deliveryId: String(row[0]),
              messageId: String(row[1]),
              url: String(row[2]),
              secret: String(row[3]),
              payload: String(row[4]),
              attempt: Number(row[5]),
            }),
          )
        }),
      settle: (delivery, outcome, attemptAt) => {
        const delivered = "status" in outcome && outcome.status >= 200 && outcome.status < 300
        const retryAfter = RETRY_AFTER_MS[delivery.attempt - 1]
        const status: DeliveryStatus = delivered
          ? "delivered"
          : retryAfter === undefined
            ? "failed"
            : "pending"
        return Effect.asVoid(
          execute("record a webhook attempt", {
            sql:
              "UPDATE webhook_deliveries SET status = ?, claimed_until = NULL, next_attempt_at = ?, last_status = ?, " +
              "last_error = ?, delivered_at = ? WHERE delivery_id = ? AND status = 'pending'",
            args: [
              status,
              attemptAt + (retryAfter ?? 0),
              "status" in outcome ? outcome.status : null,
              "error" in outcome ? outcome.error : delivered ? null : `HTTP ${outcome.status}`,
              delivered ? attemptAt : null,
              delivery.deliveryId,
            ],
          }),
        )
      },
    }
  })

/** The webhooks on their own connection to the node's database (migrated on open). */
export const LibsqlWebhooksLive = (url: string, options: LibsqlStoreOptions = {}) =>
  Layer.effect(Webhooks, Effect.flatMap(openDatabase(url, options), makeLibsqlWebhooks))
