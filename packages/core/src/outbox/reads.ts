import type { OutboxState } from "./state"

/** What other modules may read of the outbox's slice (issue 18, ARCHITECTURE rule 4). */

/** The `ref` a message was queued with (whose it is: a callback id, a call id); undefined once it left. */
export const messageRef = (outbox: OutboxState, messageId: string): string | undefined =>
  outbox.entries.get(messageId)?.ref

/** True while the outbox is still trying to send the message (not sent, failed for good or cancelled). */
export const isStillSending = (outbox: OutboxState, messageId: string): boolean => {
  const status = outbox.entries.get(messageId)?.status
  return status === "pending" || status === "retrying"
}
