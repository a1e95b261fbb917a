import type { HistoryOutcome, HistoryRecord } from "./record"

/** What a history read (a page, analytics, the export) is narrowed to. */
export interface HistoryQuery {
  /** Arrived at or after (epoch ms). */
  readonly from?: number
  /** Arrived before (epoch ms). */
  readonly to?: number
  readonly queueId?: string
  /** One record: the item's (a callback's id, for a callback). */
  readonly itemId?: string
  readonly repId?: string
  readonly outcome?: HistoryOutcome
  /** Only records of these queues (what a supervisor sees); every queue when absent. */
  readonly queues?: readonly string[]
}

/** Where a page ended: the next page starts after this record in history's order. */
export interface HistoryCursor {
  readonly arrivedAt: number
  readonly itemId: string
}

export interface HistoryPage {
  readonly records: readonly HistoryRecord[]
  /** Where the next page starts; null when this was the last. */
  readonly next: HistoryCursor | null
}

/** Rows per page when a caller names no limit, and the most it may ask for. */
export const HISTORY_PAGE_DEFAULT = 100
export const HISTORY_PAGE_MAX = 1_000

export const matchesHistoryQuery = (r: HistoryRecord, q: HistoryQuery): boolean =>
  (q.from === undefined || r.arrivedAt >= q.from) &&
  (q.to === undefined || r.arrivedAt < q.to) &&
  (q.queueId === undefined || r.queueId === q.queueId) &&
  (q.itemId === undefined || r.itemId === q.itemId) &&
  (q.repId === undefined || r.repId === q.repId) &&
  (q.outcome === undefined || r.outcome === q.outcome) &&
  (q.queues === undefined || q.queues.includes(r.queueId))

export const isAfterCursor = (r: HistoryRecord, c: HistoryCursor | null): boolean =>
  c === null || r.arrivedAt > c.arrivedAt || (r.arrivedAt === c.arrivedAt && r.itemId > c.itemId)

/** A page from records already in history's order (the in-memory read model's). */
export const pageOf = (
  ordered: readonly HistoryRecord[],
  query: HistoryQuery,
  limit: number,
  after: HistoryCursor | null,
): HistoryPage => {
  const records: HistoryRecord[] = []
  for (const r of ordered) {
    if (!isAfterCursor(r, after) || !matchesHistoryQuery(r, query)) continue
    if (records.length === limit) {
      const last = records[records.length - 1] as HistoryRecord
      return { records, next: { arrivedAt: last.arrivedAt, itemId: last.itemId } }
    }
    records.push(r)
  }
  return { records, next: null }
}
