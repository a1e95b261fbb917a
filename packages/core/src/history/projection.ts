import type { CallbackEvent } from "../callback/events"
import type { CallEvent } from "../calls/events"
import type { CenterEvent } from "../center/events"
import type { RoutingEvent } from "../routing/events"
import type { HistoryOutcome, HistoryRecord, MutableHistoryRecord } from "./record"

/**
 * The only events call history reads: what happens to a routing work item, and what the
 * customer callback module says about a callback item (its request, join, attempts and end).
 * No emergency event is among them (E8).
 */
export type HistorySource =
  | Extract<
      RoutingEvent,
      {
        readonly _tag:
          | "ItemQueued"
          | "OfferMade"
          | "OfferAccepted"
          | "OfferDeclined"
          | "OfferExpired"
          | "OfferWithdrawn"
          | "ItemEscalated"
          | "ItemRequeued"
          | "WorkCompleted"
          | "ItemAbandoned"
          | "ItemHeld"
          | "ItemResumed"
          | "ItemTransferred"
          | "ItemClosed"
      }
    >
  | Extract<
      CallbackEvent,
      {
        readonly _tag: "CallbackRequested" | "CallbackJoined" | "CallbackAttemptFailed" | "CallbackClosed"
      }
    >
  | Extract<
      CallEvent,
      {
        readonly _tag: "OutboundCallPlaced" | "OutboundCallConnected" | "CallEnded" | "WrapUpRecorded"
      }
    >

const SOURCE_TAGS: ReadonlySet<string> = new Set<HistorySource["_tag"]>([
  "ItemQueued",
  "OfferMade",
  "OfferAccepted",
  "OfferDeclined",
  "OfferExpired",
  "OfferWithdrawn",
  "ItemEscalated",
  "ItemRequeued",
  "WorkCompleted",
  "ItemAbandoned",
  "ItemHeld",
  "ItemResumed",
  "ItemTransferred",
  "ItemClosed",
  "CallbackRequested",
  "CallbackJoined",
  "CallbackAttemptFailed",
  "CallbackClosed",
  "OutboundCallPlaced",
  "OutboundCallConnected",
  "CallEnded",
  "WrapUpRecorded",
])

export const historySourceOf = (event: CenterEvent): HistorySource | undefined =>
  SOURCE_TAGS.has(event._tag) ? (event as HistorySource) : undefined

/** The records an event may change: its item (a callback's item has the callback's id). */
const keysOf = (source: HistorySource): readonly string[] => {
  switch (source._tag) {
    case "CallbackRequested":
    case "CallbackAttemptFailed":
    case "CallbackClosed":
      return [source.callbackId]
    case "CallbackJoined":
      return [source.requestId]
    case "OutboundCallPlaced":
    case "OutboundCallConnected":
    case "CallEnded":
    case "WrapUpRecorded":
      // W1: a routed call's id is its item's; an outbound call's record has the call's id.
      return [source.callId]
    default:
      return [source.itemId]
  }
}

/** Call history (E8): a projection of the center's event stream. */
export interface CallHistory {
  readonly records: Map<string, MutableHistoryRecord>
}

export const emptyHistory = (): CallHistory => ({ records: new Map() })

/** Apply one event; every event that is not about a routing item or a callback passes by. */
export const applyToHistory = (history: CallHistory, event: CenterEvent): void => {
  const source = historySourceOf(event)
  if (source === undefined) return
  if (source._tag === "ItemQueued") {
    const known = history.records.get(source.itemId)
    history.records.set(source.itemId, { ...recordOf(source), ...(known === undefined ? {} : kept(known)) })
    return
  }
  if (source._tag === "CallbackRequested") {
    requested(history, source)
    return
  }
  if (source._tag === "OutboundCallPlaced") {
    history.records.set(source.callId, outboundRecord(source))
    return
  }
  const record = history.records.get(keysOf(source)[0] ?? "")
  if (record !== undefined) update(record, source)
}

/** A C7 callback recorded when it was scheduled keeps what it was when its window opens. */
const kept = (known: MutableHistoryRecord): Pick<MutableHistoryRecord, "kind" | "from" | "to"> => ({
  kind: known.kind,
  from: known.from,
  to: known.to,
})

const blank = {
  outcome: "waiting",
  repId: null,
  offers: 0,
  refusals: 0,
  answeredAt: null,
  endedAt: null,
  handleMs: null,
  kind: "call",
  endReason: null,
  attempts: 0,
  joinedInto: null,
  transferredFrom: null,
  direction: "inbound",
  disposition: null,
} as const satisfies Partial<MutableHistoryRecord>

/** W1: an ordinary outbound call, ringing from when it was placed; it is in no queue. */
const outboundRecord = (
  event: Extract<HistorySource, { _tag: "OutboundCallPlaced" }>,
): MutableHistoryRecord => ({
  ...blank,
  itemId: event.callId,
  queueId: "",
  workstreamId: null,
  priority: 0,
  from: event.from,
  to: event.to,
  arrivedAt: event.at,
  outcome: "ringing",
  repId: event.repId,
  direction: "outbound",
})

/** W1: how an outbound call ended: failed to connect, or hung up before or after an answer. */
const outboundEnd = (record: MutableHistoryRecord, event: Extract<HistorySource, { _tag: "CallEnded" }>) => {
  if (event.endedBy === "failed") return end(record, "unreachable", "failed", event.at)
  if (record.answeredAt === null) return end(record, "cancelled", event.endedBy, event.at)
  end(record, "completed", event.endedBy, event.at)
  record.handleMs = event.at - record.answeredAt
}

const recordOf = (event: Extract<HistorySource, { _tag: "ItemQueued" }>): MutableHistoryRecord => ({
  ...blank,
  itemId: event.itemId,
  queueId: event.queueId,
  workstreamId: event.via?.workstreamId ?? null,
  priority: event.priority,
  from: event.attributes.from ?? null,
  to: event.attributes.to ?? null,
  arrivedAt: event.at,
})

/** C4: the waiting call is now a callback; C7: a scheduled one is recorded from its request. */
const requested = (history: CallHistory, event: Extract<HistorySource, { _tag: "CallbackRequested" }>) => {
  const record = history.records.get(event.callbackId)
  if (record !== undefined) {
    record.kind = "callback"
    return
  }
  if (event.source !== "scheduled") return
  history.records.set(event.callbackId, {
    ...blank,
    itemId: event.callbackId,
    queueId: event.queueId,
    workstreamId: null,
    priority: event.priority,
    from: event.attributes.from ?? null,
    to: event.attributes.to ?? null,
    arrivedAt: event.at,
    outcome: "scheduled",
    kind: "callback",
  })
}

/** How an item closed by routing (C1 voicemail or end call, B3 join, C8 expiry, B1) ended. */
const closedOutcome = (reason: string): HistoryOutcome => {
  switch (reason) {
    case "joined":
      return "joined"
    case "expired":
    case "window_ended":
      return "expired"
    case "unreachable":
      return "unreachable"
    default:
      return "closed"
  }
}

/** How a callback ended, as the callback module reports it (C8, B1). */
const CALLBACK_OUTCOMES: Readonly<Record<string, HistoryOutcome>> = {
  served: "served",
  expired: "expired",
  window_ended: "expired",
  unreachable: "unreachable",
  cancelled: "cancelled",
}

const end = (record: MutableHistoryRecord, outcome: HistoryOutcome, reason: string, at: number) => {
  record.outcome = outcome
  record.endReason = reason
  record.endedAt ??= at
}

const update = (
  record: MutableHistoryRecord,
  event: Exclude<HistorySource, { _tag: "ItemQueued" | "CallbackRequested" | "OutboundCallPlaced" }>,
): void => {
  switch (event._tag) {
    case "OfferMade":
      record.offers += 1
      record.outcome = "ringing"
      return
    case "OfferAccepted":
      record.outcome = "answered"
      record.repId = event.repId
      record.answeredAt = event.at
      return
    case "OfferDeclined":
    case "OfferExpired":
      record.refusals += 1
      record.outcome = "waiting"
      return
    case "OfferWithdrawn":
      return
    case "ItemEscalated":
      record.outcome = "escalated"
      return
    case "ItemRequeued":
    case "ItemResumed":
      record.outcome = "waiting"
      return
    case "ItemHeld":
      record.outcome = "held"
      return
    case "ItemTransferred":
      record.transferredFrom ??= event.fromQueueId
      record.queueId = event.toQueueId
      return
    case "WorkCompleted":
      end(record, "completed", "completed", event.at)
      record.handleMs = event.handleMs
      return
    case "ItemAbandoned":
      end(record, "abandoned", "abandoned", event.at)
      return
    case "ItemClosed":
      end(record, closedOutcome(event.reason), event.reason, event.at)
      return
    case "CallbackJoined":
      record.joinedInto = event.callbackId
      return
    case "CallbackAttemptFailed":
      // B1: the dial failed, so the rep who accepted did not serve it.
      record.attempts = event.attempt
      record.repId = null
      record.answeredAt = null
      record.outcome = "waiting"
      return
    case "CallbackClosed":
      record.kind = "callback"
      record.attempts = event.attempts
      end(record, CALLBACK_OUTCOMES[event.reason] ?? "cancelled", event.reason, event.at)
      return
    case "OutboundCallConnected":
      record.outcome = "answered"
      record.answeredAt = event.at
      return
    case "CallEnded":
      // A routed call's record ends with its work item (WorkCompleted), not with a rep's leg.
      if (record.direction === "outbound") outboundEnd(record, event)
      return
    case "WrapUpRecorded":
      record.disposition = event.disposition
      return
  }
}

export const projectHistory = (
  events: Iterable<CenterEvent>,
  history: CallHistory = emptyHistory(),
): CallHistory => {
  for (const event of events) applyToHistory(history, event)
  return history
}

/** The ids of the records these events may change: what a projector loads before applying them. */
export const historyKeysOf = (events: Iterable<CenterEvent>): Set<string> => {
  const keys = new Set<string>()
  for (const event of events) {
    const source = historySourceOf(event)
    if (source !== undefined) for (const key of keysOf(source)) keys.add(key)
  }
  return keys
}

/**
 * One step of a projector: the stored records these events touch (found by `historyKeysOf`) and
 * the events, in stream order; the records created or changed, to be written back.
 */
export const projectHistoryBatch = (
  stored: Iterable<HistoryRecord>,
  events: readonly CenterEvent[],
): HistoryRecord[] => {
  const history = emptyHistory()
  for (const record of stored) history.records.set(record.itemId, { ...record })
  const before = new Map<string, string>()
  for (const [id, r] of history.records) before.set(id, JSON.stringify(r))
  projectHistory(events, history)
  const changed: HistoryRecord[] = []
  for (const [id, record] of history.records) {
    if (before.get(id) !== JSON.stringify(record)) changed.push(record)
  }
  return changed
}

/** History's order: oldest arrival first, then by item id (what pages and exports follow). */
export const compareHistory = (a: HistoryRecord, b: HistoryRecord): number =>
  a.arrivedAt - b.arrivedAt || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0)

/** The records in history's order: what the history API, analytics and exports read. */
export const historyRecords = (history: CallHistory): readonly HistoryRecord[] =>
  [...history.records.values()].sort(compareHistory)
