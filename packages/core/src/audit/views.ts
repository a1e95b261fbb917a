import type { AuditEntry, AuditState } from "./trail"

/** The most entries one page may hold. */
export const AUDIT_PAGE_MAX = 1_000

export interface AuditQuery {
  /** A setting (`reps/ana/emergency-contacts`) or a prefix of whole segments (`reps/ana`). */
  readonly target?: string
  /** Only changes made at or after this epoch ms (changes without a time are left out). */
  readonly since?: number
  /** Only entries with a larger `seq`: the cursor when reading oldest first. */
  readonly after?: number
  /** Only entries with a smaller `seq`: the cursor when reading newest first. */
  readonly before?: number
  /** Oldest first (the default) or newest first. */
  readonly order?: "oldest" | "newest"
  readonly limit: number
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[]
  /** The cursor for the next page (`after` oldest first, `before` newest first); null at the end. */
  readonly next: number | null
}

const matches = (entry: AuditEntry, q: AuditQuery): boolean =>
  (q.target === undefined || entry.target === q.target || entry.target.startsWith(`${q.target}/`)) &&
  (q.since === undefined || (entry.at !== null && entry.at >= q.since))

/** Index of the first entry with a seq above `seq` (entries are in seq order). */
const firstAbove = (entries: readonly AuditEntry[], seq: number): number => {
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((entries[mid] as AuditEntry).seq <= seq) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** One page of the audit trail between the cursors. Entries are never changed, so they are shared. */
export const auditTrail = (audit: AuditState, q: AuditQuery): AuditPage => {
  const limit = Math.max(1, Math.min(q.limit, AUDIT_PAGE_MAX))
  const { entries } = audit
  const from = firstAbove(entries, q.after ?? 0)
  const to = q.before === undefined ? entries.length : firstAbove(entries, q.before - 1)
  const newest = q.order === "newest"
  const page: AuditEntry[] = []
  for (let n = from; n < to; n++) {
    const entry = entries[newest ? to - 1 - (n - from) : n] as AuditEntry
    if (!matches(entry, q)) continue
    if (page.length === limit) return { entries: page, next: (page.at(-1) as AuditEntry).seq }
    page.push(entry)
  }
  return { entries: page, next: null }
}
