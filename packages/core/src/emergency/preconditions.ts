import type { RepRead } from "../routing/reads"
import { type CarrierPath, type OutboundVoiceProfile, routeEmergencyCall } from "./carrier-path"
import type { UnavailableReason } from "./errors"
import { isTimeZone, type NumberKind, numberKind, type RegionPolicy, regionOf } from "./regions"
import type { EmergencyState } from "./state"

/** Where the rep's browser says the rep is (E2). */
export interface DialLocation {
  readonly region: string | null
  readonly timeZone?: string | undefined
}

export type DialCheck =
  | {
      readonly _tag: "Allowed"
      readonly policy: RegionPolicy
      readonly kind: NumberKind
      readonly profile: OutboundVoiceProfile
      readonly path: CarrierPath
      readonly timeZone: string
    }
  | {
      readonly _tag: "Refused"
      readonly reasons: readonly UnavailableReason[]
      readonly message: string
    }

/**
 * Every E2 precondition of the call, each reported with its own reason (all that apply, most
 * basic first), for a dial string that is an emergency number somewhere.
 */
export const checkDial = (
  state: EmergencyState,
  rep: RepRead,
  number: string,
  location: DialLocation,
): DialCheck => {
  const reasons: UnavailableReason[] = []
  const code = location.region?.trim() ?? ""
  const policy = code === "" ? undefined : regionOf(state.regions, code)
  const kind = policy === undefined ? undefined : numberKind(policy, number)
  if (code === "") reasons.push("location_unknown")
  else if (policy === undefined) reasons.push("unsupported_region")
  else if (kind === undefined) reasons.push("not_emergency_number_in_region")
  const route = routeEmergencyCall(state.outboundProfiles, state.carrier, rep, number)
  if (route._tag === "NoOutboundProfile") reasons.push("no_outbound_voice_profile")
  else if (route._tag === "NoCarrierPath") reasons.push("no_carrier_path")
  if (policy === undefined || kind === undefined || route._tag !== "Carried") {
    return { _tag: "Refused", reasons, message: unavailableMessage(reasons, { code, number, policy }) }
  }
  const reported = location.timeZone
  const timeZone = reported !== undefined && isTimeZone(reported) ? reported : policy.timeZone
  return { _tag: "Allowed", policy, kind, profile: route.profile, path: route.path, timeZone }
}

interface MessageContext {
  readonly code: string
  readonly number: string
  readonly policy: RegionPolicy | undefined
}

/** What the rep reads, at once, in a crisis: what to do now first, then why. */
export const unavailableMessage = (reasons: readonly UnavailableReason[], ctx: MessageContext): string => {
  const numbers = ctx.policy === undefined ? "emergency services" : ctx.policy.emergencyNumbers.join(" or ")
  const usePhone = `Use a local phone to call ${numbers} now.`
  switch (reasons[0]) {
    case "location_unknown":
      return `${usePhone} Your location is not known, so Lifeline cannot place this emergency call.`
    case "unsupported_region":
      return `${usePhone} Lifeline cannot place emergency calls from your location (${ctx.code}).`
    case "not_emergency_number_in_region":
      return `Dial ${numbers}, or use a local phone. ${ctx.number} is not an emergency number in ${ctx.policy?.name ?? ctx.code}.`
    case "no_outbound_voice_profile":
      return `${usePhone} Your account has no outbound voice profile, so Lifeline cannot place this call.`
    case "no_carrier_path":
      return `${usePhone} No carrier can take this emergency call from Lifeline.`
    default:
      return usePhone
  }
}
