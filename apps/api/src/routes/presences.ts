import { ROUTES } from "@lifeline/client"
import { DefinePresence } from "@lifeline/core/routing"
import { Effect, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { commandFromBody } from "./body"
import { readView } from "./run"

const DefinePresenceBody = DefinePresence.mapFields(Struct.omit(["_tag"]))

/** R1: base presences and the custom ones admins define. */
export const presenceRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      route("presences"),
      handle(ROUTES.presences.roles, (c) =>
        readView((s) => [...s.routing.presences.values()]).pipe(Effect.map((list) => c.json(list))),
      ),
    )
    .post(
      "/",
      route("definePresence"),
      handle(ROUTES.definePresence.roles, (c) =>
        commandFromBody(c, DefinePresenceBody, (b) => ({ _tag: "DefinePresence", ...b }), 201),
      ),
    )
