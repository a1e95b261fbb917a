import type { Client, InStatement } from "@libsql/client"
import {
  analyticsOfGroups,
  CENTER_STREAM,
  type CenterEvent,
  HistoryReadModel,
  historyKeysOf,
  historyPages,
  projectHistoryBatch,
  StoreUnavailable,
} from "@lifeline/core"
import { Effect, Layer, Semaphore } from "effect"
import { type LibsqlStoreOptions, openDatabase } from "../store/libsql/open"
import { PROJECTION_MOVED_GUARD } from "../store/libsql/schema"
import {
  groupOfRow,
  moveCheckpoint,
  readGroups,
  readPage,
  readProjectionBatch,
  readRecords,
  recordOfRow,
  upsertRecords,
} from "./history-sql"

/** Events a projector applies per transaction. */
export const HISTORY_BATCH_EVENTS = 1_000
/** Ids per `IN (...)` and records per upsert, well under SQLite's bound-parameter limit. */
const IDS_PER_READ = 500
const RECORDS_PER_WRITE = 200

const unavailable = (action: string) => (cause: unknown) =>
  new StoreUnavailable({ message: `${action}: ${cause instanceof Error ? cause.message : String(cause)}` })

const run = <A>(action: string, query: () => Promise<A>) =>
  Effect.tryPromise({ try: query, catch: unavailable(action) })

const chunks = <A>(items: readonly A[], size: number): A[][] => {
  const out: A[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** One step's outcome: the checkpoint now, and whether more events may be waiting. */
interface Step {
  readonly position: number
  readonly more: boolean
  /** This step wrote (false: another projector moved the checkpoint first). */
  readonly moved: boolean
}

/** Lost claims in a row before a catch-up gives up (a busy peer wins some, never all). */
const MAX_LOST_IN_A_ROW = 100

export interface LibsqlHistoryOptions {
  /** The stream projected (the center's). */
  readonly stream?: string
  /** Events per transaction (default `HISTORY_BATCH_EVENTS`). */
  readonly batchEvents?: number
  /** Told each time another projector moved the checkpoint first and this one re-read. */
  readonly onLostRace?: () => void
}

/**
 * Call history on libSQL (issue 22, docs/read-models.md). The projector reads the
 * checkpoint and the center's events after it in one read transaction, loads the records those
 * events touch, applies the pure `projectHistoryBatch`, and writes the records with the moved
 * checkpoint in one write transaction that first claims the checkpoint at its old value. Rows
 * only change together with the checkpoint, so when the claim holds, the rows it read were the
 * ones the old checkpoint stood for; when another node got there first, the claim's CHECK fails,
 * nothing is written, and the next step re-reads. Every node can run it at once.
 */
export const makeLibsqlHistory = (
  client: Client,
  options: LibsqlHistoryOptions = {},
): Effect.Effect<HistoryReadModel["Service"]> =>
  Effect.gen(function* () {
    const stream = options.stream ?? CENTER_STREAM
    const batchEvents = options.batchEvents ?? HISTORY_BATCH_EVENTS
    // One step at a time on this node (the poll and a nudge may overlap); nodes race by the claim.
    const lock = yield* Semaphore.make(1)

    const recordsOf = (ids: readonly string[]) =>
      Effect.map(
        Effect.forEach(chunks(ids, IDS_PER_READ), (part) =>
          run("read call history", () => client.execute(readRecords(part))),
        ),
        (results) => results.flatMap((r) => r.rows.map(recordOfRow)),
      )

    const write = (statements: InStatement[]) =>
      Effect.tryPromise({ try: () => client.batch(statements, "write"), catch: (cause) => cause }).pipe(
        Effect.as(true),
        Effect.catch((cause) =>
          cause instanceof Error && cause.message.includes(PROJECTION_MOVED_GUARD)
            ? Effect.succeed(false)
            : Effect.fail(unavailable("write call history")(cause)),
        ),
      )

    const step: Effect.Effect<Step, StoreUnavailable> = Effect.gen(function* () {
      const [checkpoint, page] = yield* run("read events for call history", () =>
        client.batch(readProjectionBatch(stream, batchEvents), "read"),
      )
      const position = Number(checkpoint?.rows[0]?.[0] ?? 0)
      const rows = page?.rows ?? []
      if (rows.length === 0) return { position, more: false, moved: false }
      const events = rows.map((row) => JSON.parse(String(row[1])) as CenterEvent)
      const last = Number(rows[rows.length - 1]?.[0])
      const changed = projectHistoryBatch(yield* recordsOf([...historyKeysOf(events)]), events)
      const moved = yield* write([
        moveCheckpoint(position, last),
        ...chunks(changed, RECORDS_PER_WRITE).map(upsertRecords),
      ])
      if (!moved) options.onLostRace?.()
      return { position: moved ? last : position, more: true, moved }
    })

    const catchUp = lock.withPermit(
      Effect.gen(function* () {
        let lostInARow = 0
        for (;;) {
          const { position, more, moved } = yield* step
          if (!more) return position
          lostInARow = moved ? 0 : lostInARow + 1
          if (lostInARow > MAX_LOST_IN_A_ROW)
            return yield* Effect.fail(
              new StoreUnavailable({
                message: `call history: another projector moved the checkpoint first ${lostInARow} times in a row`,
              }),
            )
        }
      }),
    )

    const page: HistoryReadModel["Service"]["page"] = (query, limit, after) =>
      Effect.map(
        run("read call history", () => client.execute(readPage(query, limit, after))),
        (result) => {
          const records = result.rows.slice(0, limit).map(recordOfRow)
          const last = records[records.length - 1]
          return {
            records,
            next:
              result.rows.length > limit && last !== undefined
                ? { arrivedAt: last.arrivedAt, itemId: last.itemId }
                : null,
          }
        },
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
