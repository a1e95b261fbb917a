import { Context, type Effect } from "effect"
import type { CenterEvent } from "../center/events"
import { keysetPage, projectTouched } from "../kernel/page"
import type { StoreUnavailable } from "../ports/store"
import type { CallbackCloseReason, CallbackSource } from "./events"
import type { CallbackStatus } from "./state"

/**
 * I2, issue 20: every callback, open or closed, as the callback list reads it (`GET
 * /api/callbacks`). A read model kept by a projector from the stored events (what grows lives in
 * SQL): the center forgets a callback once it closes, the list keeps it.
 */
export type CallbackListStatus = CallbackStatus | "closed"

export const CALLBACK_LIST_STATUSES = [
  "scheduled",
  "queued",
  "dialing",
  "connected",
  "retry_wait",
  "closed",
] as const satisfies readonly CallbackListStatus[]

export interface CallbackListRecord {
  readonly callbackId: string
  readonly number: string
  readonly queueId: string
  readonly source: CallbackSource
  status: CallbackListStatus
  /** How it ended (C8, B1, I2); null while open. */
  outcome: CallbackCloseReason | null
  attempts: number
  /** B3: requests that joined this one. */
  joined: number
  readonly requestedAt: number
  window: { readonly start: number; readonly end: number } | null
  deadline: number
  endedAt: number | null
}

/** The callbacks' events and the routing events that move a callback between its states. */
const callbackIdOf = (event: CenterEvent): string | undefined => {
  switch (event._tag) {
    case "CallbackRequested":
    case "CallbackJoined":
    case "CallbackRescheduled":
    case "CallbackDialed":
    case "CallbackConnected":
    case "CallbackAttemptFailed":
    case "CallbackClosed":
      return event.callbackId
    case "ItemQueued":
    case "ItemResumed":
      return event.itemId
    default:
      return undefined
  }
}

/** The callbacks these events may change: the records a projector loads before applying them. */
export const callbackListKeysOf = (events: Iterable<CenterEvent>): Set<string> => {
  const keys = new Set<string>()
  for (const event of events) {
    const id = callbackIdOf(event)
    if (id !== undefined) keys.add(id)
  }
  return keys
}

const requested = (event: Extract<CenterEvent, { _tag: "CallbackRequested" }>): CallbackListRecord => ({
  callbackId: event.callbackId,
  number: event.number,
  queueId: event.queueId,
  source: event.source,
  // The module's own rule (evolve.ts): a C7 request waits for its window until it enters its queue.
  status: event.source === "in_queue" ? "queued" : "scheduled",
  outcome: null,
  attempts: 0,
  joined: 0,
  requestedAt: event.at,
  window: event.window,
  deadline: event.deadline,
  endedAt: null,
})

/** One event on the record it is about (the callback module's evolve, as the list sees it). */
const apply = (record: CallbackListRecord, event: CenterEvent): void => {
  if (record.status === "closed") return
  switch (event._tag) {
    case "ItemQueued":
    case "ItemResumed":
      record.status = "queued"
      return
    case "CallbackJoined":
      record.joined += 1
      return
    case "CallbackRescheduled":
      record.window = event.window
      record.deadline = event.deadline
      return
    case "CallbackDialed":
      record.status = "dialing"
      return
    case "CallbackConnected":
      record.status = "connected"
      return
    case "CallbackAttemptFailed":
      record.attempts = event.attempt
      if (event.retryAt !== null) record.status = "retry_wait"
      return
    case "CallbackClosed":
      record.status = "closed"
      record.outcome = event.reason
      record.attempts = event.attempts
      record.endedAt = event.at
      return
    default:
      return
  }
}

/** Apply these events to the records (by callback id), in stream order; returns the ids changed. */
export const projectCallbackList = (
  records: Map<string, CallbackListRecord>,
  events: Iterable<CenterEvent>,
): Set<string> => {
  const changed = new Set<string>()
  for (const event of events) {
    if (event._tag === "CallbackRequested") {
      // The core refuses an id in use, so a request with a known id reuses that of a closed one.
      records.set(event.callbackId, requested(event))
      changed.add(event.callbackId)
      continue
    }
    const id = callbackIdOf(event)
    const record = id === undefined ? undefined : records.get(id)
    if (id === undefined || record === undefined) continue
    apply(record, event)
    changed.add(id)
  }
  return changed
}

/** One projector step: the stored records the events touch, and the events; the records changed. */
export const projectCallbackListBatch = (
  stored: Iterable<CallbackListRecord>,
  events: readonly CenterEvent[],
): CallbackListRecord[] =>
  projectTouched(
    stored,
    events,
    (r) => r.callbackId,
    (r) => ({ ...r }),
    projectCallbackList,
  )

/** The list's order is newest first: requested later first, then by callback id, descending. */
export interface CallbackListCursor {
  readonly requestedAt: number
  readonly callbackId: string
}

export interface CallbackListQuery {
  readonly queueId?: string
  /** A status, or "open" for every status but closed. */
  readonly status?: CallbackListStatus | "open"
  /** B2: the E.164 number called back. */
  readonly number?: string
  /** Requested at or after (epoch ms). */
  readonly from?: number
  /** Requested before (epoch ms). */
  readonly to?: number
  /** Only these queues (a supervisor's, N4). */
  readonly queues?: readonly string[]
}

export interface CallbackListPage {
  readonly records: readonly CallbackListRecord[]
  readonly next: CallbackListCursor | null
}

export const CALLBACK_PAGE_DEFAULT = 100
export const CALLBACK_PAGE_MAX = 1_000

/** Negative when `a` comes first in the list (newer, or the same time and a greater id). */
export const compareCallbacks = (a: CallbackListCursor, b: CallbackListCursor): number =>
  b.requestedAt - a.requestedAt || (a.callbackId < b.callbackId ? 1 : a.callbackId > b.callbackId ? -1 : 0)

/** Does the record pass the query's filters? (The SQL read model says the same in its WHERE.) */
export const matchesCallbackQuery = (r: CallbackListRecord, q: CallbackListQuery): boolean =>
  (q.queueId === undefined || r.queueId === q.queueId) &&
  (q.status === undefined || (q.status === "open" ? r.status !== "closed" : r.status === q.status)) &&
  (q.number === undefined || r.number === q.number) &&
  (q.from === undefined || r.requestedAt >= q.from) &&
  (q.to === undefined || r.requestedAt < q.to) &&
  (q.queues === undefined || q.queues.includes(r.queueId))

/** A page of records in any order (the memory read model's reads). */
export const callbackListPageOf = (
  records: Iterable<CallbackListRecord>,
  query: CallbackListQuery,
  limit: number,
  after: CallbackListCursor | null,
): CallbackListPage => {
  const selected = [...records]
    .filter((r) => matchesCallbackQuery(r, query) && (after === null || compareCallbacks(r, after) > 0))
    .sort(compareCallbacks)
  return keysetPage(selected, limit, (last) => ({
    requestedAt: last.requestedAt,
    callbackId: last.callbackId,
  }))
}

/** I2: the callback list as a read model (issue 20), libSQL or memory behind it. */
export class CallbackReadModel extends Context.Service<
  CallbackReadModel,
  {
    readonly catchUp: Effect.Effect<number, StoreUnavailable>
    /** At most `limit` callbacks after `after`, newest first. */
    readonly page: (
      query: CallbackListQuery,
      limit: number,
      after: CallbackListCursor | null,
    ) => Effect.Effect<CallbackListPage, StoreUnavailable>
  }
>()("lifeline/CallbackReadModel") {}
