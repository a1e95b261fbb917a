import { type WebhookDelivery, type WebhookEndpoint, Webhooks } from "@lifeline/adapters"
import { ROUTES, WEBHOOK_DELIVERY_PAGE_MAX } from "@lifeline/client"
import { InvalidField, UnknownEntity } from "@lifeline/core/kernel"
import { StoreUnavailable } from "@lifeline/core/ports"
import { Effect, Option, Schema } from "effect"
import { Hono } from "hono"
import { isLoopback } from "../auth/keys"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { DECODE_OPTIONS, decodeBody } from "../request-body"
import { readView } from "./run"

/**
 * SPEC I3 (issue 20): admins register webhook endpoints, choose their event types (never an
 * emergency one: none exists, E8), read each endpoint's delivery log and replay a delivery.
 * Messages leave through the webhooks outbox in SQL (packages/adapters/src/webhooks), signed per
 * Standard Webhooks, retried with backoff, at least once.
 */
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

const DeliveriesQuery = Schema.Struct({
  before: Schema.optionalKey(Schema.NumberFromString.check(Schema.isInt(), Schema.isGreaterThan(0))),
  limit: Schema.optionalKey(
    Schema.NumberFromString.check(
      Schema.isInt(),
      Schema.isBetween({ minimum: 1, maximum: WEBHOOK_DELIVERY_PAGE_MAX }),
    ),
  ),
})
const decodeDeliveriesQuery = Schema.decodeUnknownEffect(DeliveriesQuery, DECODE_OPTIONS)

const endpointWire = (e: WebhookEndpoint) => ({
  endpointId: e.endpointId,
  url: e.url,
  types: [...e.types],
  createdAt: new Date(e.createdAt).toISOString(),
  createdBy: e.createdBy,
  removedAt: iso(e.disabledAt),
})

const deliveryWire = (d: WebhookDelivery) => ({
  deliveryId: d.deliveryId,
  messageId: d.messageId,
  endpointId: d.endpointId,
  type: d.type,
  status: d.status,
  attempts: d.attempts,
  createdAt: new Date(d.createdAt).toISOString(),
  nextAttemptAt: iso(d.nextAttemptAt),
  lastAttemptAt: iso(d.lastAttemptAt),
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  deliveredAt: iso(d.deliveredAt),
  payload: d.payload,
})

/** The node's time (its clock port: virtual on a sandbox node), as every route reads it. */
const nodeNow = readView((_, now) => now)

/** The webhooks of this node's store; a node without a libSQL store has none. */
const webhooks = Effect.flatMap(Effect.serviceOption(Webhooks), (found) =>
  Option.isSome(found)
    ? Effect.succeed(found.value)
    : Effect.fail(new StoreUnavailable({ message: "webhooks need the libSQL store" })),
)

/** N3 and "nothing open by default": an https endpoint, or http on this machine; no credentials in it. */
const checkUrl = (raw: string) => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return Effect.fail(new InvalidField({ field: "url", message: "url is not a URL" }))
  }
  if (url.username !== "" || url.password !== "")
    return Effect.fail(new InvalidField({ field: "url", message: "url must not carry credentials" }))
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname)))
    return Effect.succeed(url.href)
  return Effect.fail(
    new InvalidField({ field: "url", message: "url must be https (http only on a loopback host)" }),
  )
}

export const webhookRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .post(
      "/",
      route("registerWebhook"),
      handle(ROUTES.registerWebhook.roles, (c, who) =>
        Effect.gen(function* () {
          const body = yield* decodeBody(c, ROUTES.registerWebhook.body)
          const url = yield* checkUrl(body.url)
          const registered = yield* (yield* webhooks).register({
            url,
            types: [...new Set(body.types)],
            createdBy: who.name,
            now: yield* nodeNow,
          })
          return c.json({ ...endpointWire(registered), secret: registered.secret }, 201)
        }),
      ),
    )
    .get(
      "/",
      route("webhooks"),
      handle(ROUTES.webhooks.roles, (c) =>
        Effect.gen(function* () {
          const endpoints = yield* (yield* webhooks).endpoints()
          return c.json({ endpoints: endpoints.map(endpointWire) })
        }),
      ),
    )
    .delete(
      "/:endpointId",
      route("removeWebhook"),
      handle(ROUTES.removeWebhook.roles, (c) =>
        Effect.gen(function* () {
          const endpointId = c.req.param("endpointId") ?? ""
          const removed = yield* (yield* webhooks).remove(endpointId, yield* nodeNow)
          if (removed === undefined)
            return yield* Effect.fail(
              new UnknownEntity({ entity: "webhook endpoint", id: endpointId, field: "endpointId" }),
            )
          return c.json(endpointWire(removed))
        }),
      ),
    )
    .get(
      "/:endpointId/deliveries",
      route("webhookDeliveries"),
      handle(ROUTES.webhookDeliveries.roles, (c) =>
        Effect.gen(function* () {
          const endpointId = c.req.param("endpointId") ?? ""
          const q = yield* decodeDeliveriesQuery(c.req.query())
          const service = yield* webhooks
          const known = (yield* service.endpoints()).some((e) => e.endpointId === endpointId)
          if (!known)
            return yield* Effect.fail(
              new UnknownEntity({ entity: "webhook endpoint", id: endpointId, field: "endpointId" }),
            )
          const page = yield* service.deliveries({
            endpointId,
            limit: q.limit ?? 50,
            ...(q.before === undefined ? {} : { before: q.before }),
          })
          return c.json({ deliveries: page.deliveries.map(deliveryWire), next: page.next })
        }),
      ),
    )
    .post(
      "/deliveries/:deliveryId/replay",
      route("replayWebhookDelivery"),
      handle(ROUTES.replayWebhookDelivery.roles, (c) =>
        Effect.gen(function* () {
          const deliveryId = c.req.param("deliveryId") ?? ""
          const replayed = yield* (yield* webhooks).replay(deliveryId, yield* nodeNow)
          if (replayed === undefined || replayed.status === "cancelled")
            return yield* Effect.fail(
              new UnknownEntity({ entity: "webhook delivery", id: deliveryId, field: "deliveryId" }),
            )
          return c.json(deliveryWire(replayed))
        }),
      ),
    )
