import { Schema } from "effect"
import { Id, IssuedId } from "../ids"
import { tagsOf } from "../kernel/tags"

/**
 * W1 (issue 19): what a rep does with a call it has: a routed call it accepted, or an ordinary
 * outbound call it placed. `repId` is the rep whose leg it is (a rep acts for itself, an admin
 * names the rep); the call is the provider's id. Schemas are the edge validation (N3); whether
 * the call is in a state that allows the action is decided against the state.
 */
const Leg = { callId: IssuedId, repId: Id }

export const HoldCall = Schema.TaggedStruct("HoldCall", Leg)
export const ResumeCall = Schema.TaggedStruct("ResumeCall", Leg)
export const MuteCall = Schema.TaggedStruct("MuteCall", Leg)
export const UnmuteCall = Schema.TaggedStruct("UnmuteCall", Leg)
/** The rep hangs up; wrap-up follows. */
export const EndCall = Schema.TaggedStruct("EndCall", Leg)

/** W1: where a transferred call goes: a queue (routed again) or a rep (offered to it). */
export const TransferTarget = Schema.Union([Schema.Struct({ queueId: Id }), Schema.Struct({ repId: Id })])
export type TransferTarget = typeof TransferTarget.Type

export const TransferCall = Schema.TaggedStruct("TransferCall", { ...Leg, to: TransferTarget })

export const DISPOSITIONS = ["resolved", "follow_up", "escalated", "wrong_number", "other"] as const
export const Disposition = Schema.Literals(DISPOSITIONS)
export type Disposition = typeof Disposition.Type
/** W1: the longest wrap-up note. */
export const WRAP_UP_NOTES_MAX = 4000

/** W1: the rep's wrap-up of an ended call: stored in the event log, never in logs or spans. */
export const RecordWrapUp = Schema.TaggedStruct("RecordWrapUp", {
  ...Leg,
  disposition: Disposition,
  notes: Schema.String.check(Schema.isMaxLength(WRAP_UP_NOTES_MAX)),
})

/**
 * W1: the rep calls a customer. `to` is E.164, or a short dial string so that an emergency
 * number is refused by name (E8: those go through the emergency dial, never here); `from` is the
 * caller id the node is configured with.
 */
export const PlaceOutboundCall = Schema.TaggedStruct("PlaceOutboundCall", {
  repId: Id,
  to: Schema.String.check(Schema.isMaxLength(32)),
  from: Schema.String.check(Schema.isMaxLength(32)),
})

export const CallCommand = Schema.Union([
  HoldCall,
  ResumeCall,
  MuteCall,
  UnmuteCall,
  EndCall,
  TransferCall,
  RecordWrapUp,
  PlaceOutboundCall,
])
export type CallCommand = typeof CallCommand.Type

export const CALL_COMMAND_TAGS: ReadonlySet<string> = tagsOf(CallCommand.members)
