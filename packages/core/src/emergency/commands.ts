import { Schema } from "effect"
import { Audited } from "../audit/actor"
import { Id, IssuedId } from "../ids"

/**
 * Emergency commands. Their schemas are the validation every driver applies at its edge (N3);
 * rules that need the state (unknown reps, template placeholders, addresses) are checked by
 * `decide`. Roles (N4): the rep dials and ends for itself; admins configure; the
 * `ExpireCallbackLease`, `CloseEmergencyWindow` and `EndSilentEmergency` commands are sent by
 * durable timers only.
 */
const Label = Schema.Trimmed.check(Schema.isNonEmpty(), Schema.isMaxLength(200))

/** A phone number in E.164 form, e.g. +15550100123. */
export const E164 = Schema.String.check(
  Schema.isPattern(/^\+[1-9]\d{6,14}$/u, {
    message: "must be an E.164 number: '+', country code and number, digits only",
  }),
)
/** A short dial string such as 911 or 112. */
const ShortNumber = Schema.String.check(Schema.isPattern(/^\d{2,6}$/u, { message: "must be 2 to 6 digits" }))
const RegionCode = Schema.String.check(
  Schema.isPattern(/^[A-Z]{2}$/u, { message: "must be a two-letter code such as US or GB" }),
)

/** E1: the rep dialled what may be an emergency number; the browser reports where it is. */
export const DialEmergency = Schema.TaggedStruct("DialEmergency", {
  repId: Id,
  dialString: Schema.String.check(Schema.isMaxLength(32)),
  location: Schema.Struct({
    /** The region the browser's location setting reports (ISO 3166 code); null when off. */
    region: Schema.NullOr(Schema.String.check(Schema.isMaxLength(16))),
    /** The browser's IANA time zone, for the time in the notification. */
    timeZone: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(64))),
  }),
})

/** E10: the rep ended the emergency call. A repeat, or one for an older session, is a no-op. */
export const EndEmergency = Schema.TaggedStruct("EndEmergency", {
  repId: Id,
  sessionId: Schema.optionalKey(IssuedId),
})

/**
 * W5: the rep's emergency call dropped: the provider ended it (the rep's calling client hears the
 * provider's call-ended event). The session then waits for the PSAP's callback while the lease is
 * live. A repeat, or one for an older session, is a no-op.
 */
export const EmergencyCallDropped = Schema.TaggedStruct("EmergencyCallDropped", {
  repId: Id,
  /** The session of the call that dropped; absent: the rep's current one. */
  sessionId: Schema.optionalKey(IssuedId),
  /** The provider's reason (e.g. ACS's callEndReason code), for the rep and the operator. */
  reason: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(200))),
  /**
   * The call that ended is the PSAP's callback the rep answered, not its own dial: a redirected
   * call is the rep's endpoint's, and the provider tells only that endpoint that it ended.
   */
  psapCallId: Schema.optionalKey(IssuedId),
})

/** E5: sent by the lease's durable timer at the dial + 60 minutes. */
export const ExpireCallbackLease = Schema.TaggedStruct("ExpireCallbackLease", { leaseId: IssuedId })

/** W5: sent by the session's window timer, 60 minutes after a dial that leased no number. */
export const CloseEmergencyWindow = Schema.TaggedStruct("CloseEmergencyWindow", { sessionId: IssuedId })

/** W5: sent by the session's grace timer at `EmergencySessionClosing.closesAt`. */
export const EndSilentEmergency = Schema.TaggedStruct("EndSilentEmergency", { sessionId: IssuedId })

/** E1: replace the region/number table (it ships with the SPEC's defaults). */
export const ConfigureEmergencyRegions = Schema.TaggedStruct("ConfigureEmergencyRegions", {
  ...Audited,
  regions: Schema.Array(
    Schema.Struct({
      region: RegionCode,
      name: Label,
      aliases: Schema.optionalKey(Schema.Array(RegionCode).check(Schema.isMaxLength(5))),
      timeZone: Schema.String.check(Schema.isMaxLength(64)),
      locale: Schema.String.check(Schema.isMaxLength(35)),
      emergencyNumbers: Schema.Array(ShortNumber).check(Schema.isMinLength(1), Schema.isMaxLength(10)),
      testNumbers: Schema.optionalKey(Schema.Array(ShortNumber).check(Schema.isMaxLength(10))),
    }),
  ).check(Schema.isMinLength(1), Schema.isMaxLength(100)),
})

/** E2: reps with units of these capacity profiles call out from `callingNumber`. */
export const DefineOutboundVoiceProfile = Schema.TaggedStruct("DefineOutboundVoiceProfile", {
  ...Audited,
  profileId: Id,
  name: Label,
  callingNumber: E164,
  capacityProfiles: Schema.Array(Id).check(Schema.isMinLength(1), Schema.isMaxLength(50)),
})

/** E3: the tenant's calling-plan numbers and its direct-routing rules. */
export const ConfigureEmergencyCarrier = Schema.TaggedStruct("ConfigureEmergencyCarrier", {
  ...Audited,
  callingPlanNumbers: Schema.Array(E164).check(Schema.isMaxLength(10_000)),
  directRoutingRules: Schema.Array(
    Schema.Struct({
      ruleId: Id,
      pattern: Schema.String.check(
        Schema.isPattern(/^(\d{1,15}\*?|\*)$/u, {
          message: "must be digits, digits followed by '*', or '*'",
        }),
      ),
      carrier: Label,
    }),
  ).check(Schema.isMaxLength(100)),
})

/** E5/B5: the callback numbers, the overflow number and the fallback reps. */
export const ConfigureCallbackPool = Schema.TaggedStruct("ConfigureCallbackPool", {
  ...Audited,
  numbers: Schema.Array(E164).check(Schema.isMaxLength(1_000)),
  overflowNumber: Schema.NullOr(E164),
  fallbackRepIds: Schema.Array(Id).check(Schema.isMinLength(1), Schema.isMaxLength(5)),
  /**
   * W5: minutes a session is kept after its callback window while a call is believed up with no
   * word of it. Absent: the one in force stays (15 minutes until an admin sets another).
   */
  graceMinutes: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 120 }))),
})

/** E9/E11: "a@x.com; b@y.org" — every address is validated; empty clears the list. */
export const SetEmergencyContacts = Schema.TaggedStruct("SetEmergencyContacts", {
  ...Audited,
  repId: Id,
  contacts: Schema.String.check(Schema.isMaxLength(5_000)),
})

/** E2: whether the rep's mailbox is enabled for the notification (enabled until said otherwise). */
export const SetRepMailbox = Schema.TaggedStruct("SetRepMailbox", {
  ...Audited,
  repId: Id,
  enabled: Schema.Boolean,
})

/** E11: the notification template; unknown placeholders are refused. */
export const SetNotificationTemplate = Schema.TaggedStruct("SetNotificationTemplate", {
  ...Audited,
  subject: Schema.String.check(Schema.isMaxLength(1_000)),
  body: Schema.String.check(Schema.isMaxLength(20_000)),
})

export const EmergencyCommand = Schema.Union([
  DialEmergency,
  EndEmergency,
  EmergencyCallDropped,
  ExpireCallbackLease,
  CloseEmergencyWindow,
  EndSilentEmergency,
  ConfigureEmergencyRegions,
  DefineOutboundVoiceProfile,
  ConfigureEmergencyCarrier,
  ConfigureCallbackPool,
  SetEmergencyContacts,
  SetRepMailbox,
  SetNotificationTemplate,
])
export type EmergencyCommand = typeof EmergencyCommand.Type
export type EmergencyCommandOf<T extends EmergencyCommand["_tag"]> = Extract<EmergencyCommand, { _tag: T }>
