import type { Client, InArgs, InStatement, Row } from "@libsql/client"
import {
  type Actor,
  AUDIT_PAGE_MAX,
  type AuditEntry,
  type AuditQuery,
  type AuditReadModel,
  auditTargetsOf,
  projectAuditBatch,
} from "@lifeline/core/audit"
import { Effect } from "effect"
import { readByKeys, run, type SqlProjection, splitPage, upsertRows } from "./projector"

/**
 * The audit trail in SQL (issue 9, issue 22; tables `audit_entries` and `audit_settings`,
 * docs/read-models.md). A projector step loads the current values of the settings its events
 * touch from `audit_settings`, applies the pure `projectAuditBatch` (the same `evolveAudit` as
 * the memory read model), and writes the new entries and the settings' values after them.
 */
export const AUDIT_PROJECTION = "audit"

const ENTRY_COLUMNS = ["seq", "at", "actor_role", "actor_name", "kind", "target", "before", "after"] as const
const SETTING_COLUMNS = ["target", "value"] as const

const entryValues = (e: AuditEntry): unknown[] => [
  e.seq,
  e.at,
  e.actor?.role ?? null,
  e.actor?.name ?? null,
  e.kind,
  e.target,
  JSON.stringify(e.before),
  JSON.stringify(e.after),
]

const entryOfRow = (row: Row): AuditEntry => ({
  seq: Number(row[0]),
  at: row[1] === null ? null : Number(row[1]),
  actor: row[2] === null ? null : { role: String(row[2]) as Actor["role"], name: String(row[3]) },
  kind: String(row[4]) as AuditEntry["kind"],
  target: String(row[5]),
  before: JSON.parse(String(row[6])),
  after: JSON.parse(String(row[7])),
})

const readSettings = (targets: readonly string[]): InStatement => ({
  sql: `SELECT target, value FROM audit_settings WHERE target IN (${targets.map(() => "?").join(", ")})`,
  args: [...targets],
})

export const auditProjection: SqlProjection<Map<string, unknown>> = {
  name: AUDIT_PROJECTION,
  label: "audit trail",
  load: (client, events) =>
    Effect.map(
      readByKeys(client, "read audit settings", auditTargetsOf(events), readSettings, (row) => [
        String(row[0]),
        JSON.parse(String(row[1])) as unknown,
      ]),
      (pairs) => new Map(pairs as [string, unknown][]),
    ),
  writes: (current, events, firstVersion) => {
    const { entries, settings } = projectAuditBatch(current, events, firstVersion)
    return [
      ...upsertRows("audit_entries", ENTRY_COLUMNS, entries.map(entryValues)),
      ...upsertRows(
        "audit_settings",
        SETTING_COLUMNS,
        [...settings].map(([target, value]) => [target, JSON.stringify(value)]),
      ),
    ]
  },
}

/** One page of `auditTrail`'s answer: `limit + 1` entries between the cursors, in the order asked. */
const readAuditPage = (q: AuditQuery, limit: number): InStatement => {
  const parts: string[] = []
  const args: unknown[] = []
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql)
    args.push(...values)
  }
  if (q.after !== undefined) add("seq > ?", q.after)
  if (q.before !== undefined) add("seq < ?", q.before)
  // A setting, or a prefix of whole segments: `q/…` sorts between `q/` and `q0` ('0' follows '/').
  if (q.target !== undefined)
    add("(target = ? OR (target >= ? AND target < ?))", q.target, `${q.target}/`, `${q.target}0`)
  if (q.since !== undefined) add("at >= ?", q.since)
  const where = parts.length === 0 ? "" : ` WHERE ${parts.join(" AND ")}`
  return {
    sql: `SELECT ${ENTRY_COLUMNS.join(", ")} FROM audit_entries${where} ORDER BY seq ${q.order === "newest" ? "DESC" : "ASC"} LIMIT ?`,
    args: [...args, limit + 1] as InArgs,
  }
}

/** The audit trail's reads on libSQL, and its projector (`makeSqlProjector(client, auditProjection)`). */
export const libsqlAuditPage =
  (client: Client): AuditReadModel["Service"]["page"] =>
  (q) => {
    const limit = Math.max(1, Math.min(q.limit, AUDIT_PAGE_MAX))
    return Effect.map(
      run("read the audit trail", () => client.execute(readAuditPage(q, limit))),
      (result) => {
        const { records, next } = splitPage(result.rows, limit, entryOfRow, (last) => last.seq)
        return { entries: records, next }
      },
    )
  }
