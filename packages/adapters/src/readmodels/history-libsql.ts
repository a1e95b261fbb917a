import type { Client } from "@libsql/client"
import {
  analyticsOfGroups,
  HistoryReadModel,
  type HistoryRecord,
  historyKeysOf,
  historyPages,
  projectHistoryBatch,
} from "@lifeline/core/history"
import { Effect, Layer } from "effect"
import { type LibsqlStoreOptions, openDatabase } from "../store/libsql/open"
import {
  groupOfRow,
  HISTORY_PROJECTION,
  readGroups,
  readPage,
  readRecords,
  recordOfRow,
  upsertRecords,
} from "./history-sql"
import {
  makeSqlProjector,
  PROJECTOR_BATCH_EVENTS,
  type ProjectorOptions,
  readByKeys,
  run,
  type SqlProjection,
  splitPage,
} from "./projector"

/** Events a projector applies per transaction. */
export const HISTORY_BATCH_EVENTS = PROJECTOR_BATCH_EVENTS

export type LibsqlHistoryOptions = ProjectorOptions

/** Call history for the runner: the records the events touch, then the pure projection's upserts. */
export const historyProjection: SqlProjection<HistoryRecord[]> = {
  name: HISTORY_PROJECTION,
  label: "call history",
  load: (client, events) =>
    readByKeys(client, "read call history", historyKeysOf(events), readRecords, recordOfRow),
  writes: (records, events) => upsertRecords(projectHistoryBatch(records, events)),
}

/**
 * Call history on libSQL (issue 22, docs/read-models.md): kept by the projector runner
 * (projector.ts) with `projectHistoryBatch`; its reads are keyset pages in history's order and
 * its analytics one `GROUP BY`.
 */
export const makeLibsqlHistory = (
  client: Client,
  options: LibsqlHistoryOptions = {},
): Effect.Effect<HistoryReadModel["Service"]> =>
  Effect.gen(function* () {
    const catchUp = yield* makeSqlProjector(client, historyProjection, options)

    const page: HistoryReadModel["Service"]["page"] = (query, limit, after) =>
      Effect.map(
        run("read call history", () => client.execute(readPage(query, limit, after))),
        (result) =>
          splitPage(result.rows, limit, recordOfRow, (last) => ({
            arrivedAt: last.arrivedAt,
            itemId: last.itemId,
          })),
      )

    return {
      catchUp,
      page,
      analytics: (query) =>
        Effect.map(
          run("read call history analytics", () => client.execute(readGroups(query))),
          (result) => analyticsOfGroups(result.rows.map(groupOfRow)),
        ),
      exportRows: (query) => historyPages(page, query),
    }
  })

/** The read model on its own connection to the store's database (the migrations applied). */
export const LibsqlHistoryLive = (url: string, options: LibsqlStoreOptions = {}) =>
  Layer.effect(
    HistoryReadModel,
    Effect.flatMap(openDatabase(url, options), (client) => makeLibsqlHistory(client)),
  )
