import type { CenterEvent } from "../center/events"
import type { OutboxMessage } from "../outbox/message"

/** A telephony action queued in the outbox; its id is derived so a replayed decision repeats it. */
export const telephonyMessage = (
  messageId: string,
  action: Extract<OutboxMessage, { _tag: "Telephony" }>["action"],
  purpose: string,
  ref: string,
  at: number,
): CenterEvent => ({
  _tag: "OutboxQueued",
  messageId,
  message: { _tag: "Telephony", action },
  purpose,
  ref,
  at,
})
