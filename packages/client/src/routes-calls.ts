import { CallEndedBy, Disposition, RecordWrapUp, TransferTarget } from "@lifeline/core/calls"
import { Schema, Struct } from "effect"
import { defineRoutes } from "./route"

/**
 * Issue 19 (SPEC W1): a rep handling its calls: a routed (inbound) call it accepted, or an
 * ordinary outbound call it placed. A rep acts for itself; an admin may act for any rep.
 * Spread into ROUTES; the web app (H19c) builds on these names and shapes.
 */

const Str = Schema.String
const Num = Schema.Finite

export { CallEndedBy, Disposition, TransferTarget }

export const CALL_STATES = ["ringing", "connected", "on_hold", "ended"] as const
export const CallState = Schema.Literals(CALL_STATES)
export type CallState = typeof CallState.Type

/** W1: the wrap-up body: a disposition and notes (at most 4000 characters). */
export const WrapUp = RecordWrapUp.mapFields(Struct.pick(["disposition", "notes"])).annotate({
  identifier: "WrapUp",
  description: "W1: the rep's disposition and notes, stored by the API (never in logs).",
})

/** The replies' transfer target: decoded as written, held closed by the contract tests. */
const TransferredTo = Schema.NullOr(
  Schema.Union([Schema.Struct({ queueId: Str }), Schema.Struct({ repId: Str })]),
)

export const CallView = Schema.Struct({
  callId: Str,
  itemId: Schema.NullOr(Str),
  direction: Schema.Literals(["inbound", "outbound"]),
  from: Str,
  to: Str,
  queueId: Schema.NullOr(Str),
  queueName: Schema.NullOr(Str),
  attributes: Schema.Record(Str, Str),
  waitedMs: Schema.NullOr(Num),
  state: CallState,
  muted: Schema.Boolean,
  /** Epoch ms the current state began. */
  since: Num,
  connectedAt: Schema.NullOr(Num),
  endedAt: Schema.NullOr(Num),
  endedBy: Schema.NullOr(CallEndedBy),
  transferredTo: TransferredTo,
  wrapUp: Schema.NullOr(Schema.Struct({ disposition: Disposition, notes: Str })),
}).annotate({
  identifier: "CallView",
  description:
    "W1: a call of a rep: who, which queue and how long it waited, its state since when, who ended it, its wrap-up.",
})
export type CallView = typeof CallView.Type

export const RepCalls = Schema.Struct({ calls: Schema.Array(CallView) }).annotate({
  identifier: "RepCalls",
  description: "W1: a rep's calls that are up, or ended and waiting for wrap-up.",
})

/**
 * What the dialer sends: E.164, or a short dial string so that 911/112/933 are answered 422
 * `EmergencyNumber` (the emergency dial carries them), not 400.
 */
export const DialedNumber = Str.check(
  Schema.isPattern(/^(\+[1-9]\d{6,14}|\d{2,6})$/u, {
    message: "must be E.164: '+', country code and number, digits only",
  }),
)

/** W1: what `POST /api/reps/{repId}/calls` takes. */
export const PlaceCallBody = Schema.Struct({ to: DialedNumber })

const REP_OR_ADMIN = ["rep", "admin"] as const

/** One call action: POST /api/calls/{callId}/<action>, answering the call's view. */
const callAction = <const B extends Schema.ConstraintDecoder<unknown> | undefined>(
  action: string,
  summary: string,
  body?: B,
) => ({
  method: "POST" as const,
  path: `/api/calls/{callId}/${action}`,
  summary,
  tag: "calls",
  roles: REP_OR_ADMIN,
  ...(body === undefined ? {} : { body }),
  reply: CallView,
  errors: [404, 409] as const,
})

export const CALL_ROUTES = defineRoutes({
  repCalls: {
    method: "GET",
    path: "/api/reps/{repId}/calls",
    summary: "A rep's calls that are up or waiting for wrap-up (W1)",
    tag: "calls",
    roles: REP_OR_ADMIN,
    reply: RepCalls,
    errors: [404],
  },
  placeCall: {
    method: "POST",
    path: "/api/reps/{repId}/calls",
    summary:
      "Call a customer from the configured caller id (W1); an emergency number is refused 422 EmergencyNumber (use the emergency dial)",
    tag: "calls",
    roles: REP_OR_ADMIN,
    body: PlaceCallBody,
    reply: CallView,
    status: 201,
    errors: [404, 409, 422],
  },
  holdCall: callAction("hold", "Put the caller on hold (W1)"),
  resumeCall: callAction("resume", "Take the caller off hold (W1)"),
  muteCall: callAction("mute", "Mute the rep's microphone on the call (W1)"),
  unmuteCall: callAction("unmute", "Unmute the rep on the call (W1)"),
  endCall: callAction("end", "The rep ends the call (W1); wrap-up follows"),
  transferCall: callAction(
    "transfer",
    "Transfer the caller to a queue (routed again) or to a rep (offered to it) (W1)",
    TransferTarget,
  ),
  wrapUpCall: callAction("wrap-up", "Save the ended call's disposition and notes (W1)", WrapUp),
})
