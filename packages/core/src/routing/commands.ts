import { Schema } from "effect"
import { Audited } from "../audit/actor"
import { Id, IssuedId } from "../ids"
import { BasePresence } from "./presence"
import { AssignmentMethod, OperatingHours } from "./queue"
import { RouteRule } from "./workstream"

/**
 * Commands are the only way to change routing state. Their schemas are the validation every
 * driver applies at its edge (N3); rules that need the state (unknown ids, duplicates) are
 * checked by `decide`. Ids follow the one rule (ids.ts): `Id` where the client chooses the id,
 * `IssuedId` where it names what Lifeline or the provider made (an offer, a call's item).
 */
const Label = Schema.Trimmed.check(Schema.isNonEmpty(), Schema.isMaxLength(200))
const Units = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 }))
const Priority = Schema.Int.check(Schema.isBetween({ minimum: -1000, maximum: 1000 }))
const Millis = (min: number, max: number) =>
  Schema.Int.check(Schema.isBetween({ minimum: min, maximum: max }))
const AttributesSchema = Schema.Record(Schema.String, Schema.String)

export const DefinePresence = Schema.TaggedStruct("DefinePresence", {
  presenceId: Id,
  label: Label,
  base: BasePresence,
})

export const RegisterRep = Schema.TaggedStruct("RegisterRep", {
  repId: Id,
  name: Label,
  presenceId: Schema.optionalKey(Id),
  /** R2: units per capacity profile, e.g. { voice: 1 }. */
  capacity: Schema.Record(Id, Units),
})

export const SetPresence = Schema.TaggedStruct("SetPresence", { repId: Id, presenceId: Id })

/** R2: new totals for some of a rep's capacity profiles (others stay); 0 takes a profile away. */
export const SetRepCapacity = Schema.TaggedStruct("SetRepCapacity", {
  repId: Id,
  capacity: Schema.Record(Id, Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1000 }))),
})

export const CreateQueue = Schema.TaggedStruct("CreateQueue", {
  ...Audited,
  queueId: Id,
  name: Label,
  priority: Schema.optionalKey(Priority),
  assignment: Schema.optionalKey(AssignmentMethod),
  profile: Schema.optionalKey(Id),
  units: Schema.optionalKey(Units),
  members: Schema.optionalKey(Schema.Array(Id)),
  offerTimeoutMs: Schema.optionalKey(Millis(1_000, 600_000)),
  declineLimit: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 }))),
  agingStepMs: Schema.optionalKey(Schema.NullOr(Millis(1_000, 86_400_000))),
  defaultHandleTimeMs: Schema.optionalKey(Millis(1_000, 86_400_000)),
  operatingHours: Schema.optionalKey(Schema.NullOr(OperatingHours)),
})

export const AddQueueMember = Schema.TaggedStruct("AddQueueMember", { ...Audited, queueId: Id, repId: Id })
export const RemoveQueueMember = Schema.TaggedStruct("RemoveQueueMember", {
  ...Audited,
  queueId: Id,
  repId: Id,
})

/** Issue 19: a queue's service-level goal: this share of calls answered within this time. */
export const SetQueueServiceLevelTarget = Schema.TaggedStruct("SetQueueServiceLevelTarget", {
  ...Audited,
  queueId: Id,
  share: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  thresholdMs: Millis(1_000, 3_600_000),
})

export const DefineWorkstream = Schema.TaggedStruct("DefineWorkstream", {
  ...Audited,
  workstreamId: Id,
  name: Label,
  rules: Schema.Array(RouteRule),
  fallbackQueueId: Id,
})

/** A work item straight into a queue. */
export const EnqueueItem = Schema.TaggedStruct("EnqueueItem", {
  itemId: Id,
  queueId: Id,
  priority: Schema.optionalKey(Priority),
  attributes: Schema.optionalKey(AttributesSchema),
})

/** R6: an incoming item that the workstream's rules place in a queue. */
export const RouteIncoming = Schema.TaggedStruct("RouteIncoming", {
  itemId: Id,
  workstreamId: Id,
  priority: Schema.optionalKey(Priority),
  attributes: Schema.optionalKey(AttributesSchema),
})

export const AcceptOffer = Schema.TaggedStruct("AcceptOffer", { offerId: IssuedId, repId: Id })
export const DeclineOffer = Schema.TaggedStruct("DeclineOffer", { offerId: IssuedId, repId: Id })
/** Sent by the offer's timer; a late or repeated one changes nothing. */
export const ExpireOffer = Schema.TaggedStruct("ExpireOffer", { offerId: IssuedId })
export const CompleteWork = Schema.TaggedStruct("CompleteWork", { itemId: IssuedId, repId: Id })
/** The caller hung up before a rep took the call. */
export const AbandonItem = Schema.TaggedStruct("AbandonItem", { itemId: IssuedId })
/** A supervisor puts an escalated item back into automatic distribution. */
export const RequeueItem = Schema.TaggedStruct("RequeueItem", { itemId: IssuedId })
/**
 * The rep hands assigned work back for later: the rep is freed and the item waits outside
 * distribution, keeping its age, until `ResumeItem` (B1: a callback waiting for its retry).
 */
export const HoldItem = Schema.TaggedStruct("HoldItem", { itemId: IssuedId, repId: Id })
/** A held item returns to its queue with its original age and place. */
export const ResumeItem = Schema.TaggedStruct("ResumeItem", { itemId: IssuedId })
/** A waiting or escalated item moves to another queue, keeping its age (C1 overflow transfer). */
export const TransferItem = Schema.TaggedStruct("TransferItem", { itemId: IssuedId, queueId: Id })
/**
 * W1 (issue 19): offer a waiting or held item to one named rep (a call transferred to a
 * colleague), who must be in a queue and able to take it now (presence that takes work, capacity
 * free: reads.ts `whyRepCannotTake`). The offer expires like any (R4); declined or expired, the
 * item waits in its queue again with its age and priority, as after any refusal.
 */
export const OfferItemTo = Schema.TaggedStruct("OfferItemTo", { itemId: IssuedId, repId: Id })
/**
 * The item leaves for a reason other than a caller's hang-up or a rep's completion (C1
 * voicemail or end call, C8 expiry, B1 unreachable); a pending offer is withdrawn first.
 */
export const CloseItem = Schema.TaggedStruct("CloseItem", {
  itemId: IssuedId,
  reason: Schema.Trimmed.check(Schema.isNonEmpty(), Schema.isMaxLength(64)),
})

export const RoutingCommand = Schema.Union([
  DefinePresence,
  RegisterRep,
  SetPresence,
  SetRepCapacity,
  CreateQueue,
  AddQueueMember,
  RemoveQueueMember,
  SetQueueServiceLevelTarget,
  DefineWorkstream,
  EnqueueItem,
  RouteIncoming,
  AcceptOffer,
  DeclineOffer,
  ExpireOffer,
  CompleteWork,
  AbandonItem,
  RequeueItem,
  HoldItem,
  ResumeItem,
  TransferItem,
  OfferItemTo,
  CloseItem,
])
export type RoutingCommand = typeof RoutingCommand.Type
