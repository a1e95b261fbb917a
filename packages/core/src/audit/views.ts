import type { AuditEntry, AuditState } from "./trail"

/** The most entries one page may hold. */
export const AUDIT_PAGE_MAX = 1_000

export interface AuditQuery {
  /** A setting (`reps/ana/emergency-contacts`) or a prefix of whole segments (`reps/ana`). */
  readonly target?: string
  /** Only changes made at or after this epoch ms (changes without a time are left out). */
  readonly since?: number
  /** The cursor: only entries with a larger `seq`. */
  readonly after?: number
  readonly limit: number
}

export interface AuditPage {
  /** Oldest first. */
  readonly entries: readonly AuditEntry[]
  /** The `after` for the next page; null when this page holds the last match. */
  readonly next: number | null
}

const matches = (entry: AuditEntry, q: AuditQuery): boolean =>
  (q.target === undefined || entry.target === q.target || entry.target.startsWith(`${q.target}/`)) &&
  (q.since === undefined || (entry.at !== null && entry.at >= q.since))

/** Index of the first entry with a seq above `after` (entries are in seq order). */
const firstAfter = (entries: readonly AuditEntry[], after: number): number => {
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((entries[mid] as AuditEntry).seq <= after) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** One page of the audit trail, oldest first. Entries are never changed, so they are shared. */
export const auditTrail = (audit: AuditState, q: AuditQuery): AuditPage => {
  const limit = Math.max(1, Math.min(q.limit, AUDIT_PAGE_MAX))
  const page: AuditEntry[] = []
  for (let i = firstAfter(audit.entries, q.after ?? 0); i < audit.entries.length; i++) {
    const entry = audit.entries[i] as AuditEntry
    if (!matches(entry, q)) continue
    if (page.length === limit) return { entries: page, next: (page.at(-1) as AuditEntry).seq }
    page.push(entry)
  }
  return { entries: page, next: null }
}
