import { Context, type Effect } from "effect"
import type { CenterEvent } from "../center/events"
import { keysetPage, projectTouched } from "../kernel/page"
import type { StoreUnavailable } from "../ports/store"
import { OUTBOX_EVENT_TAGS, type OutboxEvent } from "./events"
import type { DeliveryAttempt, DeliveryStatus } from "./message"

/** What becomes of a message from one attempt to the next: the outbox's state and B6's record alike. */
export interface DeliveryProgress {
  status: DeliveryStatus
  /** Attempts made so far. */
  attempts: number
  retryAt: number | null
  providerId: string | null
  readonly history: DeliveryAttempt[]
}

type Progressed = Exclude<OutboxEvent, { readonly _tag: "OutboxQueued" }>

/**
 * Apply one delivery event to a message's progress (the outbox module and the deliveries read
 * model both call this: one rule for both). A message already sent stays sent.
 */
export const progressDelivery = (entry: DeliveryProgress, event: Progressed): void => {
  switch (event._tag) {
    case "OutboxSent":
      entry.status = "sent"
      entry.attempts = event.attempt
      entry.providerId = event.providerId
      entry.retryAt = null
      entry.history.push({ attempt: event.attempt, at: event.at, outcome: "sent", reason: null })
      return
    case "OutboxFailed":
      entry.status = event.retryAt === null ? "failed" : "retrying"
      entry.attempts = event.attempt
      entry.retryAt = event.retryAt
      entry.history.push({ attempt: event.attempt, at: event.at, outcome: "failed", reason: event.reason })
      return
    case "OutboxCancelled":
      if (entry.status === "sent") return
      entry.status = "cancelled"
      entry.retryAt = null
      entry.history.push({
        attempt: entry.attempts,
        at: event.at,
        outcome: "cancelled",
        reason: event.reason,
      })
      return
    case "OutboxRetryDue":
      entry.status = "pending"
      entry.retryAt = null
      return
  }
}

/**
 * B6: one email and what became of it, as an admin reads it (the deliveries read model's row).
 * Telephony actions are not recorded: a day has millions of them, and what became of a callback
 * dial is in call history (attempts, `unreachable`).
 */
export interface DeliveryRecord extends DeliveryProgress {
  readonly messageId: string
  readonly purpose: string
  readonly ref: string
  readonly channel: "email"
  readonly to: readonly string[]
  readonly queuedAt: number
}

const outboxEventOf = (event: CenterEvent): OutboxEvent | undefined =>
  OUTBOX_EVENT_TAGS.has(event._tag) ? (event as OutboxEvent) : undefined

/** The messages these events are about: the records a projector loads before applying them. */
export const deliveryKeysOf = (events: Iterable<CenterEvent>): Set<string> => {
  const keys = new Set<string>()
  for (const event of events) {
    const outbox = outboxEventOf(event)
    if (outbox !== undefined) keys.add(outbox.messageId)
  }
  return keys
}

/** Apply these events to the records (by message id), in stream order; returns the ids changed. */
export const projectDeliveries = (
  records: Map<string, DeliveryRecord>,
  events: Iterable<CenterEvent>,
): Set<string> => {
  const changed = new Set<string>()
  for (const event of events) {
    const outbox = outboxEventOf(event)
    if (outbox === undefined) continue
    if (outbox._tag === "OutboxQueued") {
      if (outbox.message._tag !== "Email") continue
      records.set(outbox.messageId, {
        messageId: outbox.messageId,
        purpose: outbox.purpose,
        ref: outbox.ref,
        channel: "email",
        to: outbox.message.mail.to,
        queuedAt: outbox.at,
        status: "pending",
        attempts: 0,
        retryAt: null,
        providerId: null,
        history: [],
      })
    } else {
      const record = records.get(outbox.messageId)
      if (record === undefined) continue
      progressDelivery(record, outbox)
    }
    changed.add(outbox.messageId)
  }
  return changed
}

/**
 * One step of a projector (issue 22): the stored records these events touch (`deliveryKeysOf`)
 * and the events; the records created or changed, to be written back.
 */
export const projectDeliveryBatch = (
  stored: Iterable<DeliveryRecord>,
  events: readonly CenterEvent[],
): DeliveryRecord[] =>
  projectTouched(
    stored,
    events,
    (r) => r.messageId,
    (r) => ({ ...r, history: [...r.history] }),
    projectDeliveries,
  )

/** Deliveries' order: queued first, then by message id (what pages follow). */
export interface DeliveryCursor {
  readonly queuedAt: number
  readonly messageId: string
}

export interface DeliveryQuery {
  /** Only messages of this purpose (e.g. emergency notifications, `NOTIFICATION_PURPOSE`). */
  readonly purpose?: string
}

export interface DeliveryPage {
  readonly records: readonly DeliveryRecord[]
  readonly next: DeliveryCursor | null
}

/** The most deliveries one page holds. */
export const DELIVERY_PAGE_MAX = 1_000

export const compareDeliveries = (a: DeliveryCursor, b: DeliveryCursor): number =>
  a.queuedAt - b.queuedAt || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0)

/** A page of records already in deliveries' order (the memory read model's reads). */
export const deliveryPageOf = (
  ordered: readonly DeliveryRecord[],
  query: DeliveryQuery,
  limit: number,
  after: DeliveryCursor | null,
): DeliveryPage => {
  const selected = ordered.filter(
    (r) =>
      (query.purpose === undefined || r.purpose === query.purpose) &&
      (after === null || compareDeliveries(r, after) > 0),
  )
  return keysetPage(selected, limit, (last) => ({ queuedAt: last.queuedAt, messageId: last.messageId }))
}

/**
 * B6's delivery records as a read model (issue 22): kept by a projector from the stored outbox
 * events with a durable checkpoint, so a sent or cancelled message leaves the center's state.
 */
export class DeliveryReadModel extends Context.Service<
  DeliveryReadModel,
  {
    readonly catchUp: Effect.Effect<number, StoreUnavailable>
    /** At most `limit` records after `after`, in deliveries' order. */
    readonly page: (
      query: DeliveryQuery,
      limit: number,
      after: DeliveryCursor | null,
    ) => Effect.Effect<DeliveryPage, StoreUnavailable>
  }
>()("lifeline/DeliveryReadModel") {}
