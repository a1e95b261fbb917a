import { Context, type Effect, Schema } from "effect"

export class MailRejected extends Schema.TaggedError<MailRejected>()("MailRejected", {
  reason: Schema.String,
  retryable: Schema.Boolean,
}) {}

export interface Mail {
  readonly to: readonly string[]
  readonly subject: string
  readonly text: string
}

/** Email out. The idempotency key makes a resend after a crash a no-op at the provider. */
export class Mailer extends Context.Service<
  Mailer,
  {
    readonly send: (
      mail: Mail,
      idempotencyKey: string,
    ) => Effect.Effect<{ readonly id: string }, MailRejected>
  }
>()("lifeline/Mailer") {}
