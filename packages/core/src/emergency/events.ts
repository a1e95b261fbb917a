import { Schema } from "effect"
import { AuditStampFields, type SameShape } from "../center/event-schemas"
import type { CarrierPath, DirectRoutingRule, OutboundVoiceProfile } from "./carrier-path"
import { UNAVAILABLE_REASONS } from "./errors"
import type { RegionPolicy } from "./regions"

/** E9: what became of the notification when the rep dialled. */
const NotificationOutcomeSchema = Schema.Literals([
  "queued",
  /** E1: a test call sends nothing. */
  "test_call",
  /** A dial again in the same session: the contacts were told already. */
  "already_notified",
  /** E2: the rep's mailbox is disabled; the call goes ahead. */
  "mailbox_disabled",
  "no_contacts",
])
export type NotificationOutcome = typeof NotificationOutcomeSchema.Type

/** Why a PSAP callback was sent where it was (E6, B5). */
const RedirectReasonSchema = Schema.Literals([
  /** The number is leased to the rep and the lease is live. */
  "lease",
  /** B5: the lease is live but the rep is signed out. */
  "rep_signed_out",
  /** B5: the redirect to the rep failed. */
  "rep_unreachable",
  /** B5: the previous fallback failed; the next one is tried. */
  "fallback_unreachable",
  /** A pool number with no live lease (after 60 minutes, or never leased). */
  "no_lease",
  /** The overflow number presented while the pool was exhausted. */
  "overflow_number",
])
export type RedirectReason = typeof RedirectReasonSchema.Type

const SessionOriginSchema = Schema.Union([
  Schema.TaggedStruct("Dial", {}),
  /** A PSAP callback reached a rep who had no session up: DND until that call ends. */
  Schema.TaggedStruct("PsapCallback", { callId: Schema.String }),
])
export type SessionOrigin = typeof SessionOriginSchema.Type

/** The stored shapes of the set-up the events carry; the checks at the end keep them equal. */
const Strings = Schema.Array(Schema.String)
const RegionPolicySchema = Schema.Struct({
  region: Schema.String,
  name: Schema.String,
  aliases: Strings,
  timeZone: Schema.String,
  locale: Schema.String,
  emergencyNumbers: Strings,
  testNumbers: Strings,
})
const OutboundVoiceProfileFields = {
  profileId: Schema.String,
  name: Schema.String,
  callingNumber: Schema.String,
  capacityProfiles: Strings,
}
const DirectRoutingRuleSchema = Schema.Struct({
  ruleId: Schema.String,
  pattern: Schema.String,
  carrier: Schema.String,
})
const CarrierPathSchema = Schema.Union([
  Schema.TaggedStruct("CallingPlan", {}),
  Schema.TaggedStruct("DirectOffer", {}),
  Schema.TaggedStruct("DirectRouting", { ruleId: Schema.String, carrier: Schema.String }),
])
const LeaseFields = {
  leaseId: Schema.String,
  repId: Schema.String,
  sessionId: Schema.String,
  number: Schema.String,
  at: Schema.Number,
  expiresAt: Schema.Number,
}

/**
 * The emergency module's events: plain JSON-safe data that rebuilds the module's state on replay
 * (N1: the remembered presence, leases and pending notifications survive a restart). Each is an
 * Effect Schema, by tag (issue 22, Build 2; docs/events.md).
 */
export const EmergencyEventSchemas = {
  /** The admin's set-up, each stamped for the audit trail (older events carry no stamp). */
  EmergencyRegionsConfigured: Schema.TaggedStruct("EmergencyRegionsConfigured", {
    regions: Schema.Array(RegionPolicySchema),
    ...AuditStampFields,
  }),
  OutboundVoiceProfileDefined: Schema.TaggedStruct("OutboundVoiceProfileDefined", {
    ...OutboundVoiceProfileFields,
    ...AuditStampFields,
  }),
  EmergencyCarrierConfigured: Schema.TaggedStruct("EmergencyCarrierConfigured", {
    callingPlanNumbers: Strings,
    directRoutingRules: Schema.Array(DirectRoutingRuleSchema),
    ...AuditStampFields,
  }),
  CallbackPoolConfigured: Schema.TaggedStruct("CallbackPoolConfigured", {
    numbers: Strings,
    overflowNumber: Schema.NullOr(Schema.String),
    fallbackRepIds: Strings,
    /** W5: the grace after the callback window (absent before issue 19: 15 minutes). */
    graceMinutes: Schema.optionalKey(Schema.Number),
    ...AuditStampFields,
  }),
  EmergencyContactsSet: Schema.TaggedStruct("EmergencyContactsSet", {
    repId: Schema.String,
    contacts: Strings,
    ...AuditStampFields,
  }),
  RepMailboxSet: Schema.TaggedStruct("RepMailboxSet", {
    repId: Schema.String,
    enabled: Schema.Boolean,
    ...AuditStampFields,
  }),
  NotificationTemplateSet: Schema.TaggedStruct("NotificationTemplateSet", {
    subject: Schema.String,
    body: Schema.String,
    ...AuditStampFields,
  }),
  /** E1/E2: the call cannot be carried; the rep was told to use a local phone. */
  EmergencyDialRefused: Schema.TaggedStruct("EmergencyDialRefused", {
    repId: Schema.String,
    dialString: Schema.String,
    region: Schema.NullOr(Schema.String),
    reasons: Schema.Array(Schema.Literals(UNAVAILABLE_REASONS)),
    message: Schema.String,
    at: Schema.Number,
  }),
  /** E4: the presence before the emergency, remembered until the session ends (E10). */
  EmergencySessionOpened: Schema.TaggedStruct("EmergencySessionOpened", {
    sessionId: Schema.String,
    repId: Schema.String,
    previousPresence: Schema.String,
    origin: SessionOriginSchema,
    at: Schema.Number,
  }),
  /** E1/E3: an emergency (or test) number dialled, and the carrier path decided. */
  EmergencyDialled: Schema.TaggedStruct("EmergencyDialled", {
    sessionId: Schema.String,
    repId: Schema.String,
    number: Schema.String,
    test: Schema.Boolean,
    region: Schema.String,
    timeZone: Schema.String,
    outboundProfileId: Schema.String,
    callingNumber: Schema.String,
    carrierPath: CarrierPathSchema,
    /** The number the PSAP is given to call back on; null for a test call. */
    callbackNumber: Schema.NullOr(Schema.String),
    notification: NotificationOutcomeSchema,
    at: Schema.Number,
  }),
  /** E5: a pool number now routes to the rep until `expiresAt` (the dial + 60 minutes). */
  CallbackLeased: Schema.TaggedStruct("CallbackLeased", LeaseFields),
  /** E5: the rep dialled again while holding a lease: same number, 60 minutes from this dial. */
  CallbackLeaseRenewed: Schema.TaggedStruct("CallbackLeaseRenewed", LeaseFields),
  CallbackLeaseExpired: Schema.TaggedStruct("CallbackLeaseExpired", {
    leaseId: Schema.String,
    repId: Schema.String,
    number: Schema.String,
    at: Schema.Number,
  }),
  /** E5: no pool number was free; `fallbackNumber` was presented instead (see CallbackPool). */
  CallbackPoolExhausted: Schema.TaggedStruct("CallbackPoolExhausted", {
    sessionId: Schema.String,
    repId: Schema.String,
    poolSize: Schema.Number,
    fallbackNumber: Schema.String,
    routesTo: Schema.Literals(["fallback_reps", "ordinary_line"]),
    at: Schema.Number,
  }),
  /** E6: a call to a callback number; `repId` is the lease holder while the lease is live. */
  PsapCallbackReceived: Schema.TaggedStruct("PsapCallbackReceived", {
    callId: Schema.String,
    number: Schema.String,
    leaseId: Schema.NullOr(Schema.String),
    repId: Schema.NullOr(Schema.String),
    at: Schema.Number,
  }),
  /** E6/B5: the call is sent to `repId` (the lease holder or a fallback), bypassing routing. */
  PsapCallbackRedirected: Schema.TaggedStruct("PsapCallbackRedirected", {
    callId: Schema.String,
    repId: Schema.String,
    role: Schema.Literals(["rep", "fallback"]),
    reason: RedirectReasonSchema,
    attempt: Schema.Number,
    at: Schema.Number,
  }),
  /** B5: every target failed; the operator is told. */
  PsapCallbackUnanswered: Schema.TaggedStruct("PsapCallbackUnanswered", {
    callId: Schema.String,
    at: Schema.Number,
  }),
  PsapCallbackEnded: Schema.TaggedStruct("PsapCallbackEnded", {
    callId: Schema.String,
    /** The rep the call was last put through to, so its stream hears the end (absent before issue 19, or never put through). */
    repId: Schema.optionalKey(Schema.String),
    at: Schema.Number,
  }),
  /**
   * W5: the rep's own emergency call dropped (the provider's end of the call, as the rep's
   * calling client hears it). `waitingUntil`: the session stays open for the PSAP's callback
   * until then (the lease's end); null when there is nothing to wait for and the session ends.
   */
  EmergencyCallDropped: Schema.TaggedStruct("EmergencyCallDropped", {
    sessionId: Schema.String,
    repId: Schema.String,
    /** The provider's reason, as given (e.g. a network drop); empty when none was given. */
    reason: Schema.String,
    callbackNumber: Schema.NullOr(Schema.String),
    waitingUntil: Schema.NullOr(Schema.Number),
    at: Schema.Number,
  }),
  /**
   * W5: the session's callback window (the lease's 60 minutes from the latest dial) is over, yet
   * a call is still believed up and nobody has said a word of it (the rep's browser may be gone):
   * the session closes at `closesAt` (the window's end + the pool's grace) unless word of the
   * call comes first (its end, End call, a redial).
   */
  EmergencySessionClosing: Schema.TaggedStruct("EmergencySessionClosing", {
    sessionId: Schema.String,
    repId: Schema.String,
    closesAt: Schema.Number,
    at: Schema.Number,
  }),
  /**
   * E10/W5: the session is over; the remembered presence is restored by a PresenceChanged.
   * `lease_ended`: the call had dropped and the callback window ended with no call up.
   * `no_word`: the grace after the callback window ran out with no word of a call believed up.
   */
  EmergencyEnded: Schema.TaggedStruct("EmergencyEnded", {
    sessionId: Schema.String,
    repId: Schema.String,
    reason: Schema.Literals(["rep_ended", "call_ended", "call_failed", "lease_ended", "no_word"]),
    restoredPresence: Schema.String,
    at: Schema.Number,
  }),
} as const

export type EmergencyEvent = (typeof EmergencyEventSchemas)[keyof typeof EmergencyEventSchemas]["Type"]
export type EmergencyEventTag = EmergencyEvent["_tag"]
export type EmergencyEventOf<T extends EmergencyEventTag> = Extract<EmergencyEvent, { _tag: T }>

/** Every emergency event tag, once. */
export const EMERGENCY_EVENT_TAGS: ReadonlySet<string> = new Set(Object.keys(EmergencyEventSchemas))

const sameShapes: [
  SameShape<typeof RegionPolicySchema.Type, RegionPolicy>,
  SameShape<Schema.Struct.Type<typeof OutboundVoiceProfileFields>, OutboundVoiceProfile>,
  SameShape<typeof DirectRoutingRuleSchema.Type, DirectRoutingRule>,
  SameShape<typeof CarrierPathSchema.Type, CarrierPath>,
] = [true, true, true, true]
void sameShapes
