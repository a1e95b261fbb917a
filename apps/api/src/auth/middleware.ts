import type { MiddlewareHandler } from "hono"
import type { Logger } from "../ops/log"
import { principalForKey } from "./keys"
import { type AuthFailureLimiter, clientAddress } from "./limit"
import type { Principal } from "./principal"

/** `requestId` is set by hono/request-id (app.ts, when the request log is on). */
export type AuthEnv = { Variables: { principal: Principal | undefined; requestId: string | undefined } }

/**
 * Finds the caller from `Authorization: Bearer <key>` (or `X-Api-Key`). Browsers cannot set
 * headers on EventSource, so the live-events route alone also takes `?access_token=`.
 * Handlers decide what the caller may do; an absent principal is a 401 there.
 *
 * With a `limiter`, a key nobody issued counts against the client's address; an address over
 * the limit gets 429 with `Retry-After` for any key until its window ends (issue 16).
 */
export const authenticate =
  (
    keys: ReadonlyMap<string, Principal>,
    limiter?: AuthFailureLimiter,
    log?: Logger,
  ): MiddlewareHandler<AuthEnv> =>
  async (c, next) => {
    const header = c.req.header("authorization")
    const bearer = header?.startsWith("Bearer ") === true ? header.slice(7).trim() : undefined
    const token =
      bearer ??
      c.req.header("x-api-key") ??
      (c.req.path === "/api/events" ? c.req.query("access_token") : undefined)
    if (token === undefined || token === "") {
      c.set("principal", undefined)
      return next()
    }
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
    const principal = principalForKey(keys, token)
    if (principal === undefined && limiter !== undefined && address !== undefined && limiter.fail(address))
      // Neither the address nor the key: an operator sees that the limit works, not who.
      log?.warn("failed authentications over the limit: an address is refused until its window ends", {
        maxFailures: limiter.limits.maxFailures,
        windowSeconds: Math.round(limiter.limits.windowMs / 1000),
      })
    c.set("principal", principal)
    await next()
  }
