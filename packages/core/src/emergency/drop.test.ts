import { describe, expect, it } from "vitest"
import type { CenterCommand } from "../center/commands"
import type { CenterEvent } from "../center/events"
import type { CenterHarness } from "../center/test-kit"
import { CALLBACK_LEASE_MS } from "./callback-lease"
import { dial, emergencyCenter, end, inbound, leasedNumber } from "./test-kit"
import { repEmergencyView } from "./views"

/**
 * W5 (issue 19): an emergency session never stays open forever. A dropped call is told to the
 * rep and the session waits for the PSAP's callback while the lease is live; when the lease ends
 * with no call up, presence is restored (E10) and the rep is told (`EmergencyEnded`).
 */

const sessionOf = (h: CenterHarness, repId = "ann"): string => {
  const session = h.state.emergency.activeByRep.get(repId)
  if (session === undefined) throw new Error(`${repId} has no session up`)
  return session.sessionId
}

const dropped = (h: CenterHarness, repId = "ann", reason?: string): CenterCommand => ({
  _tag: "EmergencyCallDropped",
  repId,
  sessionId: sessionOf(h, repId),
  ...(reason === undefined ? {} : { reason }),
})

const presenceOf = (h: CenterHarness, repId = "ann") => h.state.routing.reps.get(repId)?.presenceId

const ended = (h: CenterHarness) => ({
  _tag: "CallEnded" as const,
  eventId: `end-${h.now}`,
  callId: "psap-1",
})

/** The domain's events of a provider event (without the N2 bookkeeping of its event id). */
const domain = (events: readonly CenterEvent[]) => events.filter((e) => e._tag !== "ProviderEventHandled")

describe("W5 a dropped emergency call waits for the PSAP, then ends with the lease", () => {
  it("W5 the drop tells the rep and keeps the session, DND and the lease; the lease's end restores presence (E10)", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    const number = leasedNumber(h)
    h.advance(5 * 60_000)
    const events = h.run(dropped(h, "ann", "network"))
    expect(events).toEqual([
      {
        _tag: "EmergencyCallDropped",
        sessionId: "emergency-1",
        repId: "ann",
        reason: "network",
        callbackNumber: number,
        waitingUntil: dialAt + CALLBACK_LEASE_MS,
        at: dialAt + 5 * 60_000,
      },
    ])
    expect(presenceOf(h)).toBe("busy_dnd")
    expect(repEmergencyView(h.state, "ann", h.now)).toMatchObject({
      sessionId: "emergency-1",
      droppedAt: dialAt + 5 * 60_000,
      callbackNumber: number,
    })

    // One millisecond before the lease's end nothing has happened; at its end the durable timer fires.
    expect(h.advanceTo(dialAt + CALLBACK_LEASE_MS - 1)).toEqual([])
    const atEnd = h.advanceTo(dialAt + CALLBACK_LEASE_MS)
    expect(atEnd.map((e) => e._tag)).toEqual(["CallbackLeaseExpired", "EmergencyEnded", "PresenceChanged"])
    expect(h.eventsOf("EmergencyEnded", atEnd)).toMatchObject([
      { repId: "ann", reason: "lease_ended", restoredPresence: "available" },
    ])
    expect(presenceOf(h)).toBe("available")
    expect(repEmergencyView(h.state, "ann", h.now)).toBeNull()
  })

  it("W5 a PSAP callback while waiting reaches the rep; its end before the lease's leaves the session waiting", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    const number = leasedNumber(h)
    h.run(dropped(h))
    h.advance(10 * 60_000)
    const rung = h.run(inbound("psap-1", number))
    expect(h.eventsOf("PsapCallbackRedirected", rung)).toMatchObject([{ repId: "ann", role: "rep" }])
    expect(h.eventsOf("EmergencySessionOpened", rung)).toEqual([])
    expect(repEmergencyView(h.state, "ann", h.now)?.psapCallback).toBe(true)

    const over = domain(h.run(ended(h)))
    expect(over).toEqual([{ _tag: "PsapCallbackEnded", callId: "psap-1", repId: "ann", at: h.now }])
    expect(presenceOf(h)).toBe("busy_dnd")
    const atEnd = h.advanceTo(dialAt + CALLBACK_LEASE_MS)
    expect(h.eventsOf("EmergencyEnded", atEnd)).toMatchObject([{ reason: "lease_ended" }])
    expect(presenceOf(h)).toBe("available")
  })

  it("W5 a PSAP call still up when the lease ends keeps the session; its end then closes it", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    const number = leasedNumber(h)
    h.run(dropped(h))
    h.advanceTo(dialAt + CALLBACK_LEASE_MS - 60_000)
    h.run(inbound("psap-1", number))
    const atEnd = h.advanceTo(dialAt + CALLBACK_LEASE_MS)
    // The PSAP call is believed up: the session is closing (session-bound.test.ts), not ended.
    expect(atEnd.map((e) => e._tag)).toEqual(["CallbackLeaseExpired", "EmergencySessionClosing"])
    expect(presenceOf(h)).toBe("busy_dnd")
    h.advance(2 * 60_000)
    const over = domain(h.run(ended(h)))
    expect(over.map((e) => e._tag)).toEqual(["PsapCallbackEnded", "EmergencyEnded", "PresenceChanged"])
    expect(h.eventsOf("EmergencyEnded", over)).toMatchObject([{ reason: "lease_ended" }])
    expect(presenceOf(h)).toBe("available")
  })

  it("W5 a call still up when the lease ends is not cut short; its drop then ends the session at once", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    expect(h.advanceTo(dialAt + CALLBACK_LEASE_MS).map((e) => e._tag)).toEqual([
      "CallbackLeaseExpired",
      "EmergencySessionClosing",
    ])
    expect(presenceOf(h)).toBe("busy_dnd")
    h.advance(60_000)
    const events = h.run(dropped(h))
    expect(events.map((e) => e._tag)).toEqual(["EmergencyCallDropped", "EmergencyEnded", "PresenceChanged"])
    expect(h.eventsOf("EmergencyCallDropped", events)).toMatchObject([
      { waitingUntil: null, callbackNumber: null },
    ])
    expect(h.eventsOf("EmergencyEnded", events)).toMatchObject([{ reason: "call_ended" }])
  })

  it("W5 a test call (933) that drops has no callback to wait for: the session ends, presence restored", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.run(dial("ann", "933"))
    const events = h.run(dropped(h))
    expect(events.map((e) => e._tag)).toEqual(["EmergencyCallDropped", "EmergencyEnded", "PresenceChanged"])
    expect(presenceOf(h)).toBe("away")
  })

  it("W5 a redial after a drop puts the call up again: the lease's end no longer ends the session", () => {
    const h = emergencyCenter()
    h.run(dial())
    h.run(dropped(h))
    h.advance(5 * 60_000)
    const redialAt = h.now
    h.run(dial())
    expect(repEmergencyView(h.state, "ann", h.now)?.droppedAt).toBeNull()
    const atEnd = h.advanceTo(redialAt + CALLBACK_LEASE_MS)
    expect(atEnd.map((e) => e._tag)).toEqual(["CallbackLeaseExpired", "EmergencySessionClosing"])
    expect(presenceOf(h)).toBe("busy_dnd")
  })

  it("W5 a repeated drop, a drop for an older session and a drop after End call change nothing", () => {
    const h = emergencyCenter()
    h.run(dial())
    const first = dropped(h)
    h.run(first)
    expect(h.run(first)).toEqual([])
    h.run(end())
    expect(h.run(first)).toEqual([])
    h.run(dial())
    expect(h.run(first)).toEqual([])
    expect(() => h.run({ _tag: "EmergencyCallDropped", repId: "nobody", sessionId: "emergency-1" })).toThrow(
      /unknown rep 'nobody'/,
    )
  })

  it("W5 the PSAP's redirected call ends as the rep's calling client heard it; the lease's end then closes the session", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    const number = leasedNumber(h)
    h.run(dropped(h))
    h.run(inbound("psap-1", number))
    const sessionId = sessionOf(h)
    // Only the rep the call was put through to can end it; an unknown call is a no-op.
    expect(h.run({ _tag: "EmergencyCallDropped", repId: "bob", sessionId, psapCallId: "psap-1" })).toEqual([])
    expect(h.run({ _tag: "EmergencyCallDropped", repId: "ann", sessionId, psapCallId: "psap-9" })).toEqual([])
    const over = h.run({ _tag: "EmergencyCallDropped", repId: "ann", sessionId, psapCallId: "psap-1" })
    expect(over).toEqual([{ _tag: "PsapCallbackEnded", callId: "psap-1", repId: "ann", at: h.now }])
    expect(repEmergencyView(h.state, "ann", h.now)?.psapCallback).toBe(false)
    const atEnd = h.advanceTo(dialAt + CALLBACK_LEASE_MS)
    expect(h.eventsOf("EmergencyEnded", atEnd)).toMatchObject([{ reason: "lease_ended" }])
  })

  it("W5 a session the PSAP's callback opened ends when the rep's client hears that call end", () => {
    const h = emergencyCenter()
    h.run(dial())
    const number = leasedNumber(h)
    h.run(end())
    h.run(inbound("psap-1", number))
    const sessionId = sessionOf(h)
    const over = h.run({ _tag: "EmergencyCallDropped", repId: "ann", sessionId, psapCallId: "psap-1" })
    expect(over.map((e) => e._tag)).toEqual(["PsapCallbackEnded", "EmergencyEnded", "PresenceChanged"])
    expect(presenceOf(h)).toBe("available")
  })

  it("W5 End call while waiting ends the session at once (E10)", () => {
    const h = emergencyCenter()
    h.run(dial())
    h.run(dropped(h))
    const events = h.run(end())
    expect(h.eventsOf("EmergencyEnded", events)).toMatchObject([{ reason: "rep_ended" }])
    expect(presenceOf(h)).toBe("available")
  })
})

describe("the rep's view of the PSAP's call is this session's only (issue 19)", () => {
  it("a PSAP call put through in an earlier session does not show in a new one", () => {
    const h = emergencyCenter()
    h.run(dial())
    const number = leasedNumber(h)
    h.run(inbound("psap-1", number))
    expect(repEmergencyView(h.state, "ann", h.now)?.psapCallback).toBe(true)
    h.run(end())
    h.run(dial())
    expect(repEmergencyView(h.state, "ann", h.now)).toMatchObject({
      sessionId: "emergency-2",
      psapCallback: false,
    })
  })
})
