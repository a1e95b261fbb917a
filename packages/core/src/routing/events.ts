import { Schema } from "effect"
import { Audited } from "../audit/actor"
import { AuditStampFields, type SameShape } from "../center/event-schemas"
import { BasePresence, type PresenceDefinition } from "./presence"
import { AssignmentMethod, OperatingHours, type QueueConfig } from "./queue"
import { type Attributes, RouteRule, type Workstream } from "./workstream"

/**
 * What happened, as plain JSON-safe data. `evolve` rebuilds the whole routing state from these
 * alone, so they carry every value a decision used (times included).
 *
 * Each event is an Effect Schema (issue 22, Build 2: a stored event is decoded, not cast, on
 * every load; docs/events.md), and the types below are derived from them. The schemas state
 * the stored shape, not a command's limits: ids are plain strings, so an event a
 * decision once accepted is never refused on replay because a limit changed since.
 */

/** Shared field sets; the checks at the end of the file keep them equal to the domain types. */
const PresenceDefinitionFields = { presenceId: Schema.String, label: Schema.String, base: BasePresence }
const QueueConfigFields = {
  queueId: Schema.String,
  name: Schema.String,
  priority: Schema.Number,
  assignment: AssignmentMethod,
  profile: Schema.String,
  units: Schema.Number,
  offerTimeoutMs: Schema.Number,
  declineLimit: Schema.Number,
  agingStepMs: Schema.NullOr(Schema.Number),
  defaultHandleTimeMs: Schema.Number,
  operatingHours: Schema.NullOr(OperatingHours),
}
const WorkstreamFields = {
  workstreamId: Schema.String,
  name: Schema.String,
  rules: Schema.Array(RouteRule),
  fallbackQueueId: Schema.String,
}
const AttributesSchema = Schema.Record(Schema.String, Schema.String)
const Capacity = Schema.Record(Schema.String, Schema.Number)
const OfferFields = { offerId: Schema.String, itemId: Schema.String, repId: Schema.String, at: Schema.Number }

/** Every routing event, by tag (the center's tag -> schema map is built from these). */
export const RoutingEventSchemas = {
  PresenceDefined: Schema.TaggedStruct("PresenceDefined", PresenceDefinitionFields),
  RepRegistered: Schema.TaggedStruct("RepRegistered", {
    repId: Schema.String,
    name: Schema.String,
    presenceId: Schema.String,
    capacity: Capacity,
    at: Schema.Number,
  }),
  PresenceChanged: Schema.TaggedStruct("PresenceChanged", {
    repId: Schema.String,
    from: Schema.String,
    to: Schema.String,
    at: Schema.Number,
  }),
  /** R2: the rep's totals for these profiles are now these (used units are unchanged). */
  RepCapacitySet: Schema.TaggedStruct("RepCapacitySet", {
    repId: Schema.String,
    capacity: Capacity,
    at: Schema.Number,
  }),
  /** Queue and workstream set-up, stamped for the audit trail (older events carry no stamp). */
  QueueCreated: Schema.TaggedStruct("QueueCreated", {
    members: Schema.Array(Schema.String),
    ...QueueConfigFields,
    ...AuditStampFields,
  }),
  QueueMemberAdded: Schema.TaggedStruct("QueueMemberAdded", {
    queueId: Schema.String,
    repId: Schema.String,
    ...AuditStampFields,
  }),
  QueueMemberRemoved: Schema.TaggedStruct("QueueMemberRemoved", {
    queueId: Schema.String,
    repId: Schema.String,
    ...AuditStampFields,
  }),
  /** Issue 19: the queue's service-level goal is now this (stamped: a new event always is). */
  QueueServiceLevelTargetSet: Schema.TaggedStruct("QueueServiceLevelTargetSet", {
    queueId: Schema.String,
    share: Schema.Number,
    thresholdMs: Schema.Number,
    at: Schema.Number,
    ...Audited,
  }),
  WorkstreamDefined: Schema.TaggedStruct("WorkstreamDefined", { ...WorkstreamFields, ...AuditStampFields }),
  ItemQueued: Schema.TaggedStruct("ItemQueued", {
    itemId: Schema.String,
    queueId: Schema.String,
    priority: Schema.Number,
    attributes: AttributesSchema,
    at: Schema.Number,
    /** R6: set when a workstream rule placed the item. */
    via: Schema.NullOr(Schema.Struct({ workstreamId: Schema.String, ruleId: Schema.NullOr(Schema.String) })),
  }),
  OfferMade: Schema.TaggedStruct("OfferMade", {
    ...OfferFields,
    expiresAt: Schema.Number,
    /**
     * W1: the rep was named (`OfferItemTo`, a transfer to a colleague), not picked by the
     * dispatcher, so R3's service order does not apply to this offer. Absent on the dispatcher's.
     */
    directed: Schema.optionalKey(Schema.Literal(true)),
  }),
  OfferAccepted: Schema.TaggedStruct("OfferAccepted", OfferFields),
  OfferDeclined: Schema.TaggedStruct("OfferDeclined", OfferFields),
  OfferExpired: Schema.TaggedStruct("OfferExpired", OfferFields),
  /** The caller hung up while the offer was ringing. */
  OfferWithdrawn: Schema.TaggedStruct("OfferWithdrawn", OfferFields),
  ItemEscalated: Schema.TaggedStruct("ItemEscalated", {
    itemId: Schema.String,
    reason: Schema.Literal("decline_limit"),
    at: Schema.Number,
  }),
  ItemRequeued: Schema.TaggedStruct("ItemRequeued", { itemId: Schema.String, at: Schema.Number }),
  WorkCompleted: Schema.TaggedStruct("WorkCompleted", {
    itemId: Schema.String,
    repId: Schema.String,
    handleMs: Schema.Number,
    at: Schema.Number,
  }),
  ItemAbandoned: Schema.TaggedStruct("ItemAbandoned", { itemId: Schema.String, at: Schema.Number }),
  /** Assigned work handed back for later: the rep is freed, the item keeps its age (B1). */
  ItemHeld: Schema.TaggedStruct("ItemHeld", {
    itemId: Schema.String,
    repId: Schema.String,
    at: Schema.Number,
  }),
  /** A held item is back in its queue, at its original place. */
  ItemResumed: Schema.TaggedStruct("ItemResumed", { itemId: Schema.String, at: Schema.Number }),
  /** The item now waits in `toQueueId`, with its original arrival time (C1 transfer). */
  ItemTransferred: Schema.TaggedStruct("ItemTransferred", {
    itemId: Schema.String,
    fromQueueId: Schema.String,
    toQueueId: Schema.String,
    at: Schema.Number,
  }),
  /** The item left for `reason` (not a hang-up, not completed); `repId` is freed if it had one. */
  ItemClosed: Schema.TaggedStruct("ItemClosed", {
    itemId: Schema.String,
    reason: Schema.String,
    repId: Schema.NullOr(Schema.String),
    at: Schema.Number,
  }),
} as const

export type RoutingEvent = (typeof RoutingEventSchemas)[keyof typeof RoutingEventSchemas]["Type"]
export type RoutingEventTag = RoutingEvent["_tag"]
export type EventOf<T extends RoutingEventTag> = Extract<RoutingEvent, { _tag: T }>

/** Every routing event tag, once (the center applies these). */
export const ROUTING_EVENT_TAGS: ReadonlySet<string> = new Set(Object.keys(RoutingEventSchemas))

/** The field sets above describe exactly the domain's types (a drift is a compile error). */
const sameShapes: [
  SameShape<Schema.Struct.Type<typeof PresenceDefinitionFields>, PresenceDefinition>,
  SameShape<Schema.Struct.Type<typeof QueueConfigFields>, QueueConfig>,
  SameShape<Schema.Struct.Type<typeof WorkstreamFields>, Workstream>,
  SameShape<typeof AttributesSchema.Type, Attributes>,
] = [true, true, true, true]
void sameShapes
