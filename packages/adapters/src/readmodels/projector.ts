import type { Client, InArgs, InStatement, Row } from "@libsql/client"
import { CENTER_STREAM, type CenterEvent } from "@lifeline/core/center"
import { StoreUnavailable } from "@lifeline/core/ports"
import { Effect, Semaphore } from "effect"
import { decodeStoredCenterEvent } from "../store/event-codec"
import { PROJECTION_MOVED_GUARD } from "../store/libsql/schema"

/**
 * The one projector runner of every SQL read model (issue 22, docs/read-models.md): call
 * history, the audit trail, notification deliveries and the emergency operator log all project
 * the center's stored events through it, each with its own checkpoint row in `projections`.
 */

/** Events a projector applies per transaction. */
export const PROJECTOR_BATCH_EVENTS = 1_000
/** Keys per `IN (...)` and rows per insert, well under SQLite's bound-parameter limit. */
export const KEYS_PER_READ = 500

export const unavailable = (action: string) => (cause: unknown) =>
  new StoreUnavailable({ message: `${action}: ${cause instanceof Error ? cause.message : String(cause)}` })

export const run = <A>(action: string, query: () => Promise<A>) =>
  Effect.tryPromise({ try: query, catch: unavailable(action) })

export const chunks = <A>(items: readonly A[], size: number): A[][] => {
  const out: A[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** `(?, ?, …)` for `n` values. */
export const placeholders = (n: number): string => `(${Array.from({ length: n }, () => "?").join(", ")})`

/** Rows per insert so that one statement stays under 10,000 bound parameters. */
const rowsPerWrite = (columns: number): number => Math.max(1, Math.floor(9_000 / columns))

/**
 * Multi-row `INSERT … ON CONFLICT (key) DO UPDATE` statements for `rows` (each `columns.length`
 * values, the first column the key), as many as the bound-parameter limit needs.
 */
export const upsertRows = (
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): InStatement[] =>
  chunks(rows, rowsPerWrite(columns.length)).map((part) => ({
    sql:
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${part.map(() => placeholders(columns.length)).join(", ")}` +
      ` ON CONFLICT (${columns[0]}) DO UPDATE SET ${columns
        .slice(1)
        .map((c) => `${c} = excluded.${c}`)
        .join(", ")}`,
    args: part.flat() as InArgs,
  }))

/** The rows of `select … WHERE key IN (…)` for these keys, a bounded number of keys per read. */
export const readByKeys = <R>(
  client: Client,
  action: string,
  keys: Iterable<string>,
  statement: (keys: readonly string[]) => InStatement,
  rowOf: (row: Row) => R,
): Effect.Effect<R[], StoreUnavailable> =>
  Effect.map(
    Effect.forEach(chunks([...keys], KEYS_PER_READ), (part) =>
      run(action, () => client.execute(statement(part))),
    ),
    (results) => results.flatMap((r) => r.rows.map(rowOf)),
  )

/**
 * A keyset page from a read of `limit + 1` rows: the first `limit`, and the cursor after the
 * last of them when the extra row came (there is a next page).
 */
export const splitPage = <R, C>(
  rows: readonly Row[],
  limit: number,
  rowOf: (row: Row) => R,
  cursorOf: (last: R) => C,
): { readonly records: R[]; readonly next: C | null } => {
  const records = rows.slice(0, limit).map(rowOf)
  const last = records.at(-1)
  return { records, next: rows.length > limit && last !== undefined ? cursorOf(last) : null }
}

/**
 * A read model as the runner drives it: what it loads before applying a batch of events, and the
 * statements that write the result of its pure projection. `firstVersion` is the stream version
 * of `events[0]` (they follow without gaps).
 */
export interface SqlProjection<Loaded> {
  /** Its checkpoint's row in `projections`, e.g. "history". */
  readonly name: string
  /** Named in errors: "call history", "audit trail", … */
  readonly label: string
  readonly load: (client: Client, events: readonly CenterEvent[]) => Effect.Effect<Loaded, StoreUnavailable>
  readonly writes: (loaded: Loaded, events: readonly CenterEvent[], firstVersion: number) => InStatement[]
}

export interface ProjectorOptions {
  /** The stream projected (the center's). */
  readonly stream?: string
  /** Events per transaction (default `PROJECTOR_BATCH_EVENTS`). */
  readonly batchEvents?: number
  /** Told each time another projector moved the checkpoint first and this one re-read. */
  readonly onLostRace?: () => void
}

/** The checkpoint and the events after it (with their stored shape's version), in one read. */
const readBatch = (name: string, stream: string, limit: number): InStatement[] => [
  { sql: "SELECT position FROM projections WHERE name = ?", args: [name] },
  {
    sql:
      "SELECT version, payload, schema_version FROM events WHERE stream = ? AND version > " +
      "coalesce((SELECT position FROM projections WHERE name = ?), 0) ORDER BY version LIMIT ?",
    args: [stream, name, limit],
  },
]

/**
 * Move the checkpoint from `from` to `to`, or fail the whole batch (CHECK `projection_moved`)
 * when it is no longer at `from`: another projector applied these events first.
 */
const moveCheckpoint = (name: string, from: number, to: number): InStatement => ({
  sql:
    "INSERT INTO projections (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET " +
    "position = CASE WHEN projections.position = ? THEN ? ELSE -1 END",
  // No row yet means position 0. (The inserted value must pass the CHECK itself: SQLite checks
  // it before the conflict turns the insert into the update.)
  args: [name, to, from, to],
})

/** One step's outcome: the checkpoint now, and whether more events may be waiting. */
interface Step {
  readonly position: number
  readonly more: boolean
  /** This step wrote (false: another projector moved the checkpoint first). */
  readonly moved: boolean
}

/** Lost claims in a row before a catch-up gives up (a busy peer wins some, never all). */
const MAX_LOST_IN_A_ROW = 100

/** The stored rows as events, checked to follow each other from the checkpoint on. */
const eventsOf = (rows: readonly Row[], position: number): CenterEvent[] =>
  rows.map((row, i) => {
    const version = Number(row[0])
    if (version !== position + i + 1)
      throw new Error(`events after ${position}: version ${version} where ${position + i + 1} was expected`)
    return decodeStoredCenterEvent(String(row[1]), Number(row[2] ?? 1))
  })

/**
 * A projector for one read model. A step reads the checkpoint and the events after it in one
 * read transaction, loads what the events touch, applies the pure projection, and writes its rows
 * with the moved checkpoint in one write transaction that first claims the checkpoint at its old
 * value. Rows only change together with the checkpoint, so when the claim holds, what the step
 * loaded was what the old checkpoint stood for; when another node got there first, the claim's
 * CHECK fails, nothing is written, and the next step re-reads. Every node can run it at once.
 * `catchUp` steps until no event is left and returns the checkpoint.
 */
export const makeSqlProjector = <Loaded>(
  client: Client,
  projection: SqlProjection<Loaded>,
  options: ProjectorOptions = {},
): Effect.Effect<Effect.Effect<number, StoreUnavailable>> =>
  Effect.gen(function* () {
    const stream = options.stream ?? CENTER_STREAM
    const batchEvents = options.batchEvents ?? PROJECTOR_BATCH_EVENTS
    const { label } = projection
    // One step at a time on this node (the poll and a nudge may overlap); nodes race by the claim.
    const lock = yield* Semaphore.make(1)

    const write = (statements: InStatement[]) =>
      Effect.tryPromise({ try: () => client.batch(statements, "write"), catch: (cause) => cause }).pipe(
        Effect.as(true),
        Effect.catch((cause) =>
          cause instanceof Error && cause.message.includes(PROJECTION_MOVED_GUARD)
            ? Effect.succeed(false)
            : Effect.fail(unavailable(`write ${label}`)(cause)),
        ),
      )

    const step: Effect.Effect<Step, StoreUnavailable> = Effect.gen(function* () {
      const [checkpoint, page] = yield* run(`read events for ${label}`, () =>
        client.batch(readBatch(projection.name, stream, batchEvents), "read"),
      )
      const position = Number(checkpoint?.rows[0]?.[0] ?? 0)
      const rows = page?.rows ?? []
      if (rows.length === 0) return { position, more: false, moved: false }
      const events = yield* Effect.try({
        try: () => eventsOf(rows, position),
        catch: unavailable(`decode events for ${label}`),
      })
      const last = position + events.length
      const loaded = yield* projection.load(client, events)
      const moved = yield* write([
        moveCheckpoint(projection.name, position, last),
        ...projection.writes(loaded, events, position + 1),
      ])
      if (!moved) options.onLostRace?.()
      return { position: moved ? last : position, more: true, moved }
    })

    return lock.withPermit(
      Effect.gen(function* () {
        let lostInARow = 0
        for (;;) {
          const { position, more, moved } = yield* step
          if (!more) return position
          lostInARow = moved ? 0 : lostInARow + 1
          if (lostInARow > MAX_LOST_IN_A_ROW)
            return yield* Effect.fail(
              new StoreUnavailable({
                message: `${label}: another projector moved the checkpoint first ${lostInARow} times in a row`,
              }),
            )
        }
      }),
    )
  })
