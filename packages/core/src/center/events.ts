import { Schema } from "effect"
import { CallbackEventSchemas } from "../callback/events"
import { CallEventSchemas } from "../calls/events"
import { EmergencyEventSchemas } from "../emergency/events"
import { OutboxEventSchemas } from "../outbox/events"
import { RoutingEventSchemas } from "../routing/events"

/** N2: a provider event was acted on; its id is remembered so a repeat is a no-op. */
const ProviderEventHandledSchema = Schema.TaggedStruct("ProviderEventHandled", {
  eventId: Schema.String,
  at: Schema.Number,
})
export type ProviderEventHandled = typeof ProviderEventHandledSchema.Type

const ALL_SCHEMAS = {
  ...RoutingEventSchemas,
  ...OutboxEventSchemas,
  ...EmergencyEventSchemas,
  ...CallbackEventSchemas,
  ...CallEventSchemas,
  ProviderEventHandled: ProviderEventHandledSchema,
} as const

/** The one event stream of a contact center: every module's events, in append order. */
export type CenterEvent = (typeof ALL_SCHEMAS)[keyof typeof ALL_SCHEMAS]["Type"]

export type CenterEventTag = CenterEvent["_tag"]
export type CenterEventOf<T extends CenterEventTag> = Extract<CenterEvent, { _tag: T }>

/**
 * Every center event's Schema by its tag (issue 22, Build 2; docs/events.md): a stored event
 * is decoded by looking up its `_tag` here, one member schema, not by trying a union's members
 * in turn. The type makes a tag without a schema, or a schema filed under another tag, a
 * compile error.
 */
export const CENTER_EVENT_SCHEMAS: {
  readonly [T in CenterEventTag]: Schema.Codec<CenterEventOf<T>, CenterEventOf<T>>
} = ALL_SCHEMAS

/** Every tag of the center's stream, once. */
export const CENTER_EVENT_TAGS: readonly CenterEventTag[] = Object.keys(
  CENTER_EVENT_SCHEMAS,
) as CenterEventTag[]
