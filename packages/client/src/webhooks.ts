import { Schema } from "effect"

/**
 * SPEC I3 (issue 20): the webhook contract. The event types an endpoint can subscribe to (one per
 * center event an integrator may hear of: never an emergency one, E8), what an admin sends to
 * register an endpoint, and what the API answers about endpoints and deliveries.
 */
export const WEBHOOK_TYPES = [
  "item.queued",
  "item.escalated",
  "item.requeued",
  "item.held",
  "item.resumed",
  "item.transferred",
  "item.abandoned",
  "item.closed",
  "item.completed",
  "offer.made",
  "offer.accepted",
  "offer.declined",
  "offer.expired",
  "offer.withdrawn",
  "callback.requested",
  "callback.joined",
  "callback.offered",
  "callback.dialed",
  "callback.connected",
  "callback.call_ended",
  "callback.attempt_failed",
  "callback.cancelled",
  "callback.rescheduled",
  "callback.closed",
  "presence.changed",
  "queue.overflow_applied",
] as const

export type WebhookType = (typeof WEBHOOK_TYPES)[number]

export const WebhookTypeSchema = Schema.Literals(WEBHOOK_TYPES)

/** The most deliveries one page of an endpoint's log holds. */
export const WEBHOOK_DELIVERY_PAGE_MAX = 200

const withId = <S extends Schema.Top>(id: string, description: string, schema: S): S =>
  schema.annotate({ identifier: id, description }) as S

const NullableStr = Schema.NullOr(Schema.String)

export const RegisterWebhook = Schema.Struct({
  url: Schema.String.annotate({ description: "https URL (http only on a loopback host), no credentials" }),
  types: Schema.Array(WebhookTypeSchema).check(Schema.isMinLength(1)),
})

const endpointFields = {
  endpointId: Schema.String,
  url: Schema.String,
  types: Schema.Array(WebhookTypeSchema),
  createdAt: Schema.String,
  createdBy: Schema.String,
  removedAt: NullableStr,
}

export const WebhookEndpoint = withId(
  "WebhookEndpoint",
  "A webhook endpoint, never its secret; times in ISO 8601.",
  Schema.Struct(endpointFields),
)

export const RegisteredWebhook = withId(
  "RegisteredWebhook",
  "A new endpoint with its Standard Webhooks signing secret (whsec_…), shown in this answer only.",
  Schema.Struct({ ...endpointFields, secret: Schema.String }),
)

export const WebhookEndpoints = Schema.Struct({ endpoints: Schema.Array(WebhookEndpoint) })

export const WebhookDelivery = withId(
  "WebhookDelivery",
  "One message to one endpoint: `messageId` is the webhook-id header, the same on every retry and replay.",
  Schema.Struct({
    deliveryId: Schema.String,
    messageId: Schema.String,
    endpointId: Schema.String,
    type: WebhookTypeSchema,
    status: Schema.Literals(["pending", "delivered", "failed", "cancelled"]),
    attempts: Schema.Finite,
    createdAt: Schema.String,
    nextAttemptAt: NullableStr,
    lastAttemptAt: NullableStr,
    lastStatus: Schema.NullOr(Schema.Finite),
    lastError: NullableStr,
    deliveredAt: NullableStr,
    payload: Schema.String,
  }),
)

export const WebhookDeliveries = Schema.Struct({
  deliveries: Schema.Array(WebhookDelivery),
  next: Schema.NullOr(Schema.Finite),
})
