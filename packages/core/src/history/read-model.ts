import { Context, Effect, Option, Stream } from "effect"
import type { StoreUnavailable } from "../ports/store"
import type { QueueAnalytics } from "./analytics"
import type { HistoryCursor, HistoryPage, HistoryQuery } from "./query"
import type { HistoryRecord } from "./record"

/**
 * Call history as a read model (E8, N1, issue 22): records kept by a projector from the center's
 * stored events, with a durable checkpoint, so every node that reads the same store answers the
 * same rows and nothing of it grows in a node's memory (the libSQL adapter). The projector reads
 * the events after its checkpoint and applies `projectHistoryBatch`; reads never project.
 */
export class HistoryReadModel extends Context.Service<
  HistoryReadModel,
  {
    /**
     * Project every stored event after the checkpoint (in batches) and move the checkpoint in the
     * same transaction as the rows, guarded on its old value: of two projectors that race, one
     * writes and the other re-reads. Returns the checkpoint after (the stream version projected).
     */
    readonly catchUp: Effect.Effect<number, StoreUnavailable>
    /** At most `limit` records after `after`, in history's order (arrival, then item id). */
    readonly page: (
      query: HistoryQuery,
      limit: number,
      after: HistoryCursor | null,
    ) => Effect.Effect<HistoryPage, StoreUnavailable>
    readonly analytics: (query: HistoryQuery) => Effect.Effect<QueueAnalytics[], StoreUnavailable>
    /** Every record the query selects, in history's order, read a page at a time. */
    readonly exportRows: (query: HistoryQuery) => Stream.Stream<HistoryRecord, StoreUnavailable>
  }
>()("lifeline/HistoryReadModel") {}

/** Rows per read when an export walks the whole selection. */
export const HISTORY_EXPORT_PAGE = 1_000

/**
 * Every record a query selects, read page after page by cursor: never the whole set at once.
 * Any read model's keyset pages (history, deliveries).
 */
export const pagesOf = <Q, C, R, E>(
  page: (
    query: Q,
    limit: number,
    after: C | null,
  ) => Effect.Effect<{ readonly records: readonly R[]; readonly next: C | null }, E>,
  query: Q,
  size: number,
): Stream.Stream<R, E> =>
  Stream.paginate(null as C | null, (after) =>
    Effect.map(
      page(query, size, after),
      (p) => [p.records, p.next === null ? Option.none() : Option.some(p.next)] as const,
    ),
  )

/** Every history record a query selects, `HISTORY_EXPORT_PAGE` at a time. */
export const historyPages = <E>(
  page: (query: HistoryQuery, limit: number, after: HistoryCursor | null) => Effect.Effect<HistoryPage, E>,
  query: HistoryQuery,
): Stream.Stream<HistoryRecord, E> => pagesOf(page, query, HISTORY_EXPORT_PAGE)
