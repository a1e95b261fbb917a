import { ROUTES } from "@lifeline/client"
import { Id } from "@lifeline/core/ids"
import { UnknownEntity } from "@lifeline/core/kernel"
import { EnqueueItem, positionView, RouteIncoming } from "@lifeline/core/routing"
import { Effect, Schema, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import { Forbidden, type Principal } from "../auth/principal"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { decodeBody } from "../request-body"
import { commandFromBody } from "./body"
import { param, readView, runCommand } from "./run"

const EnqueueItemBody = EnqueueItem.mapFields(Struct.omit(["_tag"]))
const RouteIncomingBody = RouteIncoming.mapFields(Struct.omit(["_tag"]))
const RepBody = Schema.Struct({ repId: Id })

/** The rep a rep-facing command acts for: a rep is always itself; an admin names one. */
const repFor = (c: Parameters<Parameters<Handle>[1]>[0], who: Principal) =>
  who.role === "rep" ? Effect.succeed(who.repId) : decodeBody(c, RepBody).pipe(Effect.map((b) => b.repId))

/**
 * R3, R4, R6: work items in, their position, and the offers reps answer. Who may name which item
 * or offer (a supervisor its queues', a rep its own) is auth/authorize.ts's table.
 */
export const itemRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .post(
      "/",
      route("enqueueItem"),
      handle(ROUTES.enqueueItem.roles, (c) =>
        commandFromBody(c, EnqueueItemBody, (b) => ({ _tag: "EnqueueItem", ...b }), 201),
      ),
    )
    .post(
      "/route",
      route("routeIncoming"),
      handle(ROUTES.routeIncoming.roles, (c) =>
        commandFromBody(c, RouteIncomingBody, (b) => ({ _tag: "RouteIncoming", ...b }), 201),
      ),
    )
    .get(
      "/:itemId/position",
      route("position"),
      handle(ROUTES.position.roles, (c) =>
        Effect.gen(function* () {
          const itemId = param(c, "itemId")
          const view = yield* readView((s, now) => positionView(s.routing, itemId, now))
          if (view === undefined)
            return yield* new UnknownEntity({ entity: "work item", id: itemId, field: "itemId" })
          return c.json(view)
        }),
      ),
    )
    .post(
      "/:itemId/requeue",
      route("requeue"),
      handle(ROUTES.requeue.roles, (c) => runCommand(c, { _tag: "RequeueItem", itemId: param(c, "itemId") })),
    )
    .post(
      "/:itemId/complete",
      route("complete"),
      handle(ROUTES.complete.roles, (c, who) =>
        repFor(c, who).pipe(
          Effect.flatMap((repId) =>
            runCommand(c, { _tag: "CompleteWork", itemId: param(c, "itemId"), repId }),
          ),
        ),
      ),
    )

/** R4: a rep accepts or declines an offer made to it. */
export const offerRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .post(
      "/:offerId/accept",
      route("accept"),
      handle(ROUTES.accept.roles, (c, who) => answer(c, who, "AcceptOffer")),
    )
    .post(
      "/:offerId/decline",
      route("decline"),
      handle(ROUTES.decline.roles, (c, who) => answer(c, who, "DeclineOffer")),
    )

const answer = (
  c: Parameters<Parameters<Handle>[1]>[0],
  who: Principal,
  tag: "AcceptOffer" | "DeclineOffer",
) =>
  who.role === "rep"
    ? runCommand(c, { _tag: tag, offerId: param(c, "offerId"), repId: who.repId })
    : Effect.fail(new Forbidden({ message: "only the rep answers its offers" }))
