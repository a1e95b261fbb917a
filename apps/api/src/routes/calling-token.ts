import type { RepCallingIdentity } from "@lifeline/adapters"
import { ROUTES } from "@lifeline/client"
import { Effect } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { param } from "./run"

/**
 * Issue 19 "Real calling in a deployment": the rep's own ACS user token, for the calling SDK in
 * its browser (the rep itself only: auth/authorize.ts). A node without ACS settings has no
 * identity service: 409 CallingNotConfigured, and the demo's page keeps its simulated calling
 * client. The identity service failing is a 503 CallingIdentityUnavailable, nothing stored.
 */
export const callingTokenRoutes = (handle: Handle, identity: RepCallingIdentity["Service"] | undefined) =>
  new Hono<AuthEnv>().post(
    "/:repId/calling-token",
    route("callingToken"),
    handle(ROUTES.callingToken.roles, (c) =>
      identity === undefined
        ? Effect.succeed(
            c.json(
              {
                error: {
                  code: "CallingNotConfigured",
                  message:
                    "this Lifeline node has no Azure Communication Services settings, so it issues no calling tokens",
                },
              },
              409,
            ),
          )
        : identity.token(param(c, "repId")).pipe(
            Effect.map((token) => c.json(token)),
            Effect.catchTag("CallingIdentityFailed", (e) =>
              Effect.succeed(
                c.json({ error: { code: "CallingIdentityUnavailable", message: e.message } }, 503),
              ),
            ),
          ),
    ),
  )
