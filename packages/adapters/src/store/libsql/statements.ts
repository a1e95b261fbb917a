import type { InArgs, InStatement, Row } from "@libsql/client"
import { StoreUnavailable } from "@lifeline/core/ports"
import { and, asc, eq, fillPlaceholders, gt, inArray, lte, type SQLWrapper, sql } from "drizzle-orm"
import { drizzle } from "drizzle-orm/libsql"
import { Effect } from "effect"
import { type EventCodec, EventDecodeError } from "../event-codec"
import { events, streams, timers } from "./schema"

/**
 * The store's SQL, built by drizzle from the schema once per shape, with placeholders bound on
 * each call: an append then costs SQLite's work, not query building.
 */
type Query = SQLWrapper & { toSQL(): { sql: string; params: unknown[] } }
type Bind = (values: Record<string, unknown>) => InStatement

const db = drizzle.mock()
const p = (name: string) => sql.placeholder(name)

const template = (query: Query): Bind => {
  const built = query.toSQL()
  return (values) => ({ sql: built.sql, args: fillPlaceholders(built.params, values) as InArgs })
}

/** One template per row count: multi-row statements differ only in how many rows they carry. */
const bySize = (build: (size: number) => Query) => {
  const cache = new Map<number, Bind>()
  return (size: number): Bind => {
    let bind = cache.get(size)
    if (bind === undefined) {
      bind = template(build(size))
      cache.set(size, bind)
    }
    return bind
  }
}

const indices = (size: number) => Array.from({ length: size }, (_, i) => i)

export const readVersion = template(
  db
    .select({ version: streams.version })
    .from(streams)
    .where(eq(streams.stream, p("stream"))),
)

/**
 * At most `limit` events after `after`, up to `upTo`, in order. Columns: the payload, the shape
 * version it was written in, its stream version (`decodeEventRows` reads them in this order).
 */
export const readEventPage = template(
  db
    .select({ payload: events.payload, schemaVersion: events.schemaVersion, version: events.version })
    .from(events)
    .where(
      and(eq(events.stream, p("stream")), gt(events.version, p("after")), lte(events.version, p("upTo"))),
    )
    .orderBy(asc(events.version))
    .limit(p("limit")),
)

export const readTimers = template(
  db
    .select({ timerId: timers.timerId, dueAt: timers.dueAt, command: timers.command })
    .from(timers)
    .where(eq(timers.stream, p("stream")))
    .orderBy(asc(timers.dueAt), sql`rowid`),
)

/** A stream's row, at version 0 until its first append; there already, nothing changes. */
export const openStream = template(
  db
    .insert(streams)
    .values({ stream: p("stream"), version: 0 })
    .onConflictDoNothing(),
)

/**
 * The optimistic-concurrency guard: the stream's version becomes `next` when it is `expected`
 * and -1 otherwise, which the CHECK constraint refuses, failing the append's whole batch.
 */
export const claimVersion = template(
  db
    .update(streams)
    .set({ version: sql`CASE WHEN ${streams.version} = ${p("expected")} THEN ${p("next")} ELSE -1 END` })
    .where(eq(streams.stream, p("stream"))),
)

/** Values: `stream`, `schemaVersion` (one codec writes a whole append), and `version{i}`, `payload{i}` per row. */
export const insertEvents = bySize((size) =>
  db.insert(events).values(
    indices(size).map((i) => ({
      stream: p("stream"),
      version: p(`version${i}`),
      payload: p(`payload${i}`),
      schemaVersion: p("schemaVersion"),
    })),
  ),
)

/** Values: `stream`, and `timerId{i}`, `dueAt{i}`, `command{i}` per row. */
export const upsertTimers = bySize((size) =>
  db
    .insert(timers)
    .values(
      indices(size).map((i) => ({
        stream: p("stream"),
        timerId: p(`timerId${i}`),
        dueAt: p(`dueAt${i}`),
        command: p(`command${i}`),
      })),
    )
    .onConflictDoUpdate({
      target: [timers.stream, timers.timerId],
      set: { dueAt: sql`excluded.due_at`, command: sql`excluded.command` },
    }),
)

/** Values: `stream`, and `timerId{i}` per timer. */
export const deleteTimers = bySize((size) =>
  db.delete(timers).where(
    and(
      eq(timers.stream, p("stream")),
      inArray(
        timers.timerId,
        indices(size).map((i) => p(`timerId${i}`)),
      ),
    ),
  ),
)

/**
 * The rows of `readEventPage` as events, each decoded by `codec` (issue 22, Build 2). A row it
 * cannot read fails the whole read with a StoreUnavailable naming the stream, the event's
 * version, its shape version and the field: a load never goes on with an event it did not decode.
 * The rows must be the events right after `after`, in order: a hole (events archived, issue 22
 * "Retention") fails the read too, so a fold never counts versions it did not see.
 */
export const decodeEventRows = <E>(
  codec: EventCodec<unknown>,
  stream: string,
  rows: readonly Row[],
  after: number,
): Effect.Effect<E[], StoreUnavailable> =>
  Effect.suspend(() => {
    const decoded: E[] = []
    for (const row of rows) {
      const expected = after + 1 + decoded.length
      if (Number(row[2]) !== expected)
        return Effect.fail(
          new StoreUnavailable({
            message: `load ${stream}: event ${expected} is not stored (the next is ${Number(row[2])}): archived or missing`,
          }),
        )
      try {
        decoded.push(codec.decode(String(row[0]), Number(row[1])) as E)
      } catch (cause) {
        const why = cause instanceof EventDecodeError ? cause.message : String(cause)
        return Effect.fail(
          new StoreUnavailable({
            message: `load ${stream}: event ${Number(row[2])} does not decode (${why})`,
          }),
        )
      }
    }
    return Effect.succeed(decoded)
  })
