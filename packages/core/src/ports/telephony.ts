import { Context, type Effect, Schema } from "effect"

export class TelephonyFailed extends Schema.TaggedError<TelephonyFailed>()("TelephonyFailed", {
  operation: Schema.String,
  message: Schema.String,
}) {}

/**
 * The voice provider, as routing needs it so far: connect a waiting call to the rep who
 * accepted it, and hang up. The emergency and callback issues extend it (place a call, play a
 * prompt, collect digits, lease a callback number).
 */
export class Telephony extends Context.Tag("lifeline/Telephony")<
  Telephony,
  {
    readonly connect: (callId: string, repId: string) => Effect.Effect<void, TelephonyFailed>
    readonly hangUp: (callId: string) => Effect.Effect<void, TelephonyFailed>
  }
>() {}
