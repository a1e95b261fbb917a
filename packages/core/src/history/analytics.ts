import type { HistoryRecord } from "./record"

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
}

export interface TimeRange {
  readonly from: number
  readonly to: number
}

export const historyAnalytics = (records: Iterable<HistoryRecord>, range?: TimeRange): QueueAnalytics[] => {
  const byQueue = new Map<string, HistoryRecord[]>()
  for (const r of records) {
    if (range !== undefined && (r.arrivedAt < range.from || r.arrivedAt >= range.to)) continue
    const list = byQueue.get(r.queueId)
    if (list === undefined) byQueue.set(r.queueId, [r])
    else list.push(r)
  }
  return [...byQueue.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([queueId, list]) => {
      const waits = list.flatMap((r) => (r.answeredAt === null ? [] : [r.answeredAt - r.arrivedAt]))
      const handles = list.flatMap((r) => (r.handleMs === null ? [] : [r.handleMs]))
      return {
        queueId,
        calls: list.length,
        answered: waits.length,
        completed: list.filter((r) => r.outcome === "completed").length,
        abandoned: list.filter((r) => r.outcome === "abandoned").length,
        escalated: list.filter((r) => r.outcome === "escalated").length,
        averageWaitMs: average(waits),
        averageHandleMs: average(handles),
      }
    })
}

const average = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length
