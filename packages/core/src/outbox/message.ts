import type { Mail } from "../ports/mailer"
import type { TelephonyAction } from "../ports/telephony"

/**
 * A side effect leaving Lifeline (ARCHITECTURE rule 5). It is queued by an event in the same
 * append as the state change that caused it, and sent afterwards by the dispatcher with the
 * message id as the provider's idempotency key, so a crash neither loses it nor sends it twice.
 */
export type OutboxMessage =
  | { readonly _tag: "Email"; readonly mail: Mail }
  | { readonly _tag: "Telephony"; readonly action: TelephonyAction }

/** Why a message exists, so the module that queued it can follow its delivery (B6). */
export interface OutboxOrigin {
  /** e.g. "emergency-notification", "callback-dial", "psap-redirect". */
  readonly purpose: string
  /** The id of the thing it belongs to (an emergency session, a work item). */
  readonly ref: string
}

/** B6: how often and how soon a failed message is tried again. One place for the policy. */
export const OUTBOX_RETRY = {
  maxAttempts: 5,
  firstDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
} as const

/** Delay before attempt `attempt + 1` after `attempt` failed: 30 s, 60 s, 120 s, ... capped. */
export const retryDelayMs = (attempt: number): number =>
  Math.min(OUTBOX_RETRY.firstDelayMs * 2 ** Math.max(0, attempt - 1), OUTBOX_RETRY.maxDelayMs)

/** Where a message stands: what the deliveries read model and the outbox state both record (B6). */
export type DeliveryStatus = "pending" | "sent" | "retrying" | "failed" | "cancelled"

export interface DeliveryAttempt {
  readonly attempt: number
  readonly at: number
  readonly outcome: "sent" | "failed" | "cancelled"
  readonly reason: string | null
}
