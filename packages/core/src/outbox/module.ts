import { Result } from "effect"
import type { CenterEventTag } from "../center/events"
import type { CenterModule } from "../center/module"
import { armTimer, disarmTimer, type TimerChange } from "../ports/timer"
import { UnknownEntity } from "../routing/errors"
import type { OutboxCommand } from "./commands"
import { OUTBOX_EVENT_TAGS } from "./events"
import { OUTBOX_RETRY, retryDelayMs } from "./message"
import type { OutboxEntry } from "./state"

export const outboxRetryTimerId = (messageId: string): string => `outbox/retry/${messageId}`

const decide = (
  entries: ReadonlyMap<string, OutboxEntry>,
  command: OutboxCommand,
  now: number,
): ReturnType<CenterModule["decide"]> => {
  const entry = entries.get(command.messageId)
  if (entry === undefined) {
    // A repeat about a telephony action already sent and forgotten is harmless.
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
  evolve: (state, event) => {
    // The outbox's part is read inside the cases: any other event leaves it untouched (interests).
    const outbox = state.outbox
    switch (event._tag) {
      case "OutboxQueued": {
        const { entries, due } = outbox
        entries.set(event.messageId, {
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
        due.add(event.messageId)
        return
      }
      case "OutboxSent": {
        const { entries, due } = outbox
        const entry = entries.get(event.messageId)
        if (entry === undefined) return
        due.delete(event.messageId)
        if (entry.message._tag === "Telephony") {
          entries.delete(event.messageId)
          return
        }
        entry.status = "sent"
        entry.attempts = event.attempt
        entry.providerId = event.providerId
        entry.retryAt = null
        entry.history.push({ attempt: event.attempt, at: event.at, outcome: "sent", reason: null })
        return
      }
      case "OutboxFailed": {
        const { entries, due } = outbox
        const entry = entries.get(event.messageId)
        if (entry === undefined) return
        due.delete(event.messageId)
        entry.status = event.retryAt === null ? "failed" : "retrying"
        entry.attempts = event.attempt
        entry.retryAt = event.retryAt
        entry.history.push({ attempt: event.attempt, at: event.at, outcome: "failed", reason: event.reason })
        return
      }
      case "OutboxCancelled": {
        const { entries, due } = outbox
        const entry = entries.get(event.messageId)
        if (entry === undefined || entry.status === "sent") return
        due.delete(event.messageId)
        if (entry.message._tag === "Telephony") {
          entries.delete(event.messageId)
          return
        }
        entry.status = "cancelled"
        entry.retryAt = null
        entry.history.push({
          attempt: entry.attempts,
          at: event.at,
          outcome: "cancelled",
          reason: event.reason,
        })
        return
      }
      case "OutboxRetryDue": {
        const { entries, due } = outbox
        const entry = entries.get(event.messageId)
        if (entry === undefined) return
        entry.status = "pending"
        entry.retryAt = null
        due.add(event.messageId)
        return
      }
      default:
        return
    }
  },
  timersOf: (event): readonly TimerChange<OutboxCommand>[] => {
    if (event._tag === "OutboxFailed" && event.retryAt !== null) {
      return [
        armTimer(outboxRetryTimerId(event.messageId), event.retryAt, {
          _tag: "RetryDelivery",
          messageId: event.messageId,
        }),
      ]
    }
    if (event._tag === "OutboxRetryDue") return [disarmTimer(outboxRetryTimerId(event.messageId))]
    return []
  },
  interests: {
    evolve: OUTBOX_EVENT_TAGS as ReadonlySet<CenterEventTag>,
    timers: new Set<CenterEventTag>(["OutboxFailed", "OutboxRetryDue"]),
  },
}
