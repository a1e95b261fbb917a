import type { WebhookType } from "@lifeline/client"
import type { CenterEvent } from "@lifeline/core/center"

/**
 * SPEC I3: the center event each webhook type of the contract (`WEBHOOK_TYPES` in
 * @lifeline/client) comes from. Only routing, offer, callback, presence and queue-threshold events are here: no
 * emergency event has a type (E8), so no webhook can carry one, whatever an endpoint asks for.
 */
export const WEBHOOK_TYPE_OF = {
  ItemQueued: "item.queued",
  ItemEscalated: "item.escalated",
  ItemRequeued: "item.requeued",
  ItemHeld: "item.held",
  ItemResumed: "item.resumed",
  ItemTransferred: "item.transferred",
  ItemAbandoned: "item.abandoned",
  ItemClosed: "item.closed",
  WorkCompleted: "item.completed",
  OfferMade: "offer.made",
  OfferAccepted: "offer.accepted",
  OfferDeclined: "offer.declined",
  OfferExpired: "offer.expired",
  OfferWithdrawn: "offer.withdrawn",
  CallbackRequested: "callback.requested",
  CallbackJoined: "callback.joined",
  CallbackOffered: "callback.offered",
  CallbackDialed: "callback.dialed",
  CallbackConnected: "callback.connected",
  // W1: the customer of a connected callback hung up (the rep still completes the work).
  CallbackCallEnded: "callback.call_ended",
  CallbackAttemptFailed: "callback.attempt_failed",
  // I2: an integrator's cancel (CallbackClosed follows) and a moved window with its new deadline.
  // CallbackRefused has no type: it records an internal refusal, the callback stays as it was and
  // its end (callback.closed) says how it went.
  CallbackCancelled: "callback.cancelled",
  CallbackRescheduled: "callback.rescheduled",
  CallbackClosed: "callback.closed",
  PresenceChanged: "presence.changed",
  OverflowApplied: "queue.overflow_applied",
} as const satisfies Partial<Record<CenterEvent["_tag"], WebhookType>>

/** Every type of the contract (@lifeline/client) comes from an event: a type nothing sends fails to compile. */
const everyTypeSent: Record<
  Exclude<WebhookType, (typeof WEBHOOK_TYPE_OF)[keyof typeof WEBHOOK_TYPE_OF]>,
  never
> = {}
void everyTypeSent

/** The webhook type of a center event, if integrators can receive it. */
export const webhookTypeOf = (event: CenterEvent): WebhookType | undefined =>
  (WEBHOOK_TYPE_OF as Partial<Record<string, WebhookType>>)[event._tag]

/**
 * The body of one message, as the Standard Webhooks spec shapes it: `type`, `timestamp` (when it
 * happened, ISO 8601) and `data` (the event's fields).
 */
export const webhookPayload = (type: WebhookType, event: CenterEvent): string => {
  const { _tag: _, ...data } = event as CenterEvent & { readonly at?: number }
  const at = (event as { readonly at?: unknown }).at
  return JSON.stringify({
    type,
    timestamp: typeof at === "number" ? new Date(at).toISOString() : null,
    data,
  })
}
