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
export type TelephonyAction =
  /** Answer an inbound call so it can hear prompts while it waits (C3). */
  | { readonly _tag: "Answer"; readonly callId: string }
  /** E6: send an inbound call (a PSAP callback) straight to a rep's endpoint, unanswered. */
  | { readonly _tag: "Redirect"; readonly callId: string; readonly repId: string }
  /** Play a text prompt to the caller (C3 offer, C4 confirmation). */
  | { readonly _tag: "Play"; readonly callId: string; readonly prompt: string }
  /** Play a prompt and collect one DTMF key (C3: the caller may press 1). */
  | {
      readonly _tag: "CollectDigit"
      readonly callId: string
      readonly prompt: string
      readonly timeoutMs: number
    }
  /** Place an outbound call to a customer (C6) or an emergency number (E3). */
  | {
      readonly _tag: "PlaceCall"
      readonly callId: string
      readonly to: string
      readonly from: string
    }
  /** Bridge a call to the rep who took it. */
  | { readonly _tag: "Connect"; readonly callId: string; readonly repId: string }
  | { readonly _tag: "HangUp"; readonly callId: string }

export class Telephony extends Context.Service<
  Telephony,
  {
    readonly perform: (
      action: TelephonyAction,
      idempotencyKey: string,
    ) => Effect.Effect<void, TelephonyFailed>
  }
>()("lifeline/Telephony") {}
