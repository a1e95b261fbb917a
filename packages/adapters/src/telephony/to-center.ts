import { createHash } from "node:crypto"
import type { ProviderCommand } from "@lifeline/core/center"
import type { CallEvent, IncomingCall } from "./events"

/**
 * Lifeline's id for an inbound call the provider announced without one (Event Grid does not
 * know ours): derived from the provider's server call id, so a redelivered IncomingCall gets
 * the same id and the center sees a repeat.
 */
export const inboundCallId = (call: IncomingCall): string =>
  call.callId ?? `in-${createHash("sha256").update(call.serverCallId).digest("hex").slice(0, 24)}`

/** An inbound call as the center's provider command; `workstreamId` serves the dialled line. */
export const inboundCommand = (call: IncomingCall, workstreamId: string): ProviderCommand => ({
  _tag: "InboundCall",
  callId: inboundCallId(call),
  eventId: call.eventId,
  from: call.from.phoneNumber ?? null,
  to: call.to.phoneNumber ?? call.to.rawId,
  workstreamId,
})

const reasonOf = (event: CallEvent): string => {
  const r = event.resultInformation
  return [event._tag, r?.code, r?.subCode, r?.message].filter((x) => x !== undefined && x !== "").join(" ")
}

/**
 * What a mid-call provider event means to the center (N2: the event id travels with it), or
 * undefined for events the center does not act on (a participant joined, a prompt failed to
 * play: the cadence goes on by its own timers).
 */
export const callCommand = (event: CallEvent): ProviderCommand | undefined => {
  const base = { callId: event.callId, eventId: event.eventId }
  switch (event._tag) {
    case "CallConnected":
      return { _tag: "CallAnswered", ...base }
    case "CallDisconnected":
      return { _tag: "CallEnded", ...base }
    case "CreateCallFailed":
    case "AnswerFailed":
    case "AddParticipantFailed":
      return { _tag: "CallFailed", ...base, reason: reasonOf(event) }
    case "RecognizeCompleted":
      return { _tag: "DigitCollected", ...base, digit: event.digits.slice(0, 1) || null }
    case "RecognizeFailed":
      return { _tag: "DigitCollected", ...base, digit: null }
    case "PlayCompleted":
      return { _tag: "PromptPlayed", ...base }
    default:
      return undefined
  }
}
