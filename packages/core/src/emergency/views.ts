import type { CenterEvent } from "../center/events"
import type { CenterState } from "../center/state"
import { Refusal } from "../kernel/module"
import type { DeliveryRecord } from "../outbox/deliveries"
import type { DeliveryAttempt, DeliveryStatus } from "../outbox/message"
import { repOf } from "../routing/reads"
import { leaseLiveAt } from "./callback-lease"
import { type CarrierPath, outboundProfilesOf, routeEmergencyCall } from "./carrier-path"
import { type DialOutcome, refusalError } from "./dial-outcome"
import type { UnavailableReason } from "./errors"
import { NOTIFICATION_PURPOSE } from "./notification"
import { PLACEHOLDERS } from "./notification-template"

/**
 * Read models (N4): emergency data is shown to no one beyond what E9 sends. The rep sees its own
 * session; a supervisor sees a count; an admin sees set-up, readiness and delivery status, and
 * the operator log (refused attempts, carrier decisions) without names of contacts or content.
 */

/**
 * What a DialEmergency's events mean for the rep's browser, rebuilt from the events: the rules'
 * tests read a dial's outcome from the events they drive. Callers are answered the decision's
 * own reply (issue 20); `dial-outcome.test.ts` checks the two agree.
 */
export const dialOutcome = (events: readonly CenterEvent[]): DialOutcome | undefined => {
  for (const e of events) {
    if (e._tag === "EmergencyDialRefused") return new Refusal(refusalError(e))
    if (e._tag !== "EmergencyDialled") continue
    const lease = events.find((l) => l._tag === "CallbackLeased" || l._tag === "CallbackLeaseRenewed")
    return {
      _tag: "Started",
      sessionId: e.sessionId,
      test: e.test,
      callingNumber: e.callingNumber,
      carrierPath: e.carrierPath,
      callbackNumber: e.callbackNumber,
      callbackUntil: lease !== undefined && "expiresAt" in lease ? lease.expiresAt : null,
      notification: e.notification,
    }
  }
  return undefined
}

/** E7: the rep's own panel during its emergency. Only ever served to that rep (N4). */
export interface RepEmergencyView {
  readonly sessionId: string
  readonly since: number
  readonly alert: "An emergency call is in progress"
  /** E7: the panel shows device settings and End call only. */
  readonly actions: readonly ["device_settings", "end_call"]
  readonly test: boolean
  readonly dialledNumber: string | null
  readonly callbackNumber: string | null
  readonly callbackUntil: number | null
  /** A PSAP callback is being put through to the rep in this session. */
  readonly psapCallback: boolean
  /** W5: when the rep's own call dropped (the session waits for the PSAP's callback); null while up. */
  readonly droppedAt: number | null
}

export const repEmergencyView = (state: CenterState, repId: string, now: number): RepEmergencyView | null => {
  const em = state.emergency
  const session = em.activeByRep.get(repId)
  if (session === undefined) return null
  const lease = em.leaseByRep.get(repId)
  const live = lease !== undefined && leaseLiveAt(lease, now) ? lease : undefined
  // Only a PSAP call put through into this session: one left from an earlier session is not it.
  let psapCallback = false
  for (const call of em.psapCalls.values())
    if (call.target === repId && call.role === "rep" && call.intoSession === session.sessionId)
      psapCallback = true
  return {
    sessionId: session.sessionId,
    since: session.openedAt,
    alert: "An emergency call is in progress",
    actions: ["device_settings", "end_call"],
    test: session.dial?.test ?? false,
    dialledNumber: session.dial?.number ?? null,
    callbackNumber: live?.number ?? null,
    callbackUntil: live?.expiresAt ?? null,
    psapCallback,
    droppedAt: session.droppedAt,
  }
}

/** N4: all a supervisor learns (the rep's presence shows DND like any other DND). */
export const supervisorEmergencyView = (state: CenterState): { readonly activeEmergencies: number } => ({
  activeEmergencies: state.emergency.activeByRep.size,
})

export interface EmergencyReadiness {
  readonly repId: string
  /** E2: what would block the call now, whatever the rep's location. */
  readonly blocking: readonly UnavailableReason[]
  readonly outboundProfileId: string | null
  /** E3: the path each supported region's first emergency number would take; null: none. */
  readonly carrierPaths: readonly {
    readonly region: string
    readonly number: string
    readonly path: CarrierPath | null
  }[]
  /** E2/E9: the email only (never blocks the call). */
  readonly notification: {
    readonly contacts: number
    readonly mailboxEnabled: boolean
    readonly issues: readonly ("no_contacts" | "mailbox_disabled")[]
  }
}

/** E2 for an admin, before any crisis: every missing precondition of one rep. */
export const emergencyReadiness = (state: CenterState, repId: string): EmergencyReadiness | undefined => {
  const rep = repOf(state.routing, repId)
  if (rep === undefined) return undefined
  const em = state.emergency
  let profileId: string | null = null
  const carrierPaths = em.regions.list.flatMap((policy) => {
    const number = policy.emergencyNumbers[0]
    if (number === undefined) return []
    const route = routeEmergencyCall(em.outboundProfiles, em.carrier, rep, number)
    if (route._tag === "Carried") profileId ??= route.profile.profileId
    return [{ region: policy.region, number, path: route._tag === "Carried" ? route.path : null }]
  })
  const blocking: UnavailableReason[] =
    outboundProfilesOf(em.outboundProfiles, rep).length === 0
      ? ["no_outbound_voice_profile"]
      : carrierPaths.some((c) => c.path === null)
        ? ["no_carrier_path"]
        : []
  const contacts = em.contacts.get(repId)?.length ?? 0
  const mailboxEnabled = !em.mailboxDisabled.has(repId)
  const issues: ("no_contacts" | "mailbox_disabled")[] = []
  if (contacts === 0) issues.push("no_contacts")
  if (!mailboxEnabled) issues.push("mailbox_disabled")
  return {
    repId,
    blocking,
    outboundProfileId: profileId,
    carrierPaths,
    notification: { contacts, mailboxEnabled, issues },
  }
}

/** B6: an emergency notification's delivery as an admin sees it: status, never the content. */
export interface NotificationDeliveryView {
  readonly messageId: string
  readonly sessionId: string
  readonly repId: string | null
  readonly to: readonly string[]
  readonly status: DeliveryStatus
  readonly attempts: number
  readonly retryAt: number | null
  readonly queuedAt: number
  readonly history: readonly DeliveryAttempt[]
}

/**
 * B6: emergency notifications among delivery records (the deliveries read model's, in its
 * order), each with the rep of its session (sessions are few and stay in the state).
 */
export const notificationDeliveries = (
  records: Iterable<DeliveryRecord>,
  state: CenterState,
): NotificationDeliveryView[] => {
  const out: NotificationDeliveryView[] = []
  for (const record of records) {
    if (record.purpose !== NOTIFICATION_PURPOSE) continue
    out.push({
      messageId: record.messageId,
      sessionId: record.ref,
      repId: state.emergency.sessions.get(record.ref)?.repId ?? null,
      to: record.to,
      status: record.status,
      attempts: record.attempts,
      retryAt: record.retryAt,
      queuedAt: record.queuedAt,
      history: [...record.history],
    })
  }
  return out
}

/** E5 for an admin sizing the pool: which numbers are free, none of who holds them. */
export const callbackPoolView = (state: CenterState, now: number) => {
  const { pool, leaseByNumber } = state.emergency
  const numbers = pool.numbers.map((number) => {
    const lease = leaseByNumber.get(number)
    const live = lease !== undefined && leaseLiveAt(lease, now)
    return { number, leasedUntil: live ? lease.expiresAt : null }
  })
  return {
    size: pool.numbers.length,
    leased: numbers.filter((n) => n.leasedUntil !== null).length,
    overflowNumber: pool.overflowNumber,
    fallbackRepIds: pool.fallbackRepIds,
    numbers,
  }
}

/** E11: what the admin editor shows for one rep and for the template. */
export const emergencyContactsView = (state: CenterState, repId: string) => ({
  repId,
  contacts: state.emergency.contacts.get(repId) ?? [],
  mailboxEnabled: !state.emergency.mailboxDisabled.has(repId),
})

export const notificationTemplateView = (state: CenterState) => ({
  ...state.emergency.template,
  placeholders: PLACEHOLDERS,
})
