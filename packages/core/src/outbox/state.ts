import type { OutboxMessage } from "./message"

export type DeliveryStatus = "pending" | "sent" | "retrying" | "failed" | "cancelled"

export interface DeliveryAttempt {
  readonly attempt: number
  readonly at: number
  readonly outcome: "sent" | "failed" | "cancelled"
  readonly reason: string | null
}

/** One message and what became of it (B6: sent, failed with reason, retried). */
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
   * Messages not yet sent, and every email whatever its state (an operator reads their
   * delivery history). Telephony actions leave once sent: a day has millions of them.
   */
  readonly entries: Map<string, OutboxEntry>
  /** Ids the dispatcher should send now, in queue order. */
  readonly due: Set<string>
}

export const emptyOutboxState = (): OutboxState => ({ entries: new Map(), due: new Set() })
