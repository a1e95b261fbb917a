import type { CenterEvent } from "../center/events"
import type { EmergencyEventOf } from "./events"
import { regionTable } from "./regions"
import type { EmergencyState, Lease } from "./state"

/**
 * Apply one event to the emergency state. Events are facts already decided, so nothing here
 * validates; replaying the stream rebuilds the remembered presences, the leases and the calls in
 * progress exactly (N1), which is how a presence is restored after a restart (E10).
 */
export const evolveEmergency = (em: EmergencyState, event: CenterEvent): void => {
  switch (event._tag) {
    // E1/B5 for the operator only: the operator log read model keeps them (operator-log.ts).
    case "EmergencyDialRefused":
    case "CallbackPoolExhausted":
      return
    case "EmergencySessionOpened":
      openSession(em, event)
      return
    case "EmergencyDialled":
      dialled(em, event)
      return
    case "CallbackLeased":
    case "CallbackLeaseRenewed":
      leased(em, event)
      return
    case "CallbackLeaseExpired":
      expired(em, event)
      return
    case "PsapCallbackReceived":
    case "PsapCallbackRedirected":
    case "PsapCallbackUnanswered":
    case "PsapCallbackEnded":
      psapCall(em, event)
      return
    case "EmergencyCallDropped": {
      const session = em.sessions.get(event.sessionId)
      if (session !== undefined) session.droppedAt = event.at
      return
    }
    case "EmergencySessionClosing": {
      const session = em.sessions.get(event.sessionId)
      if (session !== undefined) session.closesAt = event.closesAt
      return
    }
    case "EmergencyEnded": {
      const session = em.sessions.get(event.sessionId)
      if (session !== undefined) session.endedAt = event.at
      em.activeByRep.delete(event.repId)
      return
    }
    default:
      settings(em, event)
  }
}

/** The admin's set-up: regions, carrier, outbound profiles, pool, contacts, mailbox, template. */
const settings = (em: EmergencyState, event: CenterEvent): void => {
  switch (event._tag) {
    case "EmergencyRegionsConfigured":
      em.regions = regionTable(event.regions)
      return
    case "OutboundVoiceProfileDefined": {
      const { _tag, at, actor, ...profile } = event
      em.outboundProfiles.set(profile.profileId, profile)
      return
    }
    case "EmergencyCarrierConfigured":
      em.carrier = {
        callingPlanNumbers: new Set(event.callingPlanNumbers),
        directRoutingRules: event.directRoutingRules,
      }
      return
    case "CallbackPoolConfigured":
      em.pool = {
        numbers: event.numbers,
        members: new Set(event.numbers),
        overflowNumber: event.overflowNumber,
        fallbackRepIds: event.fallbackRepIds,
        // Stored before W5's grace existed: the one in force stays.
        graceMinutes: event.graceMinutes ?? em.pool.graceMinutes,
      }
      return
    case "EmergencyContactsSet":
      if (event.contacts.length === 0) em.contacts.delete(event.repId)
      else em.contacts.set(event.repId, event.contacts)
      return
    case "RepMailboxSet":
      if (event.enabled) em.mailboxDisabled.delete(event.repId)
      else em.mailboxDisabled.add(event.repId)
      return
    case "NotificationTemplateSet":
      em.template = { subject: event.subject, body: event.body }
      return
    default:
      return
  }
}

const openSession = (em: EmergencyState, event: EmergencyEventOf<"EmergencySessionOpened">): void => {
  em.counters.sessions += 1
  const session = {
    sessionId: event.sessionId,
    repId: event.repId,
    previousPresence: event.previousPresence,
    origin: event.origin,
    openedAt: event.at,
    dial: null,
    notified: false,
    droppedAt: null,
    closesAt: null,
    endedAt: null,
  }
  em.sessions.set(session.sessionId, session)
  em.activeByRep.set(session.repId, session)
  if (event.origin._tag === "PsapCallback") {
    const call = em.psapCalls.get(event.origin.callId)
    if (call !== undefined) {
      call.sessionId = event.sessionId
      call.intoSession = event.sessionId
    }
  }
}

const dialled = (em: EmergencyState, event: EmergencyEventOf<"EmergencyDialled">): void => {
  const session = em.sessions.get(event.sessionId)
  if (session !== undefined) {
    session.dial = event
    // W5: a dial again after a drop puts the rep's own call up again, and is word of it.
    session.droppedAt = null
    session.closesAt = null
    if (event.notification === "queued") session.notified = true
    // A session a PSAP callback opened is the rep's own once the rep dials in it: it no longer
    // ends with that call, only when the rep ends it.
    if (session.origin._tag === "PsapCallback") {
      const call = em.psapCalls.get(session.origin.callId)
      if (call !== undefined) call.sessionId = null
    }
  }
}

const leased = (
  em: EmergencyState,
  event: EmergencyEventOf<"CallbackLeased" | "CallbackLeaseRenewed">,
): void => {
  const known = em.leases.get(event.leaseId)
  if (known !== undefined) {
    known.sessionId = event.sessionId
    known.leasedAt = event.at
    known.expiresAt = event.expiresAt
    return
  }
  em.counters.leases += 1
  const lease: Lease = {
    leaseId: event.leaseId,
    repId: event.repId,
    number: event.number,
    sessionId: event.sessionId,
    leasedAt: event.at,
    expiresAt: event.expiresAt,
  }
  em.leases.set(lease.leaseId, lease)
  em.leaseByRep.set(lease.repId, lease)
  em.leaseByNumber.set(lease.number, lease)
}

const expired = (em: EmergencyState, event: EmergencyEventOf<"CallbackLeaseExpired">): void => {
  em.leases.delete(event.leaseId)
  if (em.leaseByRep.get(event.repId)?.leaseId === event.leaseId) em.leaseByRep.delete(event.repId)
  if (em.leaseByNumber.get(event.number)?.leaseId === event.leaseId) em.leaseByNumber.delete(event.number)
  em.releasedAt.set(event.number, event.at)
}

type PsapEvent = EmergencyEventOf<
  "PsapCallbackReceived" | "PsapCallbackRedirected" | "PsapCallbackUnanswered" | "PsapCallbackEnded"
>

const psapCall = (em: EmergencyState, event: PsapEvent): void => {
  switch (event._tag) {
    case "PsapCallbackReceived":
      em.psapCalls.set(event.callId, {
        callId: event.callId,
        number: event.number,
        leaseId: event.leaseId,
        target: "",
        role: "rep",
        attempt: 0,
        tried: new Set(event.repId === null ? [] : [event.repId]),
        sessionId: null,
        intoSession: null,
      })
      return
    case "PsapCallbackRedirected": {
      const call = em.psapCalls.get(event.callId)
      if (call === undefined) return
      call.target = event.repId
      call.role = event.role
      call.attempt = event.attempt
      call.tried.add(event.repId)
      call.intoSession = em.activeByRep.get(event.repId)?.sessionId ?? null
      return
    }
    case "PsapCallbackUnanswered":
    case "PsapCallbackEnded":
      em.psapCalls.delete(event.callId)
      return
  }
}
