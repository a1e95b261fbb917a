import { Schema } from "effect"

/**
 * B1: a callback whose customer does not answer (or whose call fails) is tried again after a
 * delay, up to a number of attempts; a rep declining the offer is not an attempt.
 */
export const RetryPolicy = Schema.Struct({
  delayMs: Schema.Int.check(Schema.isBetween({ minimum: 10_000, maximum: 86_400_000 })),
  maxAttempts: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 10 })),
})
export type RetryPolicy = typeof RetryPolicy.Type

export const DEFAULT_RETRY: RetryPolicy = { delayMs: 5 * 60_000, maxAttempts: 3 }

/** Ring-no-answer: a dial not answered within this time is a failed attempt (and hung up). */
export const RING_TIMEOUT_MS = 60_000

/**
 * After failed attempt number `attempt`: when to try again, or null when there is no next attempt
 * (out of attempts, or it would come after the callback's deadline).
 */
export const retryAt = (
  policy: RetryPolicy,
  attempt: number,
  now: number,
  deadline: number,
): number | null => {
  if (attempt >= policy.maxAttempts) return null
  const at = now + policy.delayMs
  return at < deadline ? at : null
}
