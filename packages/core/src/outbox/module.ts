import { Result } from "effect"
import type { CenterCommand } from "../center/commands"
import type { CenterEvent } from "../center/events"
import type { CenterDecision, CenterModule } from "../center/module"
import type { CenterState } from "../center/state"
import { UnknownEntity } from "../kernel/errors"
import { handlers } from "../kernel/handlers"
import type { ReadReply } from "../kernel/module"
import { armTimer, disarmTimer, type TimerChange } from "../ports/timer"
import type { OutboxCommand } from "./commands"
import { progressDelivery } from "./deliveries"
import { OUTBOX_RETRY, retryDelayMs } from "./message"
import type { OutboxEntry } from "./state"

/** B6: what a retry answers: the message's delivery status and attempts once the retry is asked. */
export interface DeliveryRetried {
  readonly messageId: string
  readonly status: OutboxEntry["status"]
  readonly attempts: number
  readonly retryAt: number | null
}

const retriedAfter =
  (messageId: string): ReadReply<CenterState, DeliveryRetried> =>
  (after) => {
    const entry = after.outbox.entries.get(messageId)
    // A retry is refused unless the message is still kept, and a retry never sends it at once.
    return {
      messageId,
      status: entry?.status ?? "pending",
      attempts: entry?.attempts ?? 0,
      retryAt: entry?.retryAt ?? null,
    }
  }

export const outboxRetryTimerId = (messageId: string): string => `outbox/retry/${messageId}`

const decide = (
  entries: ReadonlyMap<string, OutboxEntry>,
  command: OutboxCommand,
  now: number,
): CenterDecision => {
  const entry = entries.get(command.messageId)
  if (entry === undefined) {
    // A repeat about a message already sent (or cancelled) and forgotten is harmless.
    return command._tag === "RecordDelivery"
      ? Result.succeed([])
      : Result.fail(new UnknownEntity({ entity: "message", id: command.messageId, field: "messageId" }))
  }
  if (command._tag === "RetryDelivery") {
    if (entry.status === "sent" || entry.status === "pending" || entry.status === "cancelled")
      return Result.succeed([])
    return Result.succeed([{ _tag: "OutboxRetryDue", messageId: entry.messageId, at: now }])
  }
  // Only the outcome of the attempt in flight counts; a late or repeated report changes nothing.
  if (entry.status !== "pending") return Result.succeed([])
  const attempt = entry.attempts + 1
  const outcome = command.outcome
  if (outcome._tag === "Sent") {
    return Result.succeed([
      { _tag: "OutboxSent", messageId: entry.messageId, providerId: outcome.providerId, attempt, at: now },
    ])
  }
  const again = outcome.retryable && attempt < OUTBOX_RETRY.maxAttempts
  return Result.succeed([
    {
      _tag: "OutboxFailed",
      messageId: entry.messageId,
      reason: outcome.reason,
      attempt,
      retryAt: again ? now + retryDelayMs(attempt) : null,
      at: now,
    },
  ])
}

/** ARCHITECTURE rule 5: side effects leave through this outbox; B6: their delivery is kept. */
export const outboxModule: CenterModule = {
  name: "outbox",
  commands: new Set(["RecordDelivery", "RetryDelivery"]),
  decide: (state, command, now) => decide(state.outbox.entries, command as OutboxCommand, now),
  replies: handlers<CenterCommand, [CenterState], ReadReply<CenterState, unknown> | undefined>().on(
    "RetryDelivery",
    (command) => retriedAfter(command.messageId),
  ),
  evolve: handlers<CenterEvent, [CenterState]>()
    .on("OutboxQueued", (event, state) => {
      state.outbox.entries.set(event.messageId, {
        messageId: event.messageId,
        message: event.message,
        purpose: event.purpose,
        ref: event.ref,
        queuedAt: event.at,
        status: "pending",
        attempts: 0,
        retryAt: null,
        providerId: null,
        history: [],
      })
      state.outbox.due.add(event.messageId)
    })
    .on(["OutboxSent", "OutboxFailed", "OutboxCancelled", "OutboxRetryDue"], (event, state) => {
      const { entries, due } = state.outbox
      const entry = entries.get(event.messageId)
      if (entry === undefined) return
      progressDelivery(entry, event)
      if (entry.status === "pending") due.add(event.messageId)
      else due.delete(event.messageId)
      if (entry.status === "sent" || entry.status === "cancelled") entries.delete(event.messageId)
    }),
  timers: handlers<CenterEvent, [], readonly TimerChange<CenterCommand>[]>()
    .on("OutboxFailed", (event) =>
      event.retryAt === null
        ? []
        : [
            armTimer(outboxRetryTimerId(event.messageId), event.retryAt, {
              _tag: "RetryDelivery",
              messageId: event.messageId,
            }),
          ],
    )
    .on(["OutboxRetryDue", "OutboxCancelled"], (event) => [disarmTimer(outboxRetryTimerId(event.messageId))]),
}
