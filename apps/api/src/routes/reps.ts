import { ROUTES } from "@lifeline/client"
import { assignedToRep, offersForRep, repView } from "@lifeline/core/center"
import { Id } from "@lifeline/core/ids"
import { UnknownEntity } from "@lifeline/core/kernel"
import { RegisterRep, SetRepCapacity } from "@lifeline/core/routing"
import { Effect, Schema, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import { seesRep } from "../auth/principal"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { decodeBody } from "../request-body"
import { commandFromBody } from "./body"
import { param, readView, runCommand } from "./run"

const RegisterRepBody = RegisterRep.mapFields(Struct.omit(["_tag"]))
const CapacityBody = SetRepCapacity.mapFields(Struct.omit(["_tag", "repId"]))
const PresenceBody = Schema.Struct({ presenceId: Id })

const findRep = (repId: string) =>
  readView((s) => {
    const rep = s.routing.reps.get(repId)
    return rep === undefined ? undefined : repView(rep)
  }).pipe(
    Effect.flatMap((view) =>
      view === undefined
        ? Effect.fail(new UnknownEntity({ entity: "rep", id: repId, field: "repId" }))
        : Effect.succeed(view),
    ),
  )

/**
 * R1, R2: reps, their presence and capacity; a rep's own offers and work (C5). Who may name
 * which rep (a rep itself, a supervisor the reps of its queues) is auth/authorize.ts's table.
 */
export const repRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      route("reps"),
      handle(ROUTES.reps.roles, (c, who) =>
        readView((s) => {
          // W1: a rep reads the colleagues it can transfer a call to, the reps of its own queues.
          const own = who.role === "rep" ? [...(s.routing.reps.get(who.repId)?.memberships.keys() ?? [])] : []
          const sees = (queueIds: Iterable<string>) =>
            who.role === "rep" ? [...queueIds].some((q) => own.includes(q)) : seesRep(who, queueIds)
          return [...s.routing.reps.values()].filter((rep) => sees(rep.memberships.keys())).map(repView)
        }).pipe(Effect.map((views) => c.json(views))),
      ),
    )
    .post(
      "/",
      route("registerRep"),
      handle(ROUTES.registerRep.roles, (c) =>
        commandFromBody(c, RegisterRepBody, (b) => ({ _tag: "RegisterRep", ...b }), 201),
      ),
    )
    .get(
      "/:repId",
      route("rep"),
      handle(ROUTES.rep.roles, (c) => findRep(param(c, "repId")).pipe(Effect.map((view) => c.json(view)))),
    )
    .put(
      "/:repId/presence",
      route("setPresence"),
      handle(ROUTES.setPresence.roles, (c) =>
        Effect.gen(function* () {
          const repId = param(c, "repId")
          const body = yield* decodeBody(c, PresenceBody)
          return yield* runCommand(c, { _tag: "SetPresence", repId, presenceId: body.presenceId })
        }),
      ),
    )
    .put(
      "/:repId/capacity",
      route("setCapacity"),
      handle(ROUTES.setCapacity.roles, (c) =>
        commandFromBody(c, CapacityBody, (b) => ({ _tag: "SetRepCapacity", repId: param(c, "repId"), ...b })),
      ),
    )
    .get(
      "/:repId/offers",
      route("offers"),
      handle(ROUTES.offers.roles, (c) =>
        findRep(param(c, "repId")).pipe(
          Effect.andThen(readView((s) => offersForRep(s, param(c, "repId")))),
          Effect.map((offers) => c.json(offers)),
        ),
      ),
    )
    .get(
      "/:repId/work",
      route("work"),
      handle(ROUTES.work.roles, (c) =>
        findRep(param(c, "repId")).pipe(
          Effect.andThen(readView((s) => assignedToRep(s, param(c, "repId")))),
          Effect.map((work) => c.json(work)),
        ),
      ),
    )
