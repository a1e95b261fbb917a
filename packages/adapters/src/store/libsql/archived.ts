import type { Client, InStatement, Transaction } from "@libsql/client"
import { ArchivedEvents, StoreUnavailable } from "@lifeline/core/ports"
import { Effect, Layer } from "effect"
import { type LibsqlStoreOptions, openDatabase } from "./open"

/**
 * Where a stream's stored events start after `admin archive` (issue 22, docs/lifetime.md
 * "Retention"): the store answers it to the engine, whose start refuses a log with a hole.
 */

/** The last version moved out of the store: the stored events start after it (0: none moved). */
const archivedUpToStatement = (stream: string): InStatement => ({
  sql: `SELECT coalesce((SELECT min(version) FROM events WHERE stream = :stream) - 1,
                        (SELECT version FROM streams WHERE stream = :stream), 0)`,
  args: { stream },
})

export const archivedUpTo = async (db: Client | Transaction, stream: string) =>
  Number((await db.execute(archivedUpToStatement(stream))).rows[0]?.[0] ?? 0)

/** The ArchivedEvents power on a libSQL client: one index lookup. */
export const archivedEventsOn = (client: Client): ArchivedEvents["Service"] => ({
  archivedUpTo: (stream) =>
    Effect.tryPromise({
      try: () => archivedUpTo(client, stream),
      catch: (cause) =>
        new StoreUnavailable({
          message: `read where ${stream} starts: ${cause instanceof Error ? cause.message : String(cause)}`,
        }),
    }),
})

/** ArchivedEvents on its own connection to the store's database (the migrations applied). */
export const ArchivedEventsLive = (url: string, options: LibsqlStoreOptions = {}) =>
  Layer.effect(ArchivedEvents, Effect.map(openDatabase(url, options), archivedEventsOn))
