import type { AuditStamp } from "../audit/actor"
import type { CarrierPath, DirectRoutingRule, OutboundVoiceProfile } from "./carrier-path"
import type { UnavailableReason } from "./preconditions"
import type { RegionPolicy } from "./regions"

/** E9: what became of the notification when the rep dialled. */
export type NotificationOutcome =
  | "queued"
  /** E1: a test call sends nothing. */
  | "test_call"
  /** A dial again in the same session: the contacts were told already. */
  | "already_notified"
  /** E2: the rep's mailbox is disabled; the call goes ahead. */
  | "mailbox_disabled"
  | "no_contacts"

/** Why a PSAP callback was sent where it was (E6, B5). */
export type RedirectReason =
  /** The number is leased to the rep and the lease is live. */
  | "lease"
  /** B5: the lease is live but the rep is signed out. */
  | "rep_signed_out"
  /** B5: the redirect to the rep failed. */
  | "rep_unreachable"
  /** B5: the previous fallback failed; the next one is tried. */
  | "fallback_unreachable"
  /** A pool number with no live lease (after 60 minutes, or never leased). */
  | "no_lease"
  /** The overflow number presented while the pool was exhausted. */
  | "overflow_number"

interface LeaseFields {
  readonly leaseId: string
  readonly repId: string
  readonly sessionId: string
  readonly number: string
  readonly at: number
  readonly expiresAt: number
}

export type SessionOrigin =
  | { readonly _tag: "Dial" }
  /** A PSAP callback reached a rep who had no session up: DND until that call ends. */
  | { readonly _tag: "PsapCallback"; readonly callId: string }

/**
 * The emergency module's events: plain JSON-safe data that rebuilds the module's state on replay
 * (N1: the remembered presence, leases and pending notifications survive a restart).
 */
export type EmergencyEvent =
  /** The admin's set-up, each stamped for the audit trail (older events carry no stamp). */
  | ({ readonly _tag: "EmergencyRegionsConfigured"; readonly regions: readonly RegionPolicy[] } & AuditStamp)
  | ({ readonly _tag: "OutboundVoiceProfileDefined" } & OutboundVoiceProfile & AuditStamp)
  | ({
      readonly _tag: "EmergencyCarrierConfigured"
      readonly callingPlanNumbers: readonly string[]
      readonly directRoutingRules: readonly DirectRoutingRule[]
    } & AuditStamp)
  | ({
      readonly _tag: "CallbackPoolConfigured"
      readonly numbers: readonly string[]
      readonly overflowNumber: string | null
      readonly fallbackRepIds: readonly string[]
    } & AuditStamp)
  | ({
      readonly _tag: "EmergencyContactsSet"
      readonly repId: string
      readonly contacts: readonly string[]
    } & AuditStamp)
  | ({ readonly _tag: "RepMailboxSet"; readonly repId: string; readonly enabled: boolean } & AuditStamp)
  | ({
      readonly _tag: "NotificationTemplateSet"
      readonly subject: string
      readonly body: string
    } & AuditStamp)
  /** E1/E2: the call cannot be carried; the rep was told to use a local phone. */
  | {
      readonly _tag: "EmergencyDialRefused"
      readonly repId: string
      readonly dialString: string
      readonly region: string | null
      readonly reasons: readonly UnavailableReason[]
      readonly message: string
      readonly at: number
    }
  /** E4: the presence before the emergency, remembered until the session ends (E10). */
  | {
      readonly _tag: "EmergencySessionOpened"
      readonly sessionId: string
      readonly repId: string
      readonly previousPresence: string
      readonly origin: SessionOrigin
      readonly at: number
    }
  /** E1/E3: an emergency (or test) number dialled, and the carrier path decided. */
  | {
      readonly _tag: "EmergencyDialled"
      readonly sessionId: string
      readonly repId: string
      readonly number: string
      readonly test: boolean
      readonly region: string
      readonly timeZone: string
      readonly outboundProfileId: string
      readonly callingNumber: string
      readonly carrierPath: CarrierPath
      /** The number the PSAP is given to call back on; null for a test call. */
      readonly callbackNumber: string | null
      readonly notification: NotificationOutcome
      readonly at: number
    }
  /** E5: a pool number now routes to the rep until `expiresAt` (the dial + 60 minutes). */
  | ({ readonly _tag: "CallbackLeased" } & LeaseFields)
  /** E5: the rep dialled again while holding a lease: same number, 60 minutes from this dial. */
  | ({ readonly _tag: "CallbackLeaseRenewed" } & LeaseFields)
  /** E5: no pool number was free; `fallbackNumber` was presented instead (see CallbackPool). */
  | {
      readonly _tag: "CallbackPoolExhausted"
      readonly sessionId: string
      readonly repId: string
      readonly poolSize: number
      readonly fallbackNumber: string
      readonly routesTo: "fallback_reps" | "ordinary_line"
      readonly at: number
    }
  | {
      readonly _tag: "CallbackLeaseExpired"
      readonly leaseId: string
      readonly repId: string
      readonly number: string
      readonly at: number
    }
  /** E6: a call to a callback number; `repId` is the lease holder while the lease is live. */
  | {
      readonly _tag: "PsapCallbackReceived"
      readonly callId: string
      readonly number: string
      readonly leaseId: string | null
      readonly repId: string | null
      readonly at: number
    }
  /** E6/B5: the call is sent to `repId` (the lease holder or a fallback), bypassing routing. */
  | {
      readonly _tag: "PsapCallbackRedirected"
      readonly callId: string
      readonly repId: string
      readonly role: "rep" | "fallback"
      readonly reason: RedirectReason
      readonly attempt: number
      readonly at: number
    }
  /** B5: every target failed; the operator is told. */
  | { readonly _tag: "PsapCallbackUnanswered"; readonly callId: string; readonly at: number }
  | { readonly _tag: "PsapCallbackEnded"; readonly callId: string; readonly at: number }
  /** E10: the session is over; the remembered presence is restored by a PresenceChanged. */
  | {
      readonly _tag: "EmergencyEnded"
      readonly sessionId: string
      readonly repId: string
      readonly reason: "rep_ended" | "call_ended" | "call_failed"
      readonly restoredPresence: string
      readonly at: number
    }

export type EmergencyEventTag = EmergencyEvent["_tag"]
export type EmergencyEventOf<T extends EmergencyEventTag> = Extract<EmergencyEvent, { _tag: T }>

/** Every emergency event tag, once; a tag missing here is a compile error. */
const EMERGENCY_EVENT_TAG_SET: Record<EmergencyEventTag, true> = {
  EmergencyRegionsConfigured: true,
  OutboundVoiceProfileDefined: true,
  EmergencyCarrierConfigured: true,
  CallbackPoolConfigured: true,
  EmergencyContactsSet: true,
  RepMailboxSet: true,
  NotificationTemplateSet: true,
  EmergencyDialRefused: true,
  EmergencySessionOpened: true,
  EmergencyDialled: true,
  CallbackLeased: true,
  CallbackLeaseRenewed: true,
  CallbackLeaseExpired: true,
  CallbackPoolExhausted: true,
  PsapCallbackReceived: true,
  PsapCallbackRedirected: true,
  PsapCallbackUnanswered: true,
  PsapCallbackEnded: true,
  EmergencyEnded: true,
}

export const EMERGENCY_EVENT_TAGS: ReadonlySet<string> = new Set(Object.keys(EMERGENCY_EVENT_TAG_SET))
