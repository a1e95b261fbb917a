import { IsoTime, ROUTES } from "@lifeline/client"
import { AUDIT_PAGE_MAX, type AuditEntry } from "@lifeline/core/audit"
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { readModels } from "../live/read-models"
import { route } from "../openapi"
import { DECODE_OPTIONS } from "../request-body"

export { IsoTime }

/** A whole number in [min, max], written in the query (a blank one is not 0). */
export const Count = (min: number, max: number) =>
  Schema.String.check(
    Schema.makeFilter((s) => (s.trim() !== "" && !Number.isNaN(Number(s))) || "must be a number"),
  )
    .pipe(Schema.decodeTo(Schema.NumberFromString))
    .check(Schema.isInt(), Schema.isBetween({ minimum: min, maximum: max }))

/** GET /api/audit's query (N3: a bad one is a 400 naming the parameter, an unknown one too). */
export const AuditQuery = Schema.Struct({
  target: Schema.optionalKey(Schema.Trimmed.check(Schema.isNonEmpty(), Schema.isMaxLength(512))),
  since: Schema.optionalKey(IsoTime),
  after: Schema.optionalKey(Count(0, Number.MAX_SAFE_INTEGER)),
  before: Schema.optionalKey(Count(1, Number.MAX_SAFE_INTEGER)),
  order: Schema.optionalKey(Schema.Literals(["oldest", "newest"])),
  limit: Schema.optionalKey(Count(1, AUDIT_PAGE_MAX)),
})

const QUERY_DOCS: Record<keyof typeof AuditQuery.fields, string> = {
  target: "A setting, e.g. reps/ana/emergency-contacts, or a prefix of whole segments (reps/ana, queues)",
  since: "Only changes made at or after this ISO 8601 time",
  after: "Only entries with a larger seq: the cursor oldest first (the previous page's `next`)",
  before: "Only entries with a smaller seq: the cursor newest first (the previous page's `next`)",
  order: "oldest (the default) or newest first",
  limit: `Entries per page, 1 to ${AUDIT_PAGE_MAX} (default 100)`,
}

const DEFAULT_LIMIT = 100

const decodeQuery = Schema.decodeUnknownEffect(AuditQuery, DECODE_OPTIONS)

/** An entry as the API answers it: the time in ISO 8601. */
const wire = (e: AuditEntry) => ({ ...e, at: e.at === null ? null : new Date(e.at).toISOString() })

/**
 * Issue 9: the audit trail of configuration changes, admins only (N4). It holds emergency
 * contact addresses before and after each change: personal data no other role may read.
 */
export const auditRoutes = (handle: Handle) =>
  new Hono<AuthEnv>().get(
    "/",
    route("audit", { query: QUERY_DOCS }),
    handle(ROUTES.audit.roles, (c) =>
      Effect.gen(function* () {
        const q = yield* decodeQuery(c.req.query())
        // Issue 22: from the audit trail read model (SQL), not the center's state. Caught up
        // first, so an admin reads the change they just made (admin reads are rare; the
        // projector does the same work a moment later otherwise).
        const { audit } = yield* readModels
        yield* audit.catchUp
        const page = yield* audit.page({
          limit: q.limit ?? DEFAULT_LIMIT,
          ...(q.target === undefined ? {} : { target: q.target }),
          ...(q.since === undefined ? {} : { since: q.since.getTime() }),
          ...(q.after === undefined ? {} : { after: q.after }),
          ...(q.before === undefined ? {} : { before: q.before }),
          ...(q.order === undefined ? {} : { order: q.order }),
        })
        return c.json({ entries: page.entries.map(wire), next: page.next })
      }),
    ),
  )
