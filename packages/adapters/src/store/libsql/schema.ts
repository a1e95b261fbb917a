import { sql } from "drizzle-orm"
import { check, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core"

/**
 * The durable state of Lifeline (ARCHITECTURE rules 4 and 5): event streams with their versions
 * and the timers that are armed. Outbox messages are events, so they need no table of their own.
 * Change this file, then `pnpm --filter @lifeline/adapters db:generate` writes the migration.
 */

/** A negative version cannot be stored: the append's guard writes -1 when it lost a race. */
export const STALE_VERSION_GUARD = "stale_expected_version"

export const streams = sqliteTable(
  "streams",
  {
    stream: text("stream").primaryKey(),
    /** Number of events in the stream; appends check it (optimistic concurrency). */
    version: integer("version").notNull(),
  },
  (t) => [check(STALE_VERSION_GUARD, sql`${t.version} >= 0`)],
)

export const events = sqliteTable(
  "events",
  {
    stream: text("stream").notNull(),
    /** 1-based position in the stream. */
    version: integer("version").notNull(),
    payload: text("payload").notNull(),
  },
  (t) => [primaryKey({ columns: [t.stream, t.version] })],
)

export const timers = sqliteTable(
  "timers",
  {
    stream: text("stream").notNull(),
    timerId: text("timer_id").notNull(),
    dueAt: integer("due_at").notNull(),
    command: text("command").notNull(),
  },
  (t) => [primaryKey({ columns: [t.stream, t.timerId] })],
)
