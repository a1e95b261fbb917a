import { type EmergencyCallDroppedReply, ROUTES } from "@lifeline/client"
import {
  Center,
  type CenterEvent,
  EmergencyCallDropped,
  type RepEmergencyView,
  repEmergencyView,
} from "@lifeline/core"
import { Effect, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { decodeBody } from "../request-body"
import { param, readView } from "./run"

const DroppedBody = EmergencyCallDropped.mapFields(Struct.omit(["_tag", "repId"]))

/** What the drop's events did, and whether the session now waits for the PSAP (read after). */
const replyOf = (
  repId: string,
  asked: string | undefined,
  events: readonly CenterEvent[],
  after: RepEmergencyView | null,
): EmergencyCallDroppedReply => {
  const session = events.find((e) => e._tag === "EmergencyCallDropped" || e._tag === "EmergencyEnded")
  return {
    repId,
    sessionId:
      session !== undefined && "sessionId" in session
        ? session.sessionId
        : (asked ?? after?.sessionId ?? null),
    dropped: events.some((e) => e._tag === "EmergencyCallDropped" || e._tag === "PsapCallbackEnded"),
    waitingUntil: after?.droppedAt == null ? null : after.callbackUntil,
    sessionEnded: events.some((e) => e._tag === "EmergencyEnded"),
  }
}

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
      Effect.gen(function* () {
        const repId = param(c, "repId")
        const body = yield* decodeBody(c, DroppedBody)
        const center = yield* Center
        const events = yield* center.execute({ _tag: "EmergencyCallDropped", repId, ...body })
        const after = yield* readView((s, now) => repEmergencyView(s, repId, now))
        return c.json(replyOf(repId, body.sessionId, events, after))
      }),
    ),
  )
