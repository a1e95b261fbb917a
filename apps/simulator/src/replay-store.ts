import { existsSync } from "node:fs"
import { isEmbedded, LibsqlHistoryLive } from "@lifeline/adapters"
import { HistoryReadModel } from "@lifeline/core/history"
import { Effect, Stream } from "effect"
import { UsageError } from "./cli-options"
import { dayWindow, type RecordedDay, recordedDayOf } from "./replay-day"

/**
 * A replayed day from a Lifeline store (issue 17 Build 5, SPEC P3), read through its call-history
 * read model (docs/read-models.md). Loaded only when a replay reads a store (it brings libSQL).
 */

/** `file:…` without the scheme and query: the path of an embedded database. */
const embeddedPath = (url: string) => url.slice("file:".length).split("?")[0] ?? ""

/**
 * The day's records from the store at `url` (an embedded `file:` or a libSQL server). Its history
 * projector is caught up first, as any node does before it answers (the rows would otherwise lag
 * the last events by up to a projector's beat); then the day is read a page at a time.
 */
export const readDayFromStore = async (url: string, day: string): Promise<RecordedDay> => {
  const { from, to } = dayWindow(day)
  // Opening a missing file would create an empty store: say so instead.
  if (isEmbedded(url) && !existsSync(embeddedPath(url)))
    throw new UsageError(`--store: no database at '${embeddedPath(url)}'`)
  const records = await Effect.runPromise(
    Effect.gen(function* () {
      const history = yield* HistoryReadModel
      yield* history.catchUp
      return yield* Stream.runCollect(history.exportRows({ from, to }))
    }).pipe(Effect.provide(LibsqlHistoryLive(url))),
  ).catch((error: unknown) => {
    throw new UsageError(`--store: cannot read call history from '${url}': ${(error as Error).message}`)
  })
  return recordedDayOf(day, records)
}
