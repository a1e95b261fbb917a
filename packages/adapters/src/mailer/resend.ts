import { Mailer, MailRejected } from "@lifeline/core/ports"
import { Duration, Effect, Layer } from "effect"
import { Resend } from "resend"

export interface ResendMailerConfig {
  readonly apiKey: string
  /** Sender, e.g. `Lifeline <alerts@lifeline.example>`; its domain must be verified at Resend. */
  readonly from: string
  /**
   * API base URL. When absent the SDK reads `RESEND_BASE_URL` from the environment at the moment
   * the mailer is made (not at import), else uses https://api.resend.com.
   */
  readonly baseUrl?: string
  readonly replyTo?: string
  readonly requestTimeoutMs?: number
}

/** Resend's error body (`{ statusCode, name, message }`); the SDK returns it instead of throwing. */
export interface ResendError {
  readonly name?: string
  readonly statusCode?: number | null
  readonly message?: string
}

/** Errors that say "later": throttling, a concurrent request with the same key, Resend's own fault. */
const TRANSIENT = new Set([
  "rate_limit_exceeded",
  "concurrent_idempotent_requests",
  "application_error",
  "internal_server_error",
])
/** 429s that will not clear within the outbox's retry horizon (minutes): an operator must act. */
const QUOTA = new Set(["daily_quota_exceeded", "monthly_quota_exceeded"])

/**
 * Whether trying the same email again later may succeed (B6). No answer at all (statusCode null:
 * the SDK's network failure) and 408/429/5xx may; a validation or auth error (400, 401, 403, 409
 * for a key reused with another body, 422) will fail the same way every time, and so does a
 * spent daily or monthly quota within the minutes the outbox keeps retrying.
 */
export const isRetryableMailError = (error: ResendError): boolean => {
  const name = error.name ?? ""
  if (QUOTA.has(name)) return false
  if (TRANSIENT.has(name)) return true
  const status = error.statusCode
  return status === null || status === undefined || status === 408 || status === 429 || status >= 500
}

const rejection = (error: ResendError) =>
  new MailRejected({
    reason:
      `resend ${error.name ?? "error"} (${error.statusCode ?? "no answer"}): ${error.message ?? ""}`.trim(),
    retryable: isRetryableMailError(error),
  })

/** The Mailer port on the Resend SDK, with the idempotency key as Resend's `Idempotency-Key`. */
export const makeResendMailer = (config: ResendMailerConfig): Mailer["Service"] => {
  const resend = new Resend(
    config.apiKey,
    config.baseUrl === undefined ? undefined : { baseUrl: config.baseUrl },
  )
  const timeoutMs = config.requestTimeoutMs ?? 10_000
  return {
    send: (mail, idempotencyKey) =>
      Effect.suspend(() => {
        if (mail.to.length === 0)
          return Effect.fail(new MailRejected({ reason: "no recipients", retryable: false }))
        const payload = {
          from: config.from,
          to: [...mail.to],
          subject: mail.subject,
          text: mail.text,
          ...(config.replyTo === undefined ? {} : { replyTo: config.replyTo }),
        }
        return Effect.tryPromise({
          try: (signal) => resend.emails.send(payload, { idempotencyKey, signal }),
          // The SDK turns HTTP and network failures into values; a throw is unexpected, so "later".
          catch: (error) => new MailRejected({ reason: `resend: ${String(error)}`, retryable: true }),
        }).pipe(
          Effect.timeoutOrElse({
            duration: Duration.millis(timeoutMs),
            orElse: () =>
              Effect.fail(
                new MailRejected({ reason: `resend: no answer in ${timeoutMs} ms`, retryable: true }),
              ),
          }),
          Effect.flatMap(({ data, error }) =>
            error !== null
              ? Effect.fail(rejection(error))
              : data === null
                ? Effect.fail(new MailRejected({ reason: "resend: answer without an id", retryable: true }))
                : Effect.succeed({ id: data.id }),
          ),
        )
      }),
  }
}

export const ResendMailerLive = (config: ResendMailerConfig) =>
  Layer.sync(Mailer, () => makeResendMailer(config))
