import {
  analyticsOfGroups,
  CENTER_STREAM,
  type CenterEvent,
  emptyHistory,
  HistoryReadModel,
  historyGroups,
  historyPages,
  historyRecords,
  matchesHistoryQuery,
  pageOf,
  projectHistory,
  Store,
} from "@lifeline/core"
import { Effect, Layer, Semaphore } from "effect"

/**
 * Call history in memory, over any Store (the memory store of tests and the simulator): the same
 * projection with a checkpoint, caught up from the store's log before every read, since a memory
 * store has one writer and reading it costs nothing. Same answers as the libSQL read model.
 */
export const makeMemoryHistory = (
  store: Store["Service"],
  stream: string = CENTER_STREAM,
): Effect.Effect<HistoryReadModel["Service"]> =>
  Effect.gen(function* () {
    const lock = yield* Semaphore.make(1)
    const history = emptyHistory()
    let checkpoint = 0

    const catchUp = lock.withPermit(
      Effect.gen(function* () {
        const log = yield* store.load<CenterEvent, unknown>(stream)
        if (log.version > checkpoint) projectHistory(log.events.slice(checkpoint), history)
        checkpoint = Math.max(checkpoint, log.version)
        return checkpoint
      }),
    )
    const current = Effect.map(catchUp, () => historyRecords(history))

    const page: HistoryReadModel["Service"]["page"] = (query, limit, after) =>
      Effect.map(current, (records) => pageOf(records, query, limit, after))

    return {
      catchUp,
      page,
      analytics: (query) =>
        Effect.map(current, (records) =>
          analyticsOfGroups(historyGroups(records.filter((r) => matchesHistoryQuery(r, query)))),
        ),
      exportRows: (query) => historyPages(page, query),
    }
  })

export const MemoryHistoryLive = Layer.effect(
  HistoryReadModel,
  Effect.flatMap(Store, (store) => makeMemoryHistory(store)),
)
