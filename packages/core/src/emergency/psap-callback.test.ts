import { describe, expect, it } from "vitest"
import { CALLBACK_LEASE_MS } from "./callback-lease"
import { operatorEmergencyLog } from "./operator-log"
import {
  busyWithCall,
  dial,
  emergencyCenter,
  end,
  inbound,
  leasedNumber,
  ORDINARY_LINE,
  OVERFLOW_NUMBER,
  POOL,
  redirects,
} from "./test-kit"

describe("E6 PSAP callbacks reach the rep for 60 minutes", () => {
  it("E6 PSAP callback still routes at 59:59 (and 59:59.999) and not at 60:00", () => {
    const h = emergencyCenter()
    h.run(dial())
    const dialAt = h.now
    const number = leasedNumber(h)
    h.run(end())
    h.advanceTo(dialAt + 59 * 60_000 + 59_000)
    expect(redirects(h.run(inbound("psap-1", number)))).toEqual([
      { _tag: "Redirect", callId: "psap-1", repId: "ann" },
    ])
    h.advanceTo(dialAt + CALLBACK_LEASE_MS - 1)
    expect(redirects(h.run(inbound("psap-2", number)))).toEqual([
      { _tag: "Redirect", callId: "psap-2", repId: "ann" },
    ])
    h.advanceTo(dialAt + CALLBACK_LEASE_MS)
    const late = h.run(inbound("psap-3", number))
    expect(redirects(late)).toEqual([{ _tag: "Redirect", callId: "psap-3", repId: "desk" }])
    expect(h.eventsOf("PsapCallbackRedirected", late)).toMatchObject([
      { role: "fallback", reason: "no_lease" },
    ])
    expect(h.eventsOf("PsapCallbackReceived", late)).toMatchObject([{ leaseId: null, repId: null }])
  })

  it("E6 the lease is judged by the time, not by whether its expiry timer has fired yet", () => {
    const h = emergencyCenter()
    h.run(dial())
    const number = leasedNumber(h)
    h.timers.clear() // the expiry timer is late (a slow restart, say)
    h.advance(CALLBACK_LEASE_MS)
    expect(h.state.emergency.leaseByNumber.has(number)).toBe(true)
    expect(redirects(h.run(inbound("psap-1", number)))).toEqual([
      { _tag: "Redirect", callId: "psap-1", repId: "desk" },
    ])
  })

  it("E6 a PSAP callback beats 10,000 waiting items and reaches a rep in DND at full capacity", () => {
    const h = emergencyCenter()
    busyWithCall(h, "c0", "ann")
    busyWithCall(h, "c00", "bob")
    h.run(dial())
    const number = leasedNumber(h)
    for (let i = 0; i < 10_000; i++) h.run(inbound(`c${i + 1}`, ORDINARY_LINE))
    const ann = h.state.routing.reps.get("ann")
    expect(ann?.presenceId).toBe("busy_dnd")
    expect(ann?.capacity.get("voice")).toEqual({ total: 1, used: 1 })
    expect(h.state.routing.queues.get("q")?.waiting.size).toBe(10_000)
    const events = h.run(inbound("psap-1", number))
    expect(redirects(events)).toEqual([{ _tag: "Redirect", callId: "psap-1", repId: "ann" }])
    // Straight to the rep: no routing item, no offer, nobody waiting moved.
    expect(events.map((e) => e._tag)).toEqual([
      "ProviderEventHandled",
      "PsapCallbackReceived",
      "PsapCallbackRedirected",
      "OutboxQueued",
    ])
    expect(h.state.routing.items.has("psap-1")).toBe(false)
    expect(h.state.routing.queues.get("q")?.waiting.size).toBe(10_000)
  })

  it("E6 a PSAP callback to a rep with no session up puts the rep in DND until the call ends (E10)", () => {
    const h = emergencyCenter()
    h.run(dial())
    const number = leasedNumber(h)
    h.run(end())
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "busy" })
    const events = h.run(inbound("psap-1", number))
    expect(events).toContainEqual(
      expect.objectContaining({
        _tag: "EmergencySessionOpened",
        previousPresence: "busy",
        origin: { _tag: "PsapCallback", callId: "psap-1" },
      }),
    )
    expect(h.state.routing.reps.get("ann")?.presenceId).toBe("busy_dnd")
    h.run({ _tag: "CallEnded", callId: "psap-1", eventId: "end-1" })
    expect(h.state.routing.reps.get("ann")?.presenceId).toBe("busy")
    expect(h.state.emergency.psapCalls.size).toBe(0)
  })

  it("E10 a rep who dials again during a PSAP callback keeps the session until the rep ends it", () => {
    const h = emergencyCenter()
    h.run(dial())
    const number = leasedNumber(h)
    h.run(end())
    h.run(inbound("psap-1", number))
    h.run(dial())
    h.run({ _tag: "CallEnded", callId: "psap-1", eventId: "end-1" })
    expect(h.state.routing.reps.get("ann")?.presenceId).toBe("busy_dnd")
    h.run(end())
    expect(h.state.routing.reps.get("ann")?.presenceId).toBe("available")
  })

  it("E6 while the rep's dial session is up, a PSAP callback joins it: the rep ends it as usual", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.run(dial())
    const events = h.run(inbound("psap-1", leasedNumber(h)))
    expect(h.eventsOf("EmergencySessionOpened", events)).toEqual([])
    h.run({ _tag: "CallEnded", callId: "psap-1", eventId: "end-1" })
    expect(h.state.routing.reps.get("ann")?.presenceId).toBe("busy_dnd")
    h.run(end())
    expect(h.state.routing.reps.get("ann")?.presenceId).toBe("away")
  })

  it("E6 ordinary lines are routed as usual while leases exist", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetPresence", repId: "bob", presenceId: "available" })
    h.run(dial())
    const events = h.run(inbound("c1", ORDINARY_LINE))
    expect(events.map((e) => e._tag)).toContain("ItemQueued")
    expect(redirects(events)).toEqual([])
  })

  it("N2 a repeated provider event for a PSAP callback redirects once", () => {
    const h = emergencyCenter()
    h.run(dial())
    const number = leasedNumber(h)
    h.run(inbound("psap-1", number))
    expect(h.run(inbound("psap-1", number))).toEqual([])
    // The provider reports the same call again under a new event id: still one redirect.
    expect(h.run(inbound("psap-1", number, "other-event"))).toEqual([])
    expect(redirects(h.log)).toHaveLength(1)
  })
})

describe("B5 PSAP callbacks that cannot reach the rep go to the fallback", () => {
  it("B5 a rep who signed out: the callback goes to the fallback rep instead of ringing out", () => {
    const h = emergencyCenter()
    h.run(dial())
    const number = leasedNumber(h)
    h.run(end())
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "offline" })
    const events = h.run(inbound("psap-1", number))
    expect(redirects(events)).toEqual([{ _tag: "Redirect", callId: "psap-1", repId: "desk" }])
    expect(h.eventsOf("PsapCallbackRedirected", events)).toMatchObject([
      { role: "fallback", reason: "rep_signed_out" },
    ])
    expect(h.state.routing.reps.get("ann")?.presenceId).toBe("offline")
  })

  it("B5 the redirect to the rep fails (unreachable): the fallback gets it; the rep's presence comes back", () => {
    const h = emergencyCenter()
    h.run(dial())
    const number = leasedNumber(h)
    h.run(end())
    h.run(inbound("psap-1", number))
    expect(h.state.routing.reps.get("ann")?.presenceId).toBe("busy_dnd")
    const failed = h.run({ _tag: "CallFailed", callId: "psap-1", eventId: "f1", reason: "no answer" })
    expect(redirects(failed)).toEqual([{ _tag: "Redirect", callId: "psap-1", repId: "desk" }])
    expect(h.eventsOf("PsapCallbackRedirected", failed)).toMatchObject([
      { role: "fallback", reason: "rep_unreachable", attempt: 2 },
    ])
    expect(h.state.routing.reps.get("ann")?.presenceId).toBe("available")
    expect(h.state.outbox.due.has("psap~psap-1~redirect~2")).toBe(true)
  })

  it("B5 fallbacks are tried in order, signed-in ones first; when all fail the operator is told", () => {
    const h = emergencyCenter()
    h.run({ _tag: "RegisterRep", repId: "sup", name: "Supervisor", capacity: {} })
    h.run({
      _tag: "ConfigureCallbackPool",
      numbers: [...POOL],
      overflowNumber: OVERFLOW_NUMBER,
      fallbackRepIds: ["sup", "desk"],
    })
    const first = h.run(inbound("psap-1", OVERFLOW_NUMBER))
    expect(h.eventsOf("PsapCallbackRedirected", first)).toMatchObject([
      { repId: "desk", reason: "overflow_number" },
    ])
    const second = h.run({ _tag: "CallFailed", callId: "psap-1", eventId: "f1", reason: "busy" })
    expect(h.eventsOf("PsapCallbackRedirected", second)).toMatchObject([
      { repId: "sup", reason: "fallback_unreachable" },
    ])
    const last = h.run({ _tag: "CallFailed", callId: "psap-1", eventId: "f2", reason: "busy" })
    expect(last.map((e) => e._tag)).toEqual(["ProviderEventHandled", "PsapCallbackUnanswered"])
    expect(operatorEmergencyLog(h.log).at(-1)).toMatchObject({
      _tag: "PsapCallbackUnanswered",
      callId: "psap-1",
    })
  })
})
