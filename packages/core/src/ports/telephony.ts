import { Context, type Effect, Schema } from "effect"

export class TelephonyFailed extends Schema.TaggedError<TelephonyFailed>()("TelephonyFailed", {
  operation: Schema.String,
  message: Schema.String,
  /** True when trying again later may succeed (timeouts, 5xx, throttling). */
  retryable: Schema.Boolean,
}) {}

/**
 * What Lifeline asks of the voice provider. Every action is named by the domain and carries the
 * ids the domain chose; the adapter maps them to the provider's own (call connection ids,
 * incoming-call contexts) and sends `idempotencyKey` as the provider's repeatability id, so an
 * action repeated after a crash is done once.
 *
 * Outcomes that take time (a call answered, digits pressed, a call that fails) come back as
 * provider events through the driver's webhook, not as return values.
 */
const CallId = { callId: Schema.String }

/** W1: where a call is transferred: a queue (Lifeline routes it again) or a rep. */
const TransferTo = Schema.Union([
  Schema.Struct({ queueId: Schema.String }),
  Schema.Struct({ repId: Schema.String }),
])

/**
 * The actions, as the outbox stores them. Outcomes that take time (a call answered, digits
 * pressed, a call that fails) come back as provider events through the driver's webhook.
 */
export const TelephonyActionSchema = Schema.Union([
  /** Answer an inbound call so it can hear prompts while it waits (C3). */
  Schema.TaggedStruct("Answer", CallId),
  /** E6: send an inbound call (a PSAP callback) straight to a rep's endpoint, unanswered. */
  Schema.TaggedStruct("Redirect", { ...CallId, repId: Schema.String }),
  /** Play a text prompt to the caller (C3 offer, C4 confirmation). */
  Schema.TaggedStruct("Play", { ...CallId, prompt: Schema.String }),
  /** Play a prompt and collect one DTMF key (C3: the caller may press 1). */
  Schema.TaggedStruct("CollectDigit", { ...CallId, prompt: Schema.String, timeoutMs: Schema.Number }),
  /** Place an outbound call to a customer (C6, W1) or an emergency number (E3). */
  Schema.TaggedStruct("PlaceCall", { ...CallId, to: Schema.String, from: Schema.String }),
  /** Bridge a call to the rep who took it. */
  Schema.TaggedStruct("Connect", { ...CallId, repId: Schema.String }),
  Schema.TaggedStruct("HangUp", CallId),
  /** W1: put the caller on hold (music), and take them off it. */
  Schema.TaggedStruct("Hold", CallId),
  Schema.TaggedStruct("Unhold", CallId),
  /** W1: mute the rep's participant; unmuting is the rep's calling client's (ACS has no server unmute). */
  Schema.TaggedStruct("Mute", { ...CallId, repId: Schema.String }),
  Schema.TaggedStruct("Unmute", { ...CallId, repId: Schema.String }),
  /** W1: the rep leaves the call: to a queue (the caller stays with Lifeline) or to another rep. */
  Schema.TaggedStruct("Transfer", { ...CallId, repId: Schema.String, to: TransferTo }),
])

/**
 * What Lifeline asks of the voice provider. Every action is named by the domain and carries the
 * ids the domain chose; the adapter maps them to the provider's own (call connection ids,
 * incoming-call contexts) and sends `idempotencyKey` as the provider's repeatability id, so an
 * action repeated after a crash is done once.
 */
export type TelephonyAction = typeof TelephonyActionSchema.Type

export class Telephony extends Context.Service<
  Telephony,
  {
    readonly perform: (
      action: TelephonyAction,
      idempotencyKey: string,
    ) => Effect.Effect<void, TelephonyFailed>
  }
>()("lifeline/Telephony") {}
