import type { CallbackEvent } from "../callback/events"
import type { EmergencyEvent } from "../emergency/events"
import type { OutboxEvent } from "../outbox/events"
import type { RoutingEvent } from "../routing/events"

/** N2: a provider event was acted on; its id is remembered so a repeat is a no-op. */
export type ProviderEventHandled = {
  readonly _tag: "ProviderEventHandled"
  readonly eventId: string
  readonly at: number
}

/** The one event stream of a contact center: every module's events, in append order. */
export type CenterEvent = RoutingEvent | OutboxEvent | EmergencyEvent | CallbackEvent | ProviderEventHandled
