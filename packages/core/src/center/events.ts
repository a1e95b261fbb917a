import { CALLBACK_EVENT_TAGS, type CallbackEvent } from "../callback/events"
import { EMERGENCY_EVENT_TAGS, type EmergencyEvent } from "../emergency/events"
import { OUTBOX_EVENT_TAGS, type OutboxEvent } from "../outbox/events"
import { ROUTING_EVENT_TAGS, type RoutingEvent } from "../routing/events"

/** N2: a provider event was acted on; its id is remembered so a repeat is a no-op. */
export type ProviderEventHandled = {
  readonly _tag: "ProviderEventHandled"
  readonly eventId: string
  readonly at: number
}

/** The one event stream of a contact center: every module's events, in append order. */
export type CenterEvent = RoutingEvent | OutboxEvent | EmergencyEvent | CallbackEvent | ProviderEventHandled

export type CenterEventTag = CenterEvent["_tag"]

/** Every tag of the center's stream, once. */
export const CENTER_EVENT_TAGS: readonly CenterEventTag[] = [
  ...(ROUTING_EVENT_TAGS as ReadonlySet<CenterEventTag>),
  ...(OUTBOX_EVENT_TAGS as ReadonlySet<CenterEventTag>),
  ...(EMERGENCY_EVENT_TAGS as ReadonlySet<CenterEventTag>),
  ...(CALLBACK_EVENT_TAGS as ReadonlySet<CenterEventTag>),
  "ProviderEventHandled",
]
