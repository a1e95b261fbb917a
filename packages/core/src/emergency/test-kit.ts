import type { CenterCommand } from "../center/commands"
import type { CenterEvent } from "../center/events"
import { type CenterHarness, centerHarness } from "../center/test-kit"
import { voiceRep } from "../routing/test-kit"

/** Numbers the emergency tests use (E.164, in the 555-01xx fictional range). */
export const CALLING_NUMBER = "+15550100500"
export const POOL = ["+15550100001", "+15550100002"] as const
export const OVERFLOW_NUMBER = "+15550100999"
export const ORDINARY_LINE = "+15559870000"
export const PSAP_NUMBER = "+15550199911"
export const CUSTOMER_NUMBER = "+15551230000"

/** Monday 5 January 2026, 09:00 in New York. */
export const MONDAY_9AM_NEW_YORK = Date.UTC(2026, 0, 5, 14, 0, 0)

export interface EmergencyCenterOptions {
  readonly pool?: readonly string[]
  readonly overflowNumber?: string | null
  readonly contacts?: string
  readonly startAt?: number
}

/**
 * A center with reps ann and bob in queue "q" (workstream "ws"), a security desk rep, an outbound
 * voice profile on a calling-plan number, a callback pool with the desk as the B5 fallback, and
 * ann's emergency contacts.
 */
export const emergencyCenter = (options: EmergencyCenterOptions = {}): CenterHarness => {
  const h = centerHarness(options.startAt ?? MONDAY_9AM_NEW_YORK)
  h.run(voiceRep("ann"))
  h.run(voiceRep("bob"))
  h.run({ ...voiceRep("desk"), name: "Security desk" })
  h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann", "bob"] })
  h.run({ _tag: "DefineWorkstream", workstreamId: "ws", name: "Main", rules: [], fallbackQueueId: "q" })
  h.run({
    _tag: "DefineOutboundVoiceProfile",
    profileId: "out",
    name: "Main line",
    callingNumber: CALLING_NUMBER,
    capacityProfiles: ["voice"],
  })
  h.run({ _tag: "ConfigureEmergencyCarrier", callingPlanNumbers: [CALLING_NUMBER], directRoutingRules: [] })
  h.run({
    _tag: "ConfigureCallbackPool",
    numbers: options.pool ?? POOL,
    overflowNumber: options.overflowNumber === undefined ? OVERFLOW_NUMBER : options.overflowNumber,
    fallbackRepIds: ["desk"],
  })
  h.run({
    _tag: "SetEmergencyContacts",
    repId: "ann",
    contacts: options.contacts ?? "lead@example.com; family@example.org",
  })
  return h
}

export const dial = (
  repId = "ann",
  dialString = "911",
  region: string | null = "US",
  timeZone?: string,
): Extract<CenterCommand, { _tag: "DialEmergency" }> => ({
  _tag: "DialEmergency",
  repId,
  dialString,
  location: timeZone === undefined ? { region } : { region, timeZone },
})

export const end = (repId = "ann"): CenterCommand => ({ _tag: "EndEmergency", repId })

/** An inbound call to `to` as the provider reports it: from a customer on the ordinary line, else from the PSAP. */
export const inbound = (
  callId: string,
  to: string,
  eventId = `ev-${callId}`,
  from = to === ORDINARY_LINE ? CUSTOMER_NUMBER : PSAP_NUMBER,
): CenterCommand => ({
  _tag: "InboundCall",
  callId,
  eventId,
  from,
  to,
  workstreamId: "ws",
})

/** The Redirect actions queued in the outbox among `events`. */
export const redirects = (events: readonly CenterEvent[]) =>
  events.flatMap((e) =>
    e._tag === "OutboxQueued" && e.message._tag === "Telephony" && e.message.action._tag === "Redirect"
      ? [e.message.action]
      : [],
  )

/** The number leased to `repId` now, or a thrown error (the test's precondition). */
export const leasedNumber = (h: CenterHarness, repId = "ann"): string => {
  const lease = h.state.emergency.leaseByRep.get(repId)
  if (lease === undefined) throw new Error(`${repId} holds no lease`)
  return lease.number
}

/** Fill `rep`'s capacity with an ordinary call it accepted. */
export const busyWithCall = (h: CenterHarness, callId: string, repId = "ann"): void => {
  h.run(inbound(callId, ORDINARY_LINE))
  const offer = [...h.state.routing.offers.values()].find((o) => o.item.itemId === callId)
  if (offer === undefined || offer.rep.repId !== repId)
    throw new Error(`${callId} was not offered to ${repId}`)
  h.run({ _tag: "AcceptOffer", offerId: offer.offerId, repId })
}
