import { type Mail, Mailer, MailRejected } from "@lifeline/core/ports"
import { Context, Effect, Layer } from "effect"

export interface RecordedMail {
  readonly id: string
  readonly mail: Mail
  readonly idempotencyKey: string
}

/**
 * A mailer that sends nothing and remembers everything, for the demo and tests. Like Resend it
 * answers a repeated idempotency key with the first id and does not "send" again; a test can make
 * the next sends fail to see B6 retries and failure reporting. Ids come from a counter, so runs
 * are deterministic.
 */
export class RecordingMailer extends Context.Service<
  RecordingMailer,
  ReturnType<typeof makeRecordingMailer>["control"]
>()("lifeline/RecordingMailer") {}

export const makeRecordingMailer = () => {
  const sent: RecordedMail[] = []
  const byKey = new Map<string, RecordedMail>()
  const failures: { readonly reason: string; readonly retryable: boolean }[] = []
  let attempts = 0

  const mailer: Mailer["Service"] = {
    send: (mail, idempotencyKey) =>
      Effect.suspend(() => {
        attempts += 1
        const earlier = byKey.get(idempotencyKey)
        if (earlier !== undefined) return Effect.succeed({ id: earlier.id })
        const failure = failures.shift()
        if (failure !== undefined) return Effect.fail(new MailRejected(failure))
        if (mail.to.length === 0)
          return Effect.fail(new MailRejected({ reason: "no recipients", retryable: false }))
        const record = { id: `mail-${sent.length + 1}`, mail, idempotencyKey }
        sent.push(record)
        byKey.set(idempotencyKey, record)
        return Effect.succeed({ id: record.id })
      }),
  }

  const control = {
    /** Mails "delivered", once per idempotency key, in order. */
    sent: Effect.sync((): readonly RecordedMail[] => [...sent]),
    /** Every call to send, repeats and failures included. */
    attempts: Effect.sync(() => attempts),
    /** The next `times` new sends fail with this reason (a repeat of a sent key still succeeds). */
    failNext: (reason: string, retryable: boolean, times = 1) =>
      Effect.sync(() => {
        for (let i = 0; i < times; i++) failures.push({ reason, retryable })
      }),
  }
  return { mailer, control }
}

/** Provides the Mailer port and its RecordingMailer control. */
export const RecordingMailerLive = Layer.effectContext(
  Effect.sync(() => {
    const { mailer, control } = makeRecordingMailer()
    return Context.make(Mailer, mailer).pipe(Context.add(RecordingMailer, control))
  }),
)
