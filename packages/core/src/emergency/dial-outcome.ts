import type { Refusal } from "../kernel/module"
import type { CarrierPath } from "./carrier-path"
import { EmergencyUnavailable, type UnavailableReason } from "./errors"
import type { EmergencyEventOf, NotificationOutcome } from "./events"

/**
 * The reply to a DialEmergency (issue 18: a decision returns events and a reply): place the call
 * with these facts, or use a local phone (E1). A refused dial is a kernel `Refusal`: it is still
 * logged for the operator (its `EmergencyDialRefused` event is appended) and the rep is answered
 * with the typed error.
 */
export type DialOutcome = DialStarted | Refusal<EmergencyUnavailable>

/** E1-E5, E9: the emergency call may be placed with these facts. */
export type DialStarted = {
  readonly _tag: "Started"
  readonly sessionId: string
  readonly test: boolean
  readonly callingNumber: string
  readonly carrierPath: CarrierPath
  readonly callbackNumber: string | null
  readonly callbackUntil: number | null
  readonly notification: NotificationOutcome
}

const FIELD_OF: Record<UnavailableReason, string> = {
  location_unknown: "location",
  unsupported_region: "location",
  not_emergency_number_in_region: "dialString",
  no_outbound_voice_profile: "repId",
  no_carrier_path: "repId",
}

/** The typed error the rep is shown for a refused dial (E1: use a local phone). */
export const refusalError = (event: EmergencyEventOf<"EmergencyDialRefused">): EmergencyUnavailable => {
  const reason = event.reasons[0] ?? "no_carrier_path"
  return new EmergencyUnavailable({
    field: FIELD_OF[reason],
    reason,
    reasons: [...event.reasons],
    message: event.message,
  })
}
