import type { SessionView } from "@lifeline/adapters"
import { ROUTES } from "@lifeline/client"
import { Id } from "@lifeline/core/ids"
import { UnknownEntity } from "@lifeline/core/kernel"
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { AuthOptions, SessionSignals } from "../auth/session"
import { authNow } from "../auth/session"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { DECODE_OPTIONS } from "../request-body"
import { whoAmI } from "./auth"

/** Sessions per answer at most: an admin narrows by rep. */
const SESSIONS_MAX = 500

const SessionsQuery = Schema.Struct({
  repId: Schema.optionalKey(Id),
  ended: Schema.optionalKey(Schema.Literals(["true", "false"])),
})
const decodeQuery = Schema.decodeUnknownEffect(SessionsQuery, DECODE_OPTIONS)

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** A session as an admin sees it: who, since when, until when; never its secret. */
export const sessionWire = (s: SessionView) => ({
  sessionId: s.id,
  person: s.person,
  ...whoAmI(s.principal),
  source: s.source,
  createdAt: iso(s.createdAt),
  lastSeenAt: iso(s.lastSeenAt),
  expiresAt: iso(s.expiresAt),
  endedAt: iso(s.endedAt),
  endedReason: s.endedReason,
})

/**
 * Issue 21, N4: admins list people's sessions (a rep's with `?repId=`) and end one; the person's
 * next request, on any node, is refused, and a live stream of that session on this node closes.
 */
export const sessionRoutes = (handle: Handle, auth: AuthOptions, signals: SessionSignals) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      route("sessions", {
        query: {
          repId: "Only this rep's sessions",
          ended: "true: ended, expired and idle ones too (default: only those that give access)",
        },
      }),
      handle(ROUTES.sessions.roles, (c) =>
        Effect.gen(function* () {
          const q = yield* decodeQuery(c.req.query())
          const sessions = yield* auth.store.listSessions({
            ...(q.repId === undefined ? {} : { repId: q.repId }),
            ...(q.ended === "true" ? {} : { activeAt: { now: authNow(auth), idleMs: auth.session.idleMs } }),
            limit: SESSIONS_MAX,
          })
          return c.json({ sessions: sessions.map(sessionWire) })
        }),
      ),
    )
    .delete(
      "/:sessionId",
      route("endSession"),
      handle(ROUTES.endSession.roles, (c, who) =>
        Effect.gen(function* () {
          // Checked by the authorization table (an Id) before the handler runs.
          const sessionId = c.req.param("sessionId") ?? ""
          const now = authNow(auth)
          const ended = yield* auth.store.endSession({ id: sessionId }, now, `ended by ${who.name}`)
          if (ended === undefined)
            return yield* Effect.fail(
              new UnknownEntity({ entity: "open session", id: sessionId, field: "sessionId" }),
            )
          signals.ended(ended)
          yield* auth.store.audit({
            at: now,
            kind: "session-ended",
            actor: { role: who.role, name: who.name },
            target: ended.id,
            detail: { person: ended.person, role: ended.principal.role },
          })
          return c.json(sessionWire({ ...ended, endedAt: now, endedReason: `ended by ${who.name}` }))
        }),
      ),
    )
