import type { Center } from "@lifeline/core/center"
import type { Store } from "@lifeline/core/ports"
import { Effect, type ManagedRuntime } from "effect"
import type { Context } from "hono"
import { authorize } from "./auth/authorize"
import type { AuthEnv } from "./auth/middleware"
import { Forbidden, type Principal, type Role, Unauthenticated } from "./auth/principal"
import { type ApiError, errorResponse } from "./errors"
import { routeOf } from "./ops/log"

/**
 * The runtime the API runs its Effects on; the composition root picks its layers. Building them
 * may fail (store unreachable), hence `unknown`: main.ts seeds first, so that stops the start.
 */
export type ApiRuntime = ManagedRuntime.ManagedRuntime<Center | Store, unknown>

export type ApiContext = Context<AuthEnv>
export type Handler = (c: ApiContext, who: Principal) => Effect.Effect<Response, ApiError, Center>

/**
 * Adapts an Effect handler to Hono for the given roles (N4): no key is a 401, a role not listed
 * a 403; then the path parameters' ids and the caller's scope over what they name, from the one
 * table in auth/authorize.ts (a bad id is a 400, another's rep, item or queue a 403). Typed
 * failures become error responses, defects reach onError.
 */
export const makeHandle =
  (runtime: ApiRuntime) =>
  (roles: readonly Role[], handler: Handler) =>
  (c: ApiContext): Promise<Response> => {
    const who = c.get("principal")
    const program: Effect.Effect<Response, ApiError, Center> =
      who === undefined
        ? Effect.fail(
            new Unauthenticated({ message: "an API key is required (Authorization: Bearer <key>)" }),
          )
        : roles.includes(who.role)
          ? Effect.andThen(
              authorize(who, c.req.param()),
              Effect.suspend(() => handler(c, who)),
            )
          : Effect.fail(new Forbidden({ message: `a ${who.role} may not ${c.req.method} ${c.req.path}` }))
    const route = routeOf(c)
    return runtime.runPromise(
      program.pipe(
        Effect.catch((error) => Effect.succeed(errorResponse(c, error))),
        Effect.tap((response) => Effect.annotateCurrentSpan("http.response.status_code", response.status)),
        // The route pattern and the request id, never the raw path or the body (N4).
        Effect.withSpan(`${c.req.method} ${route}`, {
          kind: "server",
          attributes: {
            "http.request.method": c.req.method,
            "http.route": route,
            "lifeline.request_id": c.get("requestId") ?? "none",
            "lifeline.role": who?.role ?? "anonymous",
          },
        }),
      ),
    )
  }

export type Handle = ReturnType<typeof makeHandle>
