import { Schema } from "effect"
import { CallbackCommand } from "../callback/commands"
import { CallCommand } from "../calls/commands"
import { EmergencyCommand } from "../emergency/commands"
import { IssuedId } from "../ids"
import { tagsOf } from "../kernel/tags"
import { OutboxCommand } from "../outbox/commands"
import { RoutingCommand } from "../routing/commands"

/** The provider's ids (a call, a dial leg such as `cb-7/dial/2`): it may hold `/`. */
const Id = IssuedId
/** The provider's id of the event (CloudEvent id): a repeat of it is a no-op (N2). */
const EventId = IssuedId

/**
 * Provider events, as commands. The telephony driver (webhook) translates what the provider
 * says about a call into one of these; the center offers it to each module in turn (emergency,
 * callback, then plain routing), and the first that knows the call decides. A repeat of the same
 * `eventId` changes nothing (N2); an event about a call no module knows changes nothing either,
 * so events that arrive late or out of order are harmless.
 */
export const InboundCall = Schema.TaggedStruct("InboundCall", {
  callId: Id,
  eventId: EventId,
  /** The caller's number as the provider gives it; null when withheld (anonymous). */
  from: Schema.NullOr(Schema.String.check(Schema.isMaxLength(64))),
  /** The number that was dialled: one of ours (a queue's line or a leased callback number). */
  to: Schema.String.check(Schema.isMaxLength(64)),
  /** The workstream that serves `to` when it is an ordinary line. */
  workstreamId: Id,
})
/** The call was answered (an outbound leg picked up, or our answer took effect). */
export const CallAnswered = Schema.TaggedStruct("CallAnswered", { callId: Id, eventId: EventId })
/** The other party hung up or the call dropped. */
export const CallEnded = Schema.TaggedStruct("CallEnded", { callId: Id, eventId: EventId })
/** An outbound call could not be placed or was not answered. */
export const CallFailed = Schema.TaggedStruct("CallFailed", {
  callId: Id,
  eventId: EventId,
  reason: Schema.String.check(Schema.isMaxLength(500)),
})
/** A key the caller pressed after a CollectDigit prompt; null when none before the timeout. */
export const DigitCollected = Schema.TaggedStruct("DigitCollected", {
  callId: Id,
  eventId: EventId,
  digit: Schema.NullOr(Schema.String.check(Schema.isMaxLength(8))),
})
/** A prompt finished playing. */
export const PromptPlayed = Schema.TaggedStruct("PromptPlayed", { callId: Id, eventId: EventId })

export const ProviderCommand = Schema.Union([
  InboundCall,
  CallAnswered,
  CallEnded,
  CallFailed,
  DigitCollected,
  PromptPlayed,
])
export type ProviderCommand = typeof ProviderCommand.Type

export const PROVIDER_COMMAND_TAGS: ReadonlySet<string> = tagsOf(ProviderCommand.members)

/** Everything the contact center answers: the schema every driver validates against (N3). */
export const CenterCommand = Schema.Union([
  RoutingCommand,
  OutboxCommand,
  ProviderCommand,
  EmergencyCommand,
  CallbackCommand,
  CallCommand,
])
export type CenterCommand = typeof CenterCommand.Type
