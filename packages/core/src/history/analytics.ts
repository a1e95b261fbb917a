import { HISTORY_OUTCOMES, type HistoryOutcome, type HistoryRecord } from "./record"

/** Per-queue figures over call history (E8: their only input is history records). */
export interface QueueAnalytics {
  readonly queueId: string
  readonly calls: number
  readonly answered: number
  readonly completed: number
  readonly abandoned: number
  readonly escalated: number
  /** Arrival to answer, over answered calls; null when none was answered. */
  readonly averageWaitMs: number | null
  readonly averageHandleMs: number | null
  /** How many of `calls` were callbacks. */
  readonly callbacks: number
  /** How many records are in each outcome (only the outcomes that occur). */
  readonly outcomes: Readonly<Partial<Record<HistoryOutcome, number>>>
}

export interface TimeRange {
  readonly from: number
  readonly to: number
}

/**
 * The sums of one queue and outcome: what a read model aggregates (SQL `GROUP BY queue_id,
 * outcome`, or a loop in memory), turned into analytics by `analyticsOfGroups` the same way.
 */
export interface HistoryGroup {
  readonly queueId: string
  readonly outcome: HistoryOutcome
  readonly records: number
  readonly callbacks: number
  readonly answered: number
  /** Sum of answeredAt - arrivedAt over the answered ones. */
  readonly waitSum: number
  readonly handled: number
  readonly handleSum: number
}

type MutableGroup = { -readonly [K in keyof HistoryGroup]: HistoryGroup[K] }

export const historyGroups = (records: Iterable<HistoryRecord>): HistoryGroup[] => {
  const groups = new Map<string, MutableGroup>()
  for (const r of records) {
    // Queue analytics are of routed work: an outbound call (W1) is in no queue.
    if (r.direction === "outbound") continue
    const key = JSON.stringify([r.queueId, r.outcome])
    let g = groups.get(key)
    if (g === undefined) {
      g = {
        queueId: r.queueId,
        outcome: r.outcome,
        records: 0,
        callbacks: 0,
        answered: 0,
        waitSum: 0,
        handled: 0,
        handleSum: 0,
      }
      groups.set(key, g)
    }
    g.records += 1
    if (r.kind === "callback") g.callbacks += 1
    if (r.answeredAt !== null) {
      g.answered += 1
      g.waitSum += r.answeredAt - r.arrivedAt
    }
    if (r.handleMs !== null) {
      g.handled += 1
      g.handleSum += r.handleMs
    }
  }
  return [...groups.values()]
}

const OUTCOME_ORDER = new Map<string, number>(HISTORY_OUTCOMES.map((o, i) => [o, i]))

/** Per queue, ordered by queue id. */
export const analyticsOfGroups = (groups: Iterable<HistoryGroup>): QueueAnalytics[] => {
  const byQueue = new Map<string, HistoryGroup[]>()
  for (const g of groups) {
    const list = byQueue.get(g.queueId)
    if (list === undefined) byQueue.set(g.queueId, [g])
    else list.push(g)
  }
  return [...byQueue.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([queueId, list]) => {
      const sum = (f: (g: HistoryGroup) => number) => list.reduce((total, g) => total + f(g), 0)
      const count = (outcome: HistoryOutcome) => sum((g) => (g.outcome === outcome ? g.records : 0))
      const answered = sum((g) => g.answered)
      const handled = sum((g) => g.handled)
      const outcomes: Partial<Record<HistoryOutcome, number>> = {}
      for (const g of [...list].sort(
        (a, b) => (OUTCOME_ORDER.get(a.outcome) ?? 0) - (OUTCOME_ORDER.get(b.outcome) ?? 0),
      )) {
        outcomes[g.outcome] = (outcomes[g.outcome] ?? 0) + g.records
      }
      return {
        queueId,
        calls: sum((g) => g.records),
        answered,
        completed: count("completed"),
        abandoned: count("abandoned"),
        escalated: count("escalated"),
        averageWaitMs: answered === 0 ? null : sum((g) => g.waitSum) / answered,
        averageHandleMs: handled === 0 ? null : sum((g) => g.handleSum) / handled,
        callbacks: sum((g) => g.callbacks),
        outcomes,
      }
    })
}

export const historyAnalytics = (records: Iterable<HistoryRecord>, range?: TimeRange): QueueAnalytics[] => {
  const inRange = [...records].filter(
    (r) => range === undefined || (r.arrivedAt >= range.from && r.arrivedAt < range.to),
  )
  return analyticsOfGroups(historyGroups(inRange))
}
