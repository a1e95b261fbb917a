import { sql } from "drizzle-orm"
import { blob, check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core"

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
    /**
     * The shape the payload was written in (issue 22, docs/lifetime.md "Events with schemas"):
     * a load upcasts older shapes to the current one before decoding. Rows written before this
     * column existed are shape 1.
     */
    schemaVersion: integer("schema_version").notNull().default(1),
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

/**
 * Snapshots of a stream's state (SPEC N1, issue 22; docs/lifetime.md): a start loads the newest
 * usable one and the events after its version. The payload (gzipped) is split into chunks written in
 * transactions of their own, so a big snapshot never holds the write lock for long; the header
 * row is written last, in one transaction with the pruning of older snapshots, so a snapshot
 * whose writer was killed has no header and is never read (its chunks go with the next prune).
 */
export const snapshots = sqliteTable(
  "snapshots",
  {
    /** Unique per write: two nodes may snapshot the same version. */
    id: text("id").primaryKey(),
    stream: text("stream").notNull(),
    /** The stream version the state holds: the events up to and including this one. */
    version: integer("version").notNull(),
    /** The state's encoding version (a build skips one it cannot read). */
    schemaVersion: integer("schema_version").notNull(),
    takenAt: integer("taken_at").notNull(),
    /** The stored (gzipped) payload's length in bytes, and how many chunks hold it. */
    length: integer("length").notNull(),
    chunks: integer("chunks").notNull(),
  },
  (t) => [index("snapshots_by_stream_version").on(t.stream, t.version)],
)

export const snapshotChunks = sqliteTable(
  "snapshot_chunks",
  {
    snapshotId: text("snapshot_id").notNull(),
    stream: text("stream").notNull(),
    version: integer("version").notNull(),
    seq: integer("seq").notNull(),
    data: blob("data").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.snapshotId, t.seq] }),
    index("snapshot_chunks_by_stream_version").on(t.stream, t.version),
  ],
)

// ---------------------------------------------------------------------------------------------
// Read models (issue 22; docs/read-models.md): tables kept by projectors from the
// event log, never written by a command. Each projector's checkpoint is a row of `projections`,
// moved in the same transaction as the rows it wrote; readmodels/*-sql.ts hold their SQL.
// ---------------------------------------------------------------------------------------------

/** The CHECK a projector's checkpoint claim trips when another projector moved it first. */
export const PROJECTION_MOVED_GUARD = "projection_moved"

export const projections = sqliteTable(
  "projections",
  {
    /** The projector, e.g. "history". */
    name: text("name").primaryKey(),
    /** The version of the last event of the center's stream it applied. */
    position: integer("position").notNull(),
  },
  (t) => [check(PROJECTION_MOVED_GUARD, sql`${t.position} >= 0`)],
)

/** E8: call history, one row per routed work item (ordinary calls and callbacks, never emergency). */
export const callHistory = sqliteTable(
  "call_history",
  {
    itemId: text("item_id").primaryKey(),
    queueId: text("queue_id").notNull(),
    workstreamId: text("workstream_id"),
    priority: integer("priority").notNull(),
    fromNumber: text("from_number"),
    toNumber: text("to_number"),
    arrivedAt: integer("arrived_at").notNull(),
    outcome: text("outcome").notNull(),
    repId: text("rep_id"),
    offers: integer("offers").notNull(),
    refusals: integer("refusals").notNull(),
    answeredAt: integer("answered_at"),
    endedAt: integer("ended_at"),
    handleMs: integer("handle_ms"),
    kind: text("kind").notNull(),
    endReason: text("end_reason"),
    attempts: integer("attempts").notNull(),
    joinedInto: text("joined_into"),
    transferredFrom: text("transferred_from"),
  },
  // History's order is (arrived_at, item_id); each filter has an index that ends in it.
  (t) => [
    index("call_history_by_arrival").on(t.arrivedAt, t.itemId),
    index("call_history_by_queue").on(t.queueId, t.arrivedAt, t.itemId),
    index("call_history_by_rep").on(t.repId, t.arrivedAt, t.itemId),
    index("call_history_by_outcome").on(t.outcome, t.arrivedAt, t.itemId),
  ],
)

/**
 * Issue 9: the audit trail, one row per configuration change; `seq` is its event's stream
 * version. Values are JSON. Pages are by seq; a target (or a prefix of whole segments) and a
 * time each have an index that ends in seq.
 */
export const auditEntries = sqliteTable(
  "audit_entries",
  {
    seq: integer("seq").primaryKey(),
    at: integer("at"),
    actorRole: text("actor_role"),
    actorName: text("actor_name"),
    kind: text("kind").notNull(),
    target: text("target").notNull(),
    before: text("before").notNull(),
    after: text("after").notNull(),
  },
  (t) => [
    index("audit_entries_by_target").on(t.target, t.seq),
    index("audit_entries_by_time").on(t.at, t.seq),
  ],
)

/** Each audited setting's current value (JSON): the next change's `before`, without the trail. */
export const auditSettings = sqliteTable("audit_settings", {
  target: text("target").primaryKey(),
  value: text("value").notNull(),
})

/** B6: every email Lifeline sent or tried to send and what became of it (attempts as JSON). */
export const deliveries = sqliteTable(
  "deliveries",
  {
    messageId: text("message_id").primaryKey(),
    purpose: text("purpose").notNull(),
    ref: text("ref").notNull(),
    channel: text("channel").notNull(),
    toAddresses: text("to_addresses").notNull(),
    queuedAt: integer("queued_at").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull(),
    retryAt: integer("retry_at"),
    providerId: text("provider_id"),
    history: text("history").notNull(),
  },
  // Deliveries' order is (queued_at, message_id); by purpose for the emergency notifications.
  (t) => [
    index("deliveries_by_queued").on(t.queuedAt, t.messageId),
    index("deliveries_by_purpose").on(t.purpose, t.queuedAt, t.messageId),
  ],
)

/** E1/E3/B5: the emergency operator log, one row per record; `seq` is its event's stream version. */
export const operatorLog = sqliteTable("operator_log", {
  seq: integer("seq").primaryKey(),
  tag: text("tag").notNull(),
  at: integer("at").notNull(),
  record: text("record").notNull(),
})
