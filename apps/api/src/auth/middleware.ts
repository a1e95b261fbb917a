import type { MiddlewareHandler } from "hono"
import { principalForKey } from "./keys"
import type { Principal } from "./principal"

/** `requestId` is set by hono/request-id (app.ts, when the request log is on). */
export type AuthEnv = { Variables: { principal: Principal | undefined; requestId: string | undefined } }

/**
 * Finds the caller from `Authorization: Bearer <key>` (or `X-Api-Key`). Browsers cannot set
 * headers on EventSource, so the live-events route alone also takes `?access_token=`.
 * Handlers decide what the caller may do; an absent principal is a 401 there.
 */
export const authenticate =
  (keys: ReadonlyMap<string, Principal>): MiddlewareHandler<AuthEnv> =>
  async (c, next) => {
    const header = c.req.header("authorization")
    const bearer = header?.startsWith("Bearer ") === true ? header.slice(7).trim() : undefined
    const token =
      bearer ??
      c.req.header("x-api-key") ??
      (c.req.path === "/api/events" ? c.req.query("access_token") : undefined)
    c.set("principal", token === undefined || token === "" ? undefined : principalForKey(keys, token))
    await next()
  }
