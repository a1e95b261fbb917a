import { ROUTES } from "@lifeline/client"
import { EmergencyCallDropped } from "@lifeline/core/emergency"
import { Effect, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { decodeBody } from "../request-body"
import { param, runCommand } from "./run"

const DroppedBody = EmergencyCallDropped.mapFields(Struct.omit(["_tag", "repId"]))

/**
 * W5 (issue 19): the rep's calling client reports that the provider ended its emergency call, or
 * the PSAP's callback it answered (`psapCallId`: ACS tells only the rep's endpoint about a
 * redirected call) (the rep itself only, N4). The center tells the rep on its stream and keeps the session open
 * for the PSAP's callback while the lease is live; a repeat or an older session's is a no-op.
 */
export const emergencyDropRoutes = (handle: Handle) =>
  new Hono<AuthEnv>().post(
    "/:repId/emergency/dropped",
    route("emergencyCallDropped"),
    handle(ROUTES.emergencyCallDropped.roles, (c) =>
      decodeBody(c, DroppedBody).pipe(
        Effect.flatMap((body) =>
          runCommand(c, { _tag: "EmergencyCallDropped", repId: param(c, "repId"), ...body }),
        ),
      ),
    ),
  )
