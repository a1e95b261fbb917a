import { VirtualClock } from "@lifeline/adapters"
import { ROUTES } from "@lifeline/client"
import { InvalidField } from "@lifeline/core/kernel"
import { Effect, Option } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { ApiContext, Handle } from "../handle"
import { route } from "../openapi"
import { decodeBody } from "../request-body"
import { readView } from "./run"

/**
 * Issue 20 (SPEC I5): test clocks. A sandbox node (LIFELINE_CLOCK=virtual) runs on a clock that
 * stands still until an admin moves it; moving it fires every timer that falls due on the way,
 * one at a time in due order, each with the node's time at its due time, as the simulator's
 * virtual clock does. The 30 s / 120 s offers, the 60-minute lease and the 7-day expiry are
 * then seconds away. On a node with the real clock the time can be read, never moved.
 */

/** What the node's clock says: which clock, its time, and (in a sandbox) the next timer. */
const clockView = (c: ApiContext, extra: { readonly fired?: number } = {}) =>
  Effect.gen(function* () {
    const now = yield* readView((_, at) => at)
    const sandbox = yield* Effect.serviceOption(VirtualClock)
    if (Option.isNone(sandbox)) return c.json({ clock: "real", now: new Date(now).toISOString() })
    const next = yield* sandbox.value.nextDueAt
    return c.json({
      clock: "virtual",
      now: new Date(now).toISOString(),
      nextTimerAt: next === undefined ? null : new Date(next).toISOString(),
      ...extra,
    })
  })

/** A real clock is never moved: the node is not a sandbox. */
const notSandbox = (c: ApiContext) =>
  c.json(
    {
      error: {
        code: "NotSandbox",
        message:
          "this node runs on the real clock: only a sandbox node (LIFELINE_CLOCK=virtual) has a test clock",
      },
    },
    409,
  )

/** Move the sandbox's clock; going back is refused, naming the field. */
const advance = (c: ApiContext) =>
  Effect.gen(function* () {
    const sandbox = yield* Effect.serviceOption(VirtualClock)
    if (Option.isNone(sandbox)) return notSandbox(c)
    const body = yield* decodeBody(c, ROUTES.advanceClock.body)
    const now = yield* readView((_, at) => at)
    if ("to" in body && body.to.getTime() < now)
      return yield* new InvalidField({
        field: "to",
        message: `to is before the node's time (${new Date(now).toISOString()}): a test clock only moves forward`,
      })
    const fired = yield* "to" in body
      ? sandbox.value.advanceTo(body.to.getTime())
      : sandbox.value.advanceBy(body.by)
    return yield* clockView(c, { fired })
  })

export const clockRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      route("getClock"),
      handle(ROUTES.getClock.roles, (c) => clockView(c)),
    )
    .post("/advance", route("advanceClock"), handle(ROUTES.advanceClock.roles, advance))
