import type { Routing } from "@lifeline/core"
import { Effect, type ManagedRuntime } from "effect"
import type { Context } from "hono"
import { type ApiError, errorResponse } from "./errors"

/**
 * The runtime the API runs its Effects on; the composition root picks its layers. Building them
 * may fail (store unreachable), hence `unknown`: main.ts seeds first, so that stops the start.
 */
export type ApiRuntime = ManagedRuntime.ManagedRuntime<Routing, unknown>

/** Adapts an Effect handler to Hono: typed failures become error responses, defects reach onError. */
export const makeHandle =
  (runtime: ApiRuntime) =>
  (handler: (c: Context) => Effect.Effect<Response, ApiError, Routing>) =>
  (c: Context): Promise<Response> =>
    runtime.runPromise(handler(c).pipe(Effect.catchAll((error) => Effect.succeed(errorResponse(c, error)))))

export type Handle = ReturnType<typeof makeHandle>
