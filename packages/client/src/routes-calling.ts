import { EmergencyCallDropped } from "@lifeline/core/emergency"
import { Schema, Struct } from "effect"
import { defineRoutes } from "./route"

/**
 * Issue 19: what the rep's calling client asks of its node: its ACS user token ("Real calling in
 * a deployment": the identity adapter creates the rep's ACS user once and keeps it), and the
 * report that the rep's emergency call dropped (W5). Spread into ROUTES.
 */

export const CallingToken = Schema.Struct({
  /** The rep's ACS user, `8:acs:…`: where its PSAP callbacks and calls are redirected. */
  userId: Schema.String,
  /** A VoIP-scoped ACS access token for that user. */
  token: Schema.String,
  /** When the token expires, epoch ms; the browser asks again before then. */
  expiresOn: Schema.Finite,
}).annotate({
  identifier: "CallingToken",
  description: "Issue 19: the rep's ACS user and a VoIP token for it, for the calling SDK in the browser",
})
export type CallingToken = typeof CallingToken.Type

export const EmergencyCallDroppedReply = Schema.Struct({
  repId: Schema.String,
  /** The session reported on (the rep's current one when the report named none); null: none up. */
  sessionId: Schema.NullOr(Schema.String),
  /** False: a repeat, or a report for a session or PSAP call that is over or not the rep's: nothing changed. */
  dropped: Schema.Boolean,
  /** W5: the session waits for the PSAP's callback until then (the lease's end); null: it does not wait. */
  waitingUntil: Schema.NullOr(Schema.Finite),
  /** The session ended with the drop (nothing to wait for), and the presence was restored (E10). */
  sessionEnded: Schema.Boolean,
}).annotate({
  identifier: "EmergencyCallDroppedReply",
  description: "W5: what became of the rep's emergency session when its call dropped",
})
export type EmergencyCallDroppedReply = typeof EmergencyCallDroppedReply.Type

export const CALLING_ROUTES = defineRoutes({
  callingToken: {
    method: "POST",
    path: "/api/reps/{repId}/calling-token",
    summary:
      "A VoIP token for the rep's own ACS user, created once (issue 19); 409 CallingNotConfigured on a node without ACS, 503 CallingIdentityUnavailable when the identity service fails",
    tag: "calling",
    roles: ["rep"],
    reply: CallingToken,
    errors: [409],
  },
  emergencyCallDropped: {
    method: "POST",
    path: "/api/reps/{repId}/emergency/dropped",
    summary:
      "The rep's emergency call dropped (W5): the rep is told, and the session waits for the PSAP's callback while the lease is live, else ends (E10)",
    tag: "emergency",
    roles: ["rep"],
    body: EmergencyCallDropped.mapFields(Struct.omit(["_tag", "repId"])),
    reply: EmergencyCallDroppedReply,
    errors: [404],
  },
})
