import { Result } from "effect"
import type { CenterEventTag } from "../center/events"
import type { CenterModule } from "../center/module"
import { armTimer, disarmTimer, type TimerChange } from "../ports/timer"
import { UnknownEntity } from "../routing/errors"
import type { OutboxCommand } from "./commands"
import { progressDelivery } from "./deliveries"
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
      case "OutboxSent":
      case "OutboxFailed":
      case "OutboxCancelled":
      case "OutboxRetryDue": {
        const { entries, due } = outbox
        const entry = entries.get(event.messageId)
        if (entry === undefined) return
        progressDelivery(entry, event)
        if (entry.status === "pending") due.add(event.messageId)
        else due.delete(event.messageId)
        // Sent or cancelled, a message needs no more decisions: the deliveries read model keeps
        // its record (B6), the state forgets it, so the state does not grow with every email and
        // dial (issue 22). A failure for good stays: an admin may retry it.
        if (entry.status === "sent" || entry.status === "cancelled") entries.delete(event.messageId)
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
    // Retried, or no longer wanted: a cancelled message has left the state, so its retry must not fire.
    if (event._tag === "OutboxRetryDue" || event._tag === "OutboxCancelled")
      return [disarmTimer(outboxRetryTimerId(event.messageId))]
    return []
  },
  interests: {
    evolve: OUTBOX_EVENT_TAGS as ReadonlySet<CenterEventTag>,
    timers: new Set<CenterEventTag>(["OutboxFailed", "OutboxRetryDue", "OutboxCancelled"]),
  },
}
