import type { DeliveryAttempt, DeliveryStatus, OutboxMessage } from "./message"

/** One message not yet sent and what became of it so far (B6: failed with reason, retried). */
export interface OutboxEntry {
  readonly messageId: string
  readonly message: OutboxMessage
  readonly purpose: string
  readonly ref: string
  readonly queuedAt: number
  status: DeliveryStatus
  /** Attempts made so far. */
  attempts: number
  retryAt: number | null
  providerId: string | null
  readonly history: DeliveryAttempt[]
}

export interface OutboxState {
  /**
   * Messages the outbox still decides on: pending, waiting for a retry, or failed for good (an
   * admin may retry one, B6). A message leaves once sent or cancelled; what became of every
   * email is the deliveries read model's (outbox/deliveries.ts, issue 22).
   */
  readonly entries: Map<string, OutboxEntry>
  /** Ids the dispatcher should send now, in queue order. */
  readonly due: Set<string>
}

export const emptyOutboxState = (): OutboxState => ({ entries: new Map(), due: new Set() })
