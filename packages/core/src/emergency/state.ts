import { type CarrierConfig, emptyCarrierConfig, type OutboundVoiceProfile } from "./carrier-path"
import type { EmergencyEventOf, SessionOrigin } from "./events"
import { DEFAULT_TEMPLATE, type NotificationTemplate } from "./notification-template"
import { DEFAULT_REGIONS, type RegionTable, regionTable } from "./regions"

/** One number leased to one rep; a rep holds at most one lease. */
export interface Lease {
  readonly leaseId: string
  readonly repId: string
  readonly number: string
  /** The session of the dial that leased or last renewed it. */
  sessionId: string
  leasedAt: number
  expiresAt: number
}

/** The numbers an admin configured (E5) and where callbacks go when the rep cannot take them (B5). */
export interface CallbackPool {
  readonly numbers: readonly string[]
  readonly members: ReadonlySet<string>
  /**
   * Presented as the callback number when every pool number is leased; calls to it go to the
   * fallback reps. Null: the outbound profile's calling number is presented instead, and a
   * callback reaches the ordinary line behind it.
   */
  readonly overflowNumber: string | null
  /** B5: reps (a supervisor, a security desk) tried in order, online ones first. */
  readonly fallbackRepIds: readonly string[]
  /**
   * W5: how long a session is kept after its callback window (the lease's 60 minutes) while a
   * call is still believed up but nobody has said a word of it (the rep's browser gone).
   */
  readonly graceMinutes: number
}

/** W5: the grace a contact centre gets unless its admin sets another (1-120 minutes). */
export const DEFAULT_GRACE_MINUTES = 15

export const emptyPool = (): CallbackPool => ({
  numbers: [],
  members: new Set(),
  overflowNumber: null,
  fallbackRepIds: [],
  graceMinutes: DEFAULT_GRACE_MINUTES,
})

/** One emergency for one rep: from the dial (or a PSAP callback) to its end (E4, E10). */
export interface Session {
  readonly sessionId: string
  readonly repId: string
  /** E4: what the rep's presence was before the session, restored at its end (E10). */
  readonly previousPresence: string
  readonly origin: SessionOrigin
  readonly openedAt: number
  /** The latest dial in the session, if any. */
  dial: EmergencyEventOf<"EmergencyDialled"> | null
  /** E9: the contacts were sent the notification in this session. */
  notified: boolean
  /** W5: when the rep's own call dropped; null while it is up (or none was dialled). */
  droppedAt: number | null
  /** W5: the callback window is over with a call believed up and no word: the session closes then. */
  closesAt: number | null
  endedAt: number | null
}

/** A PSAP callback in progress: who it was sent to, and who is left to try (B5). */
export interface PsapCall {
  readonly callId: string
  readonly number: string
  readonly leaseId: string | null
  /** The rep the current redirect went to. */
  target: string
  role: "rep" | "fallback"
  attempt: number
  /** Reps this call was sent to (or passed over: the signed-out lease holder), not tried again. */
  readonly tried: Set<string>
  /** The session this call opened (the rep had none up), ended with the call. */
  sessionId: string | null
  /** The rep's session the call was put through into (the rep's view shows only that session's). */
  intoSession: string | null
}

/**
 * What the operator sees of emergencies (E1 refused attempts, E3 decisions, B5): no content.
 * Kept by the operator log read model (operator-log.ts), not in the state.
 */
export type OperatorRecord =
  | EmergencyEventOf<"EmergencyDialRefused">
  | {
      readonly _tag: "CarrierPathDecided"
      readonly region: string
      readonly number: string
      readonly test: boolean
      readonly outboundProfileId: string
      readonly callingNumber: string
      readonly carrierPath: EmergencyEventOf<"EmergencyDialled">["carrierPath"]
      readonly at: number
    }
  | EmergencyEventOf<"CallbackPoolExhausted">
  | EmergencyEventOf<"PsapCallbackUnanswered">

export interface EmergencyState {
  regions: RegionTable
  carrier: CarrierConfig
  readonly outboundProfiles: Map<string, OutboundVoiceProfile>
  pool: CallbackPool
  /** Live leases (and ones past their end whose expiry timer has not fired yet). */
  readonly leases: Map<string, Lease>
  readonly leaseByRep: Map<string, Lease>
  readonly leaseByNumber: Map<string, Lease>
  /** When each pool number was last released (least recently used goes first). */
  readonly releasedAt: Map<string, number>
  /** Every session, ended ones included (a handful a year: kept for the delivery view). */
  readonly sessions: Map<string, Session>
  readonly activeByRep: Map<string, Session>
  readonly psapCalls: Map<string, PsapCall>
  /** E9/E11: per-rep emergency contacts, validated addresses. */
  readonly contacts: Map<string, readonly string[]>
  /** E2: reps whose mailbox an admin disabled (enabled unless said otherwise). */
  readonly mailboxDisabled: Set<string>
  template: NotificationTemplate
  readonly counters: { sessions: number; leases: number }
}

export const emptyEmergencyState = (): EmergencyState => ({
  regions: regionTable(DEFAULT_REGIONS),
  carrier: emptyCarrierConfig(),
  outboundProfiles: new Map(),
  pool: emptyPool(),
  leases: new Map(),
  leaseByRep: new Map(),
  leaseByNumber: new Map(),
  releasedAt: new Map(),
  sessions: new Map(),
  activeByRep: new Map(),
  psapCalls: new Map(),
  contacts: new Map(),
  mailboxDisabled: new Set(),
  template: DEFAULT_TEMPLATE,
  counters: { sessions: 0, leases: 0 },
})

/** Ids are counted in the state, so a replayed decision names the same session and lease. */
export const nextSessionId = (state: EmergencyState): string => `emergency-${state.counters.sessions + 1}`
