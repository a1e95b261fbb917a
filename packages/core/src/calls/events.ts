import { Schema } from "effect"
import { Disposition } from "./commands"

const S = Schema.String
const N = Schema.Number
const Leg = { callId: S, repId: S, at: N }

export const CallEndedBy = Schema.Literals(["caller", "rep", "transfer", "failed"])
export type CallEndedBy = typeof CallEndedBy.Type

/** W1: where a call was transferred, as stored. */
const TransferredTo = Schema.Union([Schema.Struct({ queueId: S }), Schema.Struct({ repId: S })])

/**
 * W1 (issue 19): the calls module's events, by tag (docs/events.md). One per change of a rep's
 * call, so the rep's live stream hears each; the web app refetches the rep's calls on any tag
 * that starts with `Call`, `OutboundCall` or `WrapUp`.
 */
export const CallEventSchemas = {
  /** A rep accepted a routed call: the caller is bridged to it (the Connect action). */
  CallConnected: Schema.TaggedStruct("CallConnected", {
    ...Leg,
    itemId: S,
    from: S,
    to: S,
    queueId: S,
    attributes: Schema.Record(S, S),
    waitedMs: N,
  }),
  CallHeld: Schema.TaggedStruct("CallHeld", Leg),
  CallResumed: Schema.TaggedStruct("CallResumed", Leg),
  CallMuted: Schema.TaggedStruct("CallMuted", Leg),
  CallUnmuted: Schema.TaggedStruct("CallUnmuted", Leg),
  /** The rep's leg ended: the rep hung up, the caller did, it was transferred, or it failed. */
  CallEnded: Schema.TaggedStruct("CallEnded", { ...Leg, endedBy: CallEndedBy }),
  CallTransferred: Schema.TaggedStruct("CallTransferred", { ...Leg, to: TransferredTo }),
  /** The rep's wrap-up; the leg is done with (its record leaves the state, history keeps it). */
  WrapUpRecorded: Schema.TaggedStruct("WrapUpRecorded", { ...Leg, disposition: Disposition, notes: S }),
  OutboundCallPlaced: Schema.TaggedStruct("OutboundCallPlaced", { ...Leg, from: S, to: S }),
  /** The customer picked up an outbound call. */
  OutboundCallConnected: Schema.TaggedStruct("OutboundCallConnected", Leg),
} as const

export type CallEvent = (typeof CallEventSchemas)[keyof typeof CallEventSchemas]["Type"]
export type CallEventTag = CallEvent["_tag"]
export type CallEventOf<T extends CallEventTag> = Extract<CallEvent, { _tag: T }>
