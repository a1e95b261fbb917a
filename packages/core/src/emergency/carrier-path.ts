import type { RepRead } from "../routing/reads"
/**
 * E2/E3: how an emergency call leaves the platform. A rep's capacity profile is linked to an
 * outbound voice profile, whose calling number is either a platform calling-plan (direct-offer)
 * number or a third-party carrier's number reached by direct routing.
 */
export interface OutboundVoiceProfile {
  readonly profileId: string
  readonly name: string
  /** The number the call goes out from (E.164). */
  readonly callingNumber: string
  /** The capacity profiles (R2) whose reps use this outbound profile. */
  readonly capacityProfiles: readonly string[]
}

/** A direct-routing voice route: calls to numbers matching `pattern` go out through `carrier`. */
export interface DirectRoutingRule {
  readonly ruleId: string
  /** Digits, optionally ending in `*` (any continuation); `*` alone matches every number. */
  readonly pattern: string
  readonly carrier: string
}

/** The tenant's voice set-up as far as emergency calls care. */
export interface CarrierConfig {
  /** The platform calling-plan (direct-offer) numbers the tenant holds. */
  readonly callingPlanNumbers: ReadonlySet<string>
  readonly directRoutingRules: readonly DirectRoutingRule[]
}

export const emptyCarrierConfig = (): CarrierConfig => ({
  callingPlanNumbers: new Set(),
  directRoutingRules: [],
})

/** E3: the path the call takes, recorded in the dial event for the operator. */
export type CarrierPath =
  /** The calling number is a platform calling-plan number. */
  | { readonly _tag: "CallingPlan" }
  /** Direct routing tenant, no rule for the number, a direct-offer number exists. */
  | { readonly _tag: "DirectOffer" }
  /** A direct-routing rule names the carrier the call goes out through. */
  | { readonly _tag: "DirectRouting"; readonly ruleId: string; readonly carrier: string }

export const patternMatches = (pattern: string, number: string): boolean =>
  pattern.endsWith("*") ? number.startsWith(pattern.slice(0, -1)) : number === pattern

/** E3, as the spec states it; undefined when the call cannot be carried. */
export const carrierPath = (
  config: CarrierConfig,
  callingNumber: string,
  emergencyNumber: string,
): CarrierPath | undefined => {
  if (config.callingPlanNumbers.has(callingNumber)) return { _tag: "CallingPlan" }
  const rule = config.directRoutingRules.find((r) => patternMatches(r.pattern, emergencyNumber))
  if (rule !== undefined) return { _tag: "DirectRouting", ruleId: rule.ruleId, carrier: rule.carrier }
  if (config.callingPlanNumbers.size > 0) return { _tag: "DirectOffer" }
  return undefined
}

/** The outbound voice profiles linked to a capacity profile the rep has units of (E2). */
export const outboundProfilesOf = (
  profiles: ReadonlyMap<string, OutboundVoiceProfile>,
  rep: RepRead,
): OutboundVoiceProfile[] => {
  const linked: OutboundVoiceProfile[] = []
  for (const profile of profiles.values()) {
    if (profile.capacityProfiles.some((cp) => (rep.capacity.get(cp)?.total ?? 0) > 0)) linked.push(profile)
  }
  return linked
}

export type Route =
  | { readonly _tag: "Carried"; readonly profile: OutboundVoiceProfile; readonly path: CarrierPath }
  | { readonly _tag: "NoOutboundProfile" }
  | { readonly _tag: "NoCarrierPath" }

/**
 * The rep's outbound profiles in the order an admin defined them; the first whose calling number
 * can carry the call wins, so one misconfigured profile does not block a rep who has another.
 */
export const routeEmergencyCall = (
  profiles: ReadonlyMap<string, OutboundVoiceProfile>,
  config: CarrierConfig,
  rep: RepRead,
  emergencyNumber: string,
): Route => {
  const linked = outboundProfilesOf(profiles, rep)
  if (linked.length === 0) return { _tag: "NoOutboundProfile" }
  for (const profile of linked) {
    const path = carrierPath(config, profile.callingNumber, emergencyNumber)
    if (path !== undefined) return { _tag: "Carried", profile, path }
  }
  return { _tag: "NoCarrierPath" }
}
