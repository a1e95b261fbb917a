import { CENTER_STREAM } from "@lifeline/core/center"
import {
  analyticsOfGroups,
  emptyHistory,
  HistoryReadModel,
  historyGroups,
  historyPages,
  historyRecords,
  matchesHistoryQuery,
  pageOf,
  projectHistory,
} from "@lifeline/core/history"
import { Store } from "@lifeline/core/ports"
import { Effect, Layer } from "effect"
import { makeMemoryProjector } from "./memory-projector"

/**
 * Call history in memory, over any Store (the memory store of tests and the simulator): the same
 * projection through the memory projector runner. Same answers as the libSQL read model.
 */
export const makeMemoryHistory = (
  store: Store["Service"],
  stream: string = CENTER_STREAM,
): Effect.Effect<HistoryReadModel["Service"]> =>
  Effect.gen(function* () {
    const { catchUp, read } = yield* makeMemoryProjector(
      store,
      emptyHistory(),
      (history, events) => void projectHistory(events, history),
      stream,
    )
    const current = read(historyRecords)

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
