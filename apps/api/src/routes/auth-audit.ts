import { AUTH_AUDIT_PAGE_MAX, type AuthAuditEntry } from "@lifeline/adapters"
import { ROUTES } from "@lifeline/client"
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { AuthOptions } from "../auth/session"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { DECODE_OPTIONS } from "../request-body"
import { Count } from "./audit"

const AuthAuditQuery = Schema.Struct({
  after: Schema.optionalKey(Count(0, Number.MAX_SAFE_INTEGER)),
  before: Schema.optionalKey(Count(1, Number.MAX_SAFE_INTEGER)),
  limit: Schema.optionalKey(Count(1, AUTH_AUDIT_PAGE_MAX)),
})
const decodeQuery = Schema.decodeUnknownEffect(AuthAuditQuery, DECODE_OPTIONS)

const wire = (e: AuthAuditEntry) => ({ ...e, at: new Date(e.at).toISOString() })

/**
 * Issue 21, N1: the sign-in audit (sign-ins, sign-outs, failed sign-ins, sessions ended by an
 * admin, keys created and revoked), admins only. Its own table, beside the configuration audit
 * at /api/audit: these are not events of the center (docs/operations.md).
 */
export const authAuditRoutes = (handle: Handle, auth: AuthOptions) =>
  new Hono<AuthEnv>().get(
    "/",
    route("signInAudit", {
      query: {
        after: "Only entries with a larger seq, oldest first (the previous page's `next`)",
        before: "Only entries with a smaller seq, newest first (the previous page's `next`)",
        limit: `Entries per page, 1 to ${AUTH_AUDIT_PAGE_MAX} (default 100)`,
      },
    }),
    handle(ROUTES.signInAudit.roles, (c) =>
      Effect.gen(function* () {
        const q = yield* decodeQuery(c.req.query())
        const page = yield* auth.store.auditPage({
          limit: q.limit ?? 100,
          ...(q.after === undefined ? {} : { after: q.after }),
          ...(q.before === undefined ? {} : { before: q.before }),
        })
        return c.json({ entries: page.entries.map(wire), next: page.next })
      }),
    ),
  )
