import { CALL_ROUTES, type CallView, PlaceCallBody, WrapUp } from "@lifeline/client"
import { legRepOf, repCallsView, TransferTarget } from "@lifeline/core/calls"
import { Center, type CenterCommand } from "@lifeline/core/center"
import { UnknownEntity } from "@lifeline/core/kernel"
import { hasRep } from "@lifeline/core/routing"
import { Effect } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Principal } from "../auth/principal"
import type { ApiError } from "../errors"
import type { ApiContext, Handle } from "../handle"
import { route } from "../openapi"
import { decodeBody } from "../request-body"
import { param, readView } from "./run"

/** The caller id of the local demo's simulated provider, when the node has none configured. */
export const DEMO_CALLER_ID = "+15550100000"

/** A leg command, once the call and the acting rep are known (its body, if any, decoded from `c`). */
type LegCommand = (c: ApiContext, callId: string, repId: string) => Effect.Effect<CenterCommand, ApiError>

/**
 * The rep whose leg of the call is acted on: a rep, itself (auth/authorize.ts let it through
 * only for a call it has a leg of); an admin, the rep whose leg is up, else the one waiting for
 * wrap-up.
 */
const actingRep = (callId: string, who: Principal) =>
  who.role === "rep"
    ? Effect.succeed(who.repId)
    : readView((s) => legRepOf(s.calls, callId)).pipe(
        Effect.flatMap((repId) =>
          repId === undefined
            ? Effect.fail(new UnknownEntity({ entity: "call", id: callId, field: "callId" }))
            : Effect.succeed(repId),
        ),
      )

/** W1: run a command of the calls module and answer its reply, the call's view (201 for a new call). */
const answerCall = (c: ApiContext, command: CenterCommand, status: 200 | 201 = 200) =>
  Effect.flatMap(Center, (center) => center.run(command)).pipe(
    Effect.map(({ reply }) => c.json(reply as CallView, status)),
  )

const onLeg = (c: ApiContext, who: Principal, command: LegCommand) =>
  Effect.gen(function* () {
    const callId = param(c, "callId")
    const repId = yield* actingRep(callId, who)
    return yield* answerCall(c, yield* command(c, callId, repId))
  })

const plain =
  (_tag: "HoldCall" | "ResumeCall" | "MuteCall" | "UnmuteCall" | "EndCall"): LegCommand =>
  (_, callId, repId) =>
    Effect.succeed({ _tag, callId, repId })

const transfer: LegCommand = (c, callId, repId) =>
  decodeBody(c, TransferTarget).pipe(Effect.map((to) => ({ _tag: "TransferCall", callId, repId, to })))

const wrapUp: LegCommand = (c, callId, repId) =>
  decodeBody(c, WrapUp).pipe(Effect.map((body) => ({ _tag: "RecordWrapUp", callId, repId, ...body })))

/** W1 (issue 19): a rep's calls, the actions on them, and outbound calls from the caller id. */
export const callRoutes = (handle: Handle, callerId: string = DEMO_CALLER_ID) => {
  /** A call action's handler, for the roles its route names. */
  const action = (
    op: "holdCall" | "resumeCall" | "muteCall" | "unmuteCall" | "endCall" | "transferCall" | "wrapUpCall",
    command: LegCommand,
  ) => handle(CALL_ROUTES[op].roles, (c, who) => onLeg(c, who, command))
  return {
    /** Mounted at /api/reps. */
    reps: new Hono<AuthEnv>()
      .get(
        "/:repId/calls",
        route("repCalls"),
        handle(CALL_ROUTES.repCalls.roles, (c) =>
          Effect.gen(function* () {
            const repId = param(c, "repId")
            const calls = yield* readView((s) =>
              hasRep(s.routing, repId) ? repCallsView(s, repId) : undefined,
            )
            if (calls === undefined)
              return yield* new UnknownEntity({ entity: "rep", id: repId, field: "repId" })
            return c.json({ calls })
          }),
        ),
      )
      .post(
        "/:repId/calls",
        route("placeCall"),
        handle(CALL_ROUTES.placeCall.roles, (c) =>
          decodeBody(c, PlaceCallBody).pipe(
            Effect.flatMap(({ to }) =>
              answerCall(c, { _tag: "PlaceOutboundCall", repId: param(c, "repId"), to, from: callerId }, 201),
            ),
          ),
        ),
      ),
    /** Mounted at /api/calls. */
    calls: new Hono<AuthEnv>()
      .post("/:callId/hold", route("holdCall"), action("holdCall", plain("HoldCall")))
      .post("/:callId/resume", route("resumeCall"), action("resumeCall", plain("ResumeCall")))
      .post("/:callId/mute", route("muteCall"), action("muteCall", plain("MuteCall")))
      .post("/:callId/unmute", route("unmuteCall"), action("unmuteCall", plain("UnmuteCall")))
      .post("/:callId/end", route("endCall"), action("endCall", plain("EndCall")))
      .post("/:callId/transfer", route("transferCall"), action("transferCall", transfer))
      .post("/:callId/wrap-up", route("wrapUpCall"), action("wrapUpCall", wrapUp)),
  }
}
