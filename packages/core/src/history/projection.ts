import type { CenterEvent } from "../center/events"
import type { RoutingEvent } from "../routing/events"
import type { HistoryRecord, MutableHistoryRecord } from "./record"

/** The only events call history reads: what happens to a routing work item. */
export type HistorySource = Extract<
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
])

export const historySourceOf = (event: CenterEvent): HistorySource | undefined =>
  SOURCE_TAGS.has(event._tag) ? (event as HistorySource) : undefined

/** Call history (E8): a projection of the center's event stream, fed as events are appended. */
export interface CallHistory {
  readonly records: Map<string, MutableHistoryRecord>
}

export const emptyHistory = (): CallHistory => ({ records: new Map() })

/** Apply one appended event; every event that is not about a routing item passes by. */
export const applyToHistory = (history: CallHistory, event: CenterEvent): void => {
  const source = historySourceOf(event)
  if (source === undefined) return
  if (source._tag === "ItemQueued") {
    history.records.set(source.itemId, recordOf(source))
    return
  }
  const record = history.records.get(source.itemId)
  if (record !== undefined) update(record, source)
}

const recordOf = (event: Extract<HistorySource, { _tag: "ItemQueued" }>): MutableHistoryRecord => ({
  itemId: event.itemId,
  queueId: event.queueId,
  workstreamId: event.via?.workstreamId ?? null,
  priority: event.priority,
  from: event.attributes.from ?? null,
  to: event.attributes.to ?? null,
  arrivedAt: event.at,
  outcome: "waiting",
  repId: null,
  offers: 0,
  refusals: 0,
  answeredAt: null,
  endedAt: null,
  handleMs: null,
})

const update = (
  record: MutableHistoryRecord,
  event: Exclude<HistorySource, { _tag: "ItemQueued" }>,
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
      record.outcome = "waiting"
      return
    case "WorkCompleted":
      record.outcome = "completed"
      record.endedAt = event.at
      record.handleMs = event.handleMs
      return
    case "ItemAbandoned":
      record.outcome = "abandoned"
      record.endedAt = event.at
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

/** The records, oldest arrival first: what the history API, analytics and exports read. */
export const historyRecords = (history: CallHistory): readonly HistoryRecord[] =>
  [...history.records.values()].sort((a, b) => a.arrivedAt - b.arrivedAt)
