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
    /** W1: "inbound" (routed work) or "outbound" (a call a rep placed, in no queue). */
    direction: text("direction").notNull().default("inbound"),
    /** W1: the rep's wrap-up disposition. */
    disposition: text("disposition"),
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

// ---------------------------------------------------------------------------------------------
// Sign-in (issue 21; SPEC N4, N7; docs/operations.md "Sign-in"): the people's sessions, the
// integrators' API keys and the sign-in audit, kept in SQL so every node sees the same ones. A
// session's or key's secret is never stored: only its SHA-256 (`token_hash`).
// ---------------------------------------------------------------------------------------------

/**
 * A person's server-side session behind the HttpOnly cookie. `id` is a public reference an
 * admin lists and ends sessions by; the cookie holds the secret whose hash is `token_hash`.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    /** Who signed in: `<issuer> <sub>` for the identity provider, `demo:<person>` for the demo. */
    person: text("person").notNull(),
    name: text("name").notNull(),
    /** The role the claim mapping gave at sign-in, with its subject (rep id or queues). */
    role: text("role").notNull(),
    repId: text("rep_id"),
    /** JSON array of queue ids, or "*" for every queue; supervisors only. */
    queues: text("queues"),
    source: text("source").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    /** The absolute end (LIFELINE_SESSION_MAX_HOURS after sign-in). */
    expiresAt: integer("expires_at").notNull(),
    endedAt: integer("ended_at"),
    /** Why it ended: sign-out, ended by an admin (named), idle. */
    endedReason: text("ended_reason"),
  },
  (t) => [index("sessions_by_rep").on(t.repId, t.createdAt), index("sessions_by_expiry").on(t.expiresAt)],
)

/** A sign-in in progress: PKCE verifier, state and nonce until the provider sends the person back. */
export const signIns = sqliteTable(
  "sign_ins",
  {
    /** SHA-256 of the short-lived sign-in cookie's value: it binds the callback to the browser. */
    idHash: text("id_hash").primaryKey(),
    state: text("state").notNull(),
    nonce: text("nonce").notNull(),
    codeVerifier: text("code_verifier").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("sign_ins_by_created").on(t.createdAt)],
)

/** Machine access for integrators: a key shown once, stored hashed, with a name and a scope. */
export const apiKeys = sqliteTable("api_keys", {
  id: text("id").primaryKey(),
  tokenHash: text("token_hash").notNull().unique(),
  name: text("name").notNull(),
  role: text("role").notNull(),
  repId: text("rep_id"),
  queues: text("queues"),
  createdAt: integer("created_at").notNull(),
  createdBy: text("created_by").notNull(),
  lastUsedAt: integer("last_used_at"),
  revokedAt: integer("revoked_at"),
  revokedBy: text("revoked_by"),
})

/**
 * N1: sign-ins, sign-outs, failed sign-ins, sessions ended by an admin, keys created and
 * revoked. Not center events (they are no part of the center's state): their own append-only
 * table, read by admins at GET /api/auth/audit.
 */
export const authAudit = sqliteTable(
  "auth_audit",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    kind: text("kind").notNull(),
    /** Who did it (the person signing in, the admin revoking); null for a failed sign-in. */
    actorRole: text("actor_role"),
    actorName: text("actor_name"),
    /** What it was about: a session's or key's public id, a person. */
    target: text("target"),
    /** JSON: the reason of a failure, the key's name and scope; never a secret. */
    detail: text("detail").notNull(),
  },
  (t) => [index("auth_audit_by_time").on(t.at, t.seq)],
)

/**
 * Issue 20 (SPEC I4): a POST's answer under its `Idempotency-Key`, per caller, shared by every
 * node on the store (apps/api/src/idempotency.ts). `status` is null while the first request
 * runs; rows past `expires_at` (LIFELINE_IDEMPOTENCY_KEY_HOURS after the claim) are forgotten.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** Who asked: the caller's role and name (and rep id), so keys of different callers never meet. */
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of the method, path and body: the same key with another request is refused. */
    fingerprint: text("fingerprint").notNull(),
    claimedAt: integer("claimed_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    status: integer("status"),
    contentType: text("content_type"),
    body: text("body"),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_keys_by_expiry").on(t.expiresAt)],
)

/**
 * SPEC I3 (issue 20): the endpoints admins register for outbound webhooks. `secret` is the
 * Standard Webhooks signing secret (`whsec_…`), kept to sign and shown to the admin once; an
 * endpoint removed keeps its row (`disabled_at`) so its delivery log still reads.
 */
export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  endpointId: text("endpoint_id").primaryKey(),
  url: text("url").notNull(),
  /** JSON array of the webhook types it receives. */
  types: text("types").notNull(),
  secret: text("secret").notNull(),
  createdAt: integer("created_at").notNull(),
  createdBy: text("created_by").notNull(),
  disabledAt: integer("disabled_at"),
})

/**
 * SPEC I3: one message to one endpoint, written by the webhooks projector from a center event
 * (at least once: the row exists before any attempt) and sent by any node that claims it
 * (`claimed_until`). `message_id` is the Standard Webhooks `webhook-id`: the same on every retry
 * and replay. `seq` is the center event's version.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    deliveryId: text("delivery_id").primaryKey(),
    messageId: text("message_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    payload: text("payload").notNull(),
    createdAt: integer("created_at").notNull(),
    /** pending, delivered, failed (out of attempts) or cancelled (its endpoint was removed). */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    claimedUntil: integer("claimed_until"),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    lastAttemptAt: integer("last_attempt_at"),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    index("webhook_deliveries_due").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_by_endpoint").on(t.endpointId, t.seq),
  ],
)

/**
 * Issue 19: each rep's Azure Communication Services user, created once through the identity
 * service and kept here, so every node issues the rep's calling tokens for the same identity
 * and redirects its calls to it (identity/acs-identity.ts).
 */
export const repAcsIdentities = sqliteTable("rep_acs_identities", {
  repId: text("rep_id").primaryKey(),
  /** The ACS user's raw id, `8:acs:<resource>_<guid>`. */
  acsUserId: text("acs_user_id").notNull(),
  createdAt: integer("created_at").notNull(),
})

/**
 * I2, issue 20: every callback, open or closed, for the callback list (newest first, filtered
 * by queue, status, number and time); kept by its projector (readmodels/callbacks-libsql.ts).
 */
export const callbacks = sqliteTable(
  "callbacks",
  {
    callbackId: text("callback_id").primaryKey(),
    number: text("number").notNull(),
    queueId: text("queue_id").notNull(),
    source: text("source").notNull(),
    status: text("status").notNull(),
    outcome: text("outcome"),
    attempts: integer("attempts").notNull(),
    joined: integer("joined").notNull(),
    requestedAt: integer("requested_at").notNull(),
    windowStart: integer("window_start"),
    windowEnd: integer("window_end"),
    deadline: integer("deadline").notNull(),
    endedAt: integer("ended_at"),
  },
  // The list's order is (requested_at, callback_id) descending; a filter narrows it first.
  (t) => [
    index("callbacks_by_requested").on(t.requestedAt, t.callbackId),
    index("callbacks_by_queue").on(t.queueId, t.requestedAt, t.callbackId),
    index("callbacks_by_number").on(t.number, t.requestedAt, t.callbackId),
    index("callbacks_by_status").on(t.status, t.requestedAt, t.callbackId),
  ],
)
