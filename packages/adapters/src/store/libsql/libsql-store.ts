import type { Client, InArgs, InStatement, Row } from "@libsql/client"
import {
  Store,
  StoreUnavailable,
  type StreamSnapshot,
  type Timer,
  type TimerChange,
  VersionConflict,
} from "@lifeline/core"
import { and, asc, eq, inArray, sql } from "drizzle-orm"
import { drizzle } from "drizzle-orm/libsql"
import { Effect, Layer, type Scope } from "effect"
import { type LibsqlStoreOptions, openDatabase } from "./open"
import { events, STALE_VERSION_GUARD, streams, timers } from "./schema"

/** Rows per INSERT, well under SQLite's limit of 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 500

/**
 * The Store port on libSQL: an embedded file (`file:`) or a server (`http:`, `libsql:`) shared
 * by several nodes. An append is one write batch — one transaction, one round trip — whose
 * first statement is the optimistic-concurrency guard: it sets the stream's version to the new
 * one when the stored version is the expected one and to -1 otherwise, which the CHECK
 * constraint refuses, so the whole batch rolls back. The server decides inside its write lock,
 * so this holds across processes.
 */
export const makeLibsqlStore = (
  url: string,
  options: LibsqlStoreOptions = {},
): Effect.Effect<Store["Type"], StoreUnavailable, Scope.Scope> =>
  Effect.map(openDatabase(url, options), libsqlStoreOn)

/** The store as a Layer; closing its scope closes the client. */
export const LibsqlStoreLive = (url: string, options: LibsqlStoreOptions = {}) =>
  Layer.scoped(Store, makeLibsqlStore(url, options))

type Query = { toSQL(): { sql: string; params: unknown[] } }

const statement = (query: Query): InStatement => {
  const built = query.toSQL()
  return { sql: built.sql, args: built.params as InArgs }
}

const chunks = <A>(items: readonly A[]): A[][] => {
  const out: A[][] = []
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) out.push(items.slice(i, i + ROWS_PER_STATEMENT))
  return out
}

const unavailable = (action: string, cause: unknown) =>
  new StoreUnavailable({ message: `${action}: ${cause instanceof Error ? cause.message : String(cause)}` })

const isStaleVersion = (cause: unknown) =>
  cause instanceof Error && cause.message.includes(STALE_VERSION_GUARD)

/** The timer table after applying `changes` in order: per timer, its last change wins. */
const netTimerChanges = <C>(changes: readonly TimerChange<C>[]) => {
  const last = new Map<string, Timer<C> | null>()
  for (const change of changes) {
    if (change._tag === "Arm") last.set(change.timer.timerId, change.timer)
    else last.set(change.timerId, null)
  }
  const armed: Timer<C>[] = []
  const disarmed: string[] = []
  for (const [timerId, timer] of last) {
    if (timer === null) disarmed.push(timerId)
    else armed.push(timer)
  }
  return { armed, disarmed }
}

/** The port over an open client (the migrations applied). */
export const libsqlStoreOn = (client: Client): Store["Type"] => {
  const db = drizzle({ client })
  const run = <A>(action: string, query: () => Promise<A>) =>
    Effect.tryPromise({ try: query, catch: (cause) => unavailable(action, cause) })

  const versionOf = (stream: string) =>
    statement(db.select({ version: streams.version }).from(streams).where(eq(streams.stream, stream)))
  const versionIn = (rows: readonly Row[]) => Number(rows[0]?.[0] ?? 0)

  const version = (stream: string) =>
    Effect.map(
      run(`read the version of ${stream}`, () => client.execute(versionOf(stream))),
      (result) => versionIn(result.rows),
    )

  const load = <E, C>(stream: string) =>
    Effect.flatMap(
      run(`load ${stream}`, () =>
        client.batch(
          [
            versionOf(stream),
            statement(
              db
                .select({ payload: events.payload })
                .from(events)
                .where(eq(events.stream, stream))
                .orderBy(asc(events.version)),
            ),
            statement(
              db
                .select({ timerId: timers.timerId, dueAt: timers.dueAt, command: timers.command })
                .from(timers)
                .where(eq(timers.stream, stream))
                .orderBy(asc(timers.dueAt), sql`rowid`),
            ),
          ],
          "read",
        ),
      ),
      ([versionRows, eventRows, timerRows]): Effect.Effect<StreamSnapshot<E, C>, StoreUnavailable> => {
        const current = versionIn(versionRows?.rows ?? [])
        const stored = (eventRows?.rows ?? []).map((row) => JSON.parse(String(row[0])) as E)
        if (stored.length !== current) {
          return Effect.fail(
            unavailable(`load ${stream}`, `version ${current} but ${stored.length} events are stored`),
          )
        }
        const armed = (timerRows?.rows ?? []).map(
          (row): Timer<C> => ({
            timerId: String(row[0]),
            dueAt: Number(row[1]),
            command: JSON.parse(String(row[2])) as C,
          }),
        )
        return Effect.succeed({ version: current, events: stored, timers: armed })
      },
    )

  const appendStatements = <E, C>(
    stream: string,
    expected: number,
    appended: readonly E[],
    changes: readonly TimerChange<C>[],
  ): InStatement[] => {
    const next = expected + appended.length
    const out = [
      statement(db.insert(streams).values({ stream, version: 0 }).onConflictDoNothing()),
      statement(
        db
          .update(streams)
          .set({ version: sql`CASE WHEN ${streams.version} = ${expected} THEN ${next} ELSE -1 END` })
          .where(eq(streams.stream, stream)),
      ),
    ]
    const rows = appended.map((event, i) => ({
      stream,
      version: expected + i + 1,
      payload: JSON.stringify(event),
    }))
    for (const chunk of chunks(rows)) out.push(statement(db.insert(events).values(chunk)))
    const { armed, disarmed } = netTimerChanges(changes)
    for (const chunk of chunks(armed)) {
      const values = chunk.map((t) => ({
        stream,
        timerId: t.timerId,
        dueAt: t.dueAt,
        command: JSON.stringify(t.command),
      }))
      out.push(
        statement(
          db
            .insert(timers)
            .values(values)
            .onConflictDoUpdate({
              target: [timers.stream, timers.timerId],
              set: { dueAt: sql`excluded.due_at`, command: sql`excluded.command` },
            }),
        ),
      )
    }
    for (const chunk of chunks(disarmed)) {
      out.push(
        statement(db.delete(timers).where(and(eq(timers.stream, stream), inArray(timers.timerId, chunk)))),
      )
    }
    return out
  }

  const append = <E, C>(
    stream: string,
    expectedVersion: number,
    appended: readonly E[],
    changes: readonly TimerChange<C>[],
  ): Effect.Effect<number, VersionConflict | StoreUnavailable> =>
    Effect.suspend(() => {
      const batch = appendStatements(stream, expectedVersion, appended, changes)
      return Effect.tryPromise({ try: () => client.batch(batch, "write"), catch: (cause) => cause })
    }).pipe(
      Effect.as(expectedVersion + appended.length),
      Effect.catchAll((cause) =>
        isStaleVersion(cause)
          ? Effect.flatMap(version(stream), (actual) =>
              Effect.fail(new VersionConflict({ stream, expected: expectedVersion, actual })),
            )
          : Effect.fail(unavailable(`append to ${stream}`, cause)),
      ),
    )

  return { load, version, append }
}
