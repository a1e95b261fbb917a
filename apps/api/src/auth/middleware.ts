import type { MiddlewareHandler } from "hono"
import type { Logger } from "../ops/log"
import { principalForKey } from "./keys"
import { type AuthFailureLimiter, clientAddress } from "./limit"
import type { Principal } from "./principal"
import { hashSecret } from "./secrets"
import {
  type AuthOptions,
  authNow,
  checkSession,
  clearSessionCookie,
  type makeCsrfGuard,
  type Run,
  refusalMessage,
  sessionSecret,
  TOUCH_AFTER_MS,
} from "./session"

/**
 * `requestId` is set by hono/request-id (app.ts, when the request log is on); `session` is the
 * public id of the session a cookie-authenticated request came with (events.ts closes its stream
 * when the session ends).
 */
export type AuthEnv = {
  Variables: {
    principal: Principal | undefined
    requestId: string | undefined
    session: string | undefined
  }
}

export interface AuthenticateOptions {
  /** Keys from LIFELINE_API_KEYS (or the demo's), by digest. */
  readonly keys: ReadonlyMap<string, Principal>
  readonly limiter?: AuthFailureLimiter
  readonly log?: Logger
  /** Sessions and stored keys (issue 21); keys from the settings alone when absent. */
  readonly auth?: AuthOptions
  readonly run?: Run
  readonly csrf?: ReturnType<typeof makeCsrfGuard>
}

const bearerOf = (header: string | undefined) =>
  header?.startsWith("Bearer ") === true ? header.slice(7).trim() : undefined

const UNSAFE = /^(POST|PUT|PATCH|DELETE)$/

/**
 * Finds the caller (N4): an API key in `Authorization: Bearer <key>` (or `X-Api-Key`) for
 * integrators and scripts, else the session cookie of a person signed in (issue 21). No
 * credential is ever taken from the URL. Handlers decide what the caller may do; an absent
 * principal is a 401 there.
 *
 * With a `limiter`, a key nobody issued counts against the client's address; an address over
 * the limit gets 429 with `Retry-After` for any key until its window ends (issue 16). A session
 * cookie that gives no access (ended, expired, idle, unknown) is a 401 saying so, and cleared;
 * an unsafe request with a session cookie must pass the CSRF check.
 */
export const authenticate =
  (options: AuthenticateOptions): MiddlewareHandler<AuthEnv> =>
  async (c, next) => {
    const { limiter, log, auth, run } = options
    c.set("session", undefined)
    const token = bearerOf(c.req.header("authorization")) ?? c.req.header("x-api-key")
    if (token !== undefined && token !== "") {
      const address = limiter === undefined ? undefined : clientAddress(c)
      if (limiter !== undefined && address !== undefined) {
        const waitMs = limiter.blockedFor(address)
        if (waitMs > 0) {
          const seconds = Math.max(1, Math.ceil(waitMs / 1000))
          return c.json(
            {
              error: {
                code: "TooManyAuthFailures",
                message: `too many requests with a bad API key from this address: retry after ${seconds} s`,
              },
            },
            429,
            { "retry-after": String(seconds) },
          )
        }
      }
      const principal =
        principalForKey(options.keys, token) ??
        (auth === undefined || run === undefined
          ? undefined
          : (await run(auth.store.useKey(hashSecret(token), authNow(auth), TOUCH_AFTER_MS)))?.principal)
      if (principal === undefined && limiter !== undefined && address !== undefined && limiter.fail(address))
        // Neither the address nor the key: an operator sees that the limit works, not who.
        log?.warn("failed authentications over the limit: an address is refused until its window ends", {
          maxFailures: limiter.limits.maxFailures,
          windowSeconds: Math.round(limiter.limits.windowMs / 1000),
        })
      c.set("principal", principal)
      return next()
    }
    const secret = auth === undefined || run === undefined ? undefined : sessionSecret(auth, c)
    if (auth === undefined || run === undefined || secret === undefined) {
      c.set("principal", undefined)
      return next()
    }
    const checked = await run(checkSession(auth, secret))
    if (checked._tag === "refused") {
      clearSessionCookie(auth, c)
      return c.json({ error: { code: "SessionEnded", message: refusalMessage(checked.reason) } }, 401)
    }
    if (UNSAFE.test(c.req.method) && options.csrf !== undefined) {
      const refused = await options.csrf(c)
      if (refused !== undefined) return refused
    }
    c.set("principal", checked.session.principal)
    c.set("session", checked.session.id)
    return next()
  }
