import type { Client, InStatement, Row } from "@libsql/client"
import type { StoreUnavailable } from "@lifeline/core/ports"
import { Context, Effect, Layer } from "effect"
import { run } from "../readmodels/projector"
import { type LibsqlStoreOptions, openDatabase } from "../store/libsql/open"

/**
 * Sign-in's durable state (issue 21; SPEC N4, N7; tables `sessions`, `sign_ins`, `api_keys`,
 * `auth_audit` in store/libsql/schema.ts). It lives in SQL, so a session started on one node
 * works on every node and ends on every node at once. Only hashes of secrets are stored.
 */

/** Whom a session or key stands for: the API's Principal (N4), as stored. */
export type AuthPrincipal =
  | { readonly role: "admin"; readonly name: string }
  | { readonly role: "integrator"; readonly name: string }
  | { readonly role: "supervisor"; readonly name: string; readonly queues: ReadonlySet<string> | "all" }
  | { readonly role: "rep"; readonly name: string; readonly repId: string }

export type SessionSource = "oidc" | "demo"

/** A session as an admin lists it: never its secret nor the secret's hash. */
export interface SessionView {
  readonly id: string
  readonly person: string
  readonly principal: AuthPrincipal
  readonly source: SessionSource
  readonly createdAt: number
  readonly lastSeenAt: number
  readonly expiresAt: number
  readonly endedAt: number | null
  readonly endedReason: string | null
}

/** Why a presented session gives no access. */
export type SessionRefusal = "unknown" | "ended" | "expired" | "idle"

export type SessionCheck =
  | { readonly _tag: "active"; readonly session: SessionView }
  | { readonly _tag: "refused"; readonly reason: SessionRefusal; readonly session?: SessionView }

export interface NewSession {
  readonly id: string
  readonly tokenHash: string
  readonly person: string
  readonly principal: AuthPrincipal
  readonly source: SessionSource
  readonly now: number
  readonly expiresAt: number
}

export interface PendingSignIn {
  readonly idHash: string
  readonly state: string
  readonly nonce: string
  readonly codeVerifier: string
  readonly createdAt: number
}

export interface KeyView {
  readonly id: string
  readonly name: string
  readonly principal: AuthPrincipal
  readonly createdAt: number
  readonly createdBy: string
  readonly lastUsedAt: number | null
  readonly revokedAt: number | null
  readonly revokedBy: string | null
}

export type AuthAuditKind =
  | "sign-in"
  | "sign-in-failed"
  | "sign-out"
  | "session-ended"
  | "key-created"
  | "key-revoked"

export interface AuthAuditEntry {
  readonly seq: number
  readonly at: number
  readonly kind: AuthAuditKind
  readonly actor: { readonly role: string; readonly name: string } | null
  readonly target: string | null
  readonly detail: Readonly<Record<string, unknown>>
}

export type NewAuthAuditEntry = Omit<AuthAuditEntry, "seq">

/** What sessions the store checks, and how often it records that one is still used. */
export interface SessionPolicy {
  readonly now: number
  /** A session unused this long ends (LIFELINE_SESSION_IDLE_MINUTES). */
  readonly idleMs: number
  /** `last_seen_at` is written at most this often per session (one write, not one per request). */
  readonly touchAfterMs: number
}

/** Sessions and sign-ins ended this long ago are deleted (the audit keeps what happened). */
export const AUTH_RETENTION_MS = 30 * 24 * 3600_000

/** Audit entries per page at most. */
export const AUTH_AUDIT_PAGE_MAX = 500

type Failing<A> = Effect.Effect<A, StoreUnavailable>

export class AuthStore extends Context.Service<
  AuthStore,
  {
    readonly startSignIn: (pending: PendingSignIn) => Failing<void>
    /** The pending sign-in, removed (it is single-use); undefined when unknown or older than `since`. */
    readonly takeSignIn: (idHash: string, since: number) => Failing<PendingSignIn | undefined>
    readonly createSession: (session: NewSession) => Failing<void>
    /** The session a cookie's hash names, if it still gives access; touched when due. */
    readonly checkSession: (tokenHash: string, policy: SessionPolicy) => Failing<SessionCheck>
    /** Ends one session, by its cookie's hash or its public id; the session as it was, if open. */
    readonly endSession: (
      by: { readonly tokenHash: string } | { readonly id: string },
      now: number,
      reason: string,
    ) => Failing<SessionView | undefined>
    /**
     * Sessions, newest first: of one rep, or every one; only those that give access under
     * `activeAt` (not ended, expired or idle), or every one when it is absent.
     */
    readonly listSessions: (query: {
      readonly repId?: string
      readonly activeAt?: Omit<SessionPolicy, "touchAfterMs">
      readonly limit: number
    }) => Failing<readonly SessionView[]>
    readonly createKey: (key: {
      readonly id: string
      readonly tokenHash: string
      readonly name: string
      readonly principal: AuthPrincipal
      readonly createdBy: string
      readonly now: number
    }) => Failing<void>
    /** The key a hash names unless revoked; its last use is recorded when due. */
    readonly useKey: (tokenHash: string, now: number, touchAfterMs: number) => Failing<KeyView | undefined>
    readonly revokeKey: (id: string, by: string, now: number) => Failing<KeyView | undefined>
    readonly listKeys: Failing<readonly KeyView[]>
    readonly audit: (entry: NewAuthAuditEntry) => Failing<void>
    /** Audit entries after `after` (a seq), oldest first, or before `before`, newest first. */
    readonly auditPage: (query: {
      readonly after?: number
      readonly before?: number
      readonly limit: number
    }) => Failing<{ readonly entries: readonly AuthAuditEntry[]; readonly next: number | null }>
  }
>()("lifeline/AuthStore") {}

// --- rows ------------------------------------------------------------------------------------

/** The principal's subject as the `rep_id` and `queues` columns hold it. */
const subjectColumns = (p: AuthPrincipal): [string | null, string | null] =>
  p.role === "rep"
    ? [p.repId, null]
    : p.role === "supervisor"
      ? [null, p.queues === "all" ? "*" : JSON.stringify([...p.queues])]
      : [null, null]

const principalOf = (role: unknown, name: unknown, repId: unknown, queues: unknown): AuthPrincipal => {
  const n = String(name)
  switch (role) {
    case "admin":
    case "integrator":
      return { role, name: n }
    case "supervisor":
      return {
        role,
        name: n,
        queues: queues === "*" || queues === null ? "all" : new Set(JSON.parse(String(queues)) as string[]),
      }
    case "rep":
      return { role, name: n, repId: String(repId) }
    default:
      // Only this module writes the column: a row it cannot read is a defect, not a caller's error.
      throw new Error(`auth store: unknown role in a stored row`)
  }
}

const num = (v: unknown): number | null => (v === null ? null : Number(v))

const SESSION_COLUMNS =
  "id, person, name, role, rep_id, queues, source, created_at, last_seen_at, expires_at, ended_at, ended_reason"

const sessionOfRow = (r: Row): SessionView => ({
  id: String(r[0]),
  person: String(r[1]),
  principal: principalOf(r[3], r[2], r[4], r[5]),
  source: String(r[6]) as SessionSource,
  createdAt: Number(r[7]),
  lastSeenAt: Number(r[8]),
  expiresAt: Number(r[9]),
  endedAt: num(r[10]),
  endedReason: r[11] === null ? null : String(r[11]),
})

const KEY_COLUMNS =
  "id, name, role, rep_id, queues, created_at, created_by, last_used_at, revoked_at, revoked_by"

const keyOfRow = (r: Row): KeyView => ({
  id: String(r[0]),
  name: String(r[1]),
  principal: principalOf(r[2], r[1], r[3], r[4]),
  createdAt: Number(r[5]),
  createdBy: String(r[6]),
  lastUsedAt: num(r[7]),
  revokedAt: num(r[8]),
  revokedBy: r[9] === null ? null : String(r[9]),
})

const AUDIT_COLUMNS = "seq, at, kind, actor_role, actor_name, target, detail"

const auditOfRow = (r: Row): AuthAuditEntry => ({
  seq: Number(r[0]),
  at: Number(r[1]),
  kind: String(r[2]) as AuthAuditKind,
  actor: r[3] === null ? null : { role: String(r[3]), name: String(r[4]) },
  target: r[5] === null ? null : String(r[5]),
  detail: JSON.parse(String(r[6])) as Record<string, unknown>,
})

/** Whether a stored session still gives access under the policy, and why not. */
const refusalOf = (s: SessionView, policy: SessionPolicy): SessionRefusal | undefined => {
  if (s.endedAt !== null) return s.endedReason === "idle" ? "idle" : "ended"
  if (policy.now >= s.expiresAt) return "expired"
  if (policy.now - s.lastSeenAt >= policy.idleMs) return "idle"
  return undefined
}

// --- the libSQL implementation ---------------------------------------------------------------

/** The auth store over an open client whose schema is migrated (0005_sessions). */
export const makeLibsqlAuthStore = (client: Client): AuthStore["Service"] => {
  const exec = (action: string, statement: InStatement) => run(action, () => client.execute(statement))
  const first = <A>(action: string, statement: InStatement, decode: (row: Row) => A) =>
    Effect.map(exec(action, statement), (result) => {
      const row = result.rows[0]
      return row === undefined ? undefined : decode(row)
    })
  const sessionBy = (column: "token_hash" | "id", value: string) =>
    first(
      "read a session",
      { sql: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${column} = ?`, args: [value] },
      sessionOfRow,
    )
  return {
    startSignIn: (p) =>
      Effect.asVoid(
        run("store a sign-in", () =>
          client.batch(
            [
              // Abandoned sign-ins go as new ones start: the table holds minutes' worth.
              { sql: "DELETE FROM sign_ins WHERE created_at < ?", args: [p.createdAt - 3600_000] },
              {
                sql: "INSERT INTO sign_ins (id_hash, state, nonce, code_verifier, created_at) VALUES (?, ?, ?, ?, ?)",
                args: [p.idHash, p.state, p.nonce, p.codeVerifier, p.createdAt],
              },
            ],
            "write",
          ),
        ),
      ),
    takeSignIn: (idHash, since) =>
      Effect.map(
        exec("take a sign-in", {
          sql: "DELETE FROM sign_ins WHERE id_hash = ? RETURNING id_hash, state, nonce, code_verifier, created_at",
          args: [idHash],
        }),
        (result) => {
          const r = result.rows[0]
          if (r === undefined || Number(r[4]) < since) return undefined
          return {
            idHash: String(r[0]),
            state: String(r[1]),
            nonce: String(r[2]),
            codeVerifier: String(r[3]),
            createdAt: Number(r[4]),
          }
        },
      ),
    createSession: (s) => {
      const [repId, queues] = subjectColumns(s.principal)
      return Effect.asVoid(
        run("store a session", () =>
          client.batch(
            [
              {
                sql: "DELETE FROM sessions WHERE expires_at < ?",
                args: [s.now - AUTH_RETENTION_MS],
              },
              {
                sql: `INSERT INTO sessions (id, token_hash, person, name, role, rep_id, queues, source, created_at, last_seen_at, expires_at)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
                args: [
                  s.id,
                  s.tokenHash,
                  s.person,
                  s.principal.name,
                  s.principal.role,
                  repId,
                  queues,
                  s.source,
                  s.now,
                  s.now,
                  s.expiresAt,
                ],
              },
            ],
            "write",
          ),
        ),
      )
    },
    checkSession: (tokenHash, policy) =>
      Effect.gen(function* () {
        const session = yield* sessionBy("token_hash", tokenHash)
        if (session === undefined) return { _tag: "refused", reason: "unknown" } as const
        const reason = refusalOf(session, policy)
        if (reason !== undefined) return { _tag: "refused", reason, session } as const
        if (policy.now - session.lastSeenAt >= policy.touchAfterMs)
          yield* exec("touch a session", {
            sql: "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
            args: [policy.now, session.id, policy.now],
          })
        return { _tag: "active", session } as const
      }),
    endSession: (by, now, reason) =>
      Effect.gen(function* () {
        const [column, value] =
          "id" in by ? (["id", by.id] as const) : (["token_hash", by.tokenHash] as const)
        const ended = yield* first(
          "end a session",
          {
            sql: `UPDATE sessions SET ended_at = ?, ended_reason = ? WHERE ${column} = ? AND ended_at IS NULL RETURNING ${SESSION_COLUMNS}`,
            args: [now, reason, value],
          },
          sessionOfRow,
        )
        return ended
      }),
    listSessions: (q) => {
      const where: string[] = []
      const args: (string | number)[] = []
      if (q.repId !== undefined) {
        where.push("rep_id = ?")
        args.push(q.repId)
      }
      if (q.activeAt !== undefined) {
        where.push("ended_at IS NULL", "expires_at > ?", "last_seen_at > ?")
        args.push(q.activeAt.now, q.activeAt.now - q.activeAt.idleMs)
      }
      return Effect.map(
        exec("list sessions", {
          sql: `SELECT ${SESSION_COLUMNS} FROM sessions${where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`} ORDER BY created_at DESC, id LIMIT ?`,
          args: [...args, q.limit],
        }),
        (result) => result.rows.map(sessionOfRow),
      )
    },
    createKey: (k) => {
      const [repId, queues] = subjectColumns(k.principal)
      return Effect.asVoid(
        exec("store an API key", {
          sql: `INSERT INTO api_keys (id, token_hash, name, role, rep_id, queues, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          args: [k.id, k.tokenHash, k.name, k.principal.role, repId, queues, k.now, k.createdBy],
        }),
      )
    },
    useKey: (tokenHash, now, touchAfterMs) =>
      Effect.gen(function* () {
        const key = yield* first(
          "read an API key",
          {
            sql: `SELECT ${KEY_COLUMNS} FROM api_keys WHERE token_hash = ? AND revoked_at IS NULL`,
            args: [tokenHash],
          },
          keyOfRow,
        )
        if (key !== undefined && (key.lastUsedAt === null || now - key.lastUsedAt >= touchAfterMs))
          yield* exec("record an API key's use", {
            sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?",
            args: [now, key.id],
          })
        return key
      }),
    revokeKey: (id, by, now) =>
      first(
        "revoke an API key",
        {
          sql: `UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL RETURNING ${KEY_COLUMNS}`,
          args: [now, by, id],
        },
        keyOfRow,
      ),
    listKeys: Effect.map(
      exec("list API keys", { sql: `SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`, args: [] }),
      (result) => result.rows.map(keyOfRow),
    ),
    audit: (e) =>
      Effect.asVoid(
        exec("record a sign-in audit entry", {
          sql: "INSERT INTO auth_audit (at, kind, actor_role, actor_name, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
          args: [
            e.at,
            e.kind,
            e.actor?.role ?? null,
            e.actor?.name ?? null,
            e.target,
            JSON.stringify(e.detail),
          ],
        }),
      ),
    auditPage: (q) => {
      const limit = Math.max(1, Math.min(q.limit, AUTH_AUDIT_PAGE_MAX))
      const newest = q.before !== undefined
      const statement: InStatement = newest
        ? {
            sql: `SELECT ${AUDIT_COLUMNS} FROM auth_audit WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
            args: [q.before ?? 0, limit + 1],
          }
        : {
            sql: `SELECT ${AUDIT_COLUMNS} FROM auth_audit WHERE seq > ? ORDER BY seq ASC LIMIT ?`,
            args: [q.after ?? 0, limit + 1],
          }
      return Effect.map(exec("read the sign-in audit", statement), (result) => {
        const entries = result.rows.slice(0, limit).map(auditOfRow)
        const next = result.rows.length > limit ? (entries.at(-1)?.seq ?? null) : null
        return { entries, next }
      })
    },
  }
}

/** The auth store on its own connection to the node's database (migrated on open). */
export const LibsqlAuthStoreLive = (url: string, options: LibsqlStoreOptions = {}) =>
  Layer.effect(AuthStore, Effect.map(openDatabase(url, options), makeLibsqlAuthStore))
