import { DefinePresence } from "@lifeline/core"
import { Effect, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { doc } from "../openapi"
import { commandFromBody } from "./body"
import { readView } from "./run"

const DefinePresenceBody = DefinePresence.mapFields(Struct.omit(["_tag"]))
const ANYONE = ["admin", "supervisor", "rep", "integrator"] as const

/** R1: base presences and the custom ones admins define. */
export const presenceRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      doc({ summary: "Presences a rep can pick (R1)", tag: "presences", roles: ANYONE }),
      handle(ANYONE, (c) =>
        readView((s) => [...s.routing.presences.values()]).pipe(Effect.map((list) => c.json(list))),
      ),
    )
    .post(
      "/",
      doc({
        summary: "Define a custom presence (R1)",
        tag: "presences",
        roles: ["admin"],
        body: DefinePresenceBody,
        status: 201,
      }),
      handle(["admin"], (c) =>
        commandFromBody(c, DefinePresenceBody, (b) => ({ _tag: "DefinePresence", ...b }), 201),
      ),
    )
