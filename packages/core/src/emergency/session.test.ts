import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { executeCenter, replayCenter } from "../center/execute"
import { emptyCenterState } from "../center/state"
import { windowTimerId } from "./drop"
import { operatorEmergencyLog } from "./operator-log"
import { busyWithCall, dial, emergencyCenter, end, inbound, ORDINARY_LINE } from "./test-kit"
import { dialOutcome } from "./views"

const presenceOf = (h: ReturnType<typeof emergencyCenter>, repId = "ann") =>
  h.state.routing.reps.get(repId)?.presenceId

describe("E1 who may dial, and from where", () => {
  it("E1 911 from the US starts the flow whatever the rep's state: offline, ringing, or at full capacity", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetPresence", repId: "bob", presenceId: "offline" })
    expect(dialOutcome(h.run(dial("bob")))).toMatchObject({ _tag: "Started" })
    busyWithCall(h, "c1", "ann")
    h.run(inbound("c2", ORDINARY_LINE))
    expect(h.state.routing.reps.get("ann")?.capacity.get("voice")).toEqual({ total: 1, used: 1 })
    const events = h.run(dial("ann"))
    expect(events.map((e) => e._tag)).toEqual(
      expect.arrayContaining([
        "EmergencySessionOpened",
        "EmergencyDialled",
        "PresenceChanged",
        "CallbackLeased",
      ]),
    )
  })

  it("E1 an unsupported region: the rep is told at once to use a local phone, and the attempt is logged", () => {
    const h = emergencyCenter()
    const mark = h.log.length
    const events = h.run(dial("ann", "112", "FR"))
    expect(events.map((e) => e._tag)).toEqual(["EmergencyDialRefused"])
    const outcome = dialOutcome(events)
    if (outcome?._tag !== "Refused") throw new Error("expected a refusal")
    expect(outcome.error).toMatchObject({
      _tag: "EmergencyUnavailable",
      reason: "unsupported_region",
      field: "location",
    })
    expect(outcome.error.message).toMatch(/^Use a local phone to call emergency services now\./)
    expect(outcome.error.message).toContain("FR")
    // Logged for the operator, and nothing else happened: no DND, no lease, no email.
    expect(operatorEmergencyLog(h.log)).toMatchObject([
      { _tag: "EmergencyDialRefused", repId: "ann", region: "FR" },
    ])
    expect(presenceOf(h)).toBe("available")
    expect(h.since(mark).map((e) => e._tag)).toEqual(["EmergencyDialRefused"])
    expect(h.state.emergency.leases.size).toBe(0)
  })

  it("E1 the emergency number of another region is refused with the number to dial here", () => {
    const h = emergencyCenter()
    const outcome = dialOutcome(h.run(dial("ann", "999", "US")))
    if (outcome?._tag !== "Refused") throw new Error("expected a refusal")
    expect(outcome.error.reason).toBe("not_emergency_number_in_region")
    expect(outcome.error.field).toBe("dialString")
    expect(outcome.error.message).toMatch(/^Dial 911, or use a local phone\./)
  })

  it("E1 a dial string that is no emergency number anywhere is not the emergency flow's: an error, nothing logged", () => {
    const h = emergencyCenter()
    const mark = h.log.length
    for (const dialString of ["5551234", "+1911", "91*1", ""]) {
      const error = h.reject(dial("ann", dialString))
      expect(error).toMatchObject({ _tag: "InvalidField", field: "dialString" })
    }
    expect(h.log.length).toBe(mark)
  })

  it("E1 separators people type are ignored: 9-1-1 and '9 1 1' are 911", () => {
    const h = emergencyCenter()
    expect(dialOutcome(h.run(dial("ann", "9-1-1")))).toMatchObject({ _tag: "Started" })
    expect(h.eventsOf("EmergencyDialled")[0]?.number).toBe("911")
  })

  it("E1 an unknown rep is an error naming the field", () => {
    expect(emergencyCenter().reject(dial("nobody"))).toMatchObject({ _tag: "UnknownEntity", field: "repId" })
  })

  it("E1 a 933 test call runs the same flow (DND, restore, carrier path) but leases nothing and sends nothing", () => {
    const h = emergencyCenter()
    const events = h.run(dial("ann", "933"))
    expect(events.map((e) => e._tag)).toEqual([
      "EmergencySessionOpened",
      "PresenceChanged",
      "EmergencyDialled",
    ])
    expect(h.eventsOf("EmergencyDialled")[0]).toMatchObject({
      test: true,
      callbackNumber: null,
      notification: "test_call",
      carrierPath: { _tag: "CallingPlan" },
    })
    expect(presenceOf(h)).toBe("busy_dnd")
    expect(h.state.emergency.leases.size).toBe(0)
    expect(h.state.outbox.entries.size).toBe(0)
    // W5: no lease bounds the session, so its own window timer does; the end disarms it.
    expect([...h.timers.keys()]).toEqual([windowTimerId("emergency-1")])
    h.run(end())
    expect(presenceOf(h)).toBe("available")
    expect(h.timers.size).toBe(0)
  })
})

describe("E4/E10 presence around the emergency", () => {
  it("E4 presence switches to busy_dnd at once, whatever it was; E10 the end restores exactly that presence", () => {
    for (const before of ["available", "busy", "away", "offline", "busy_dnd", "lunch"]) {
      const h = emergencyCenter()
      h.run({ _tag: "DefinePresence", presenceId: "lunch", label: "Lunch", base: "away" })
      h.run({ _tag: "SetPresence", repId: "ann", presenceId: before })
      h.run(dial())
      expect(presenceOf(h)).toBe("busy_dnd")
      expect(h.state.emergency.activeByRep.get("ann")?.previousPresence).toBe(before)
      h.advance(5 * 60_000)
      const ended = h.run(end())
      expect(ended[0]).toMatchObject({
        _tag: "EmergencyEnded",
        restoredPresence: before,
        reason: "rep_ended",
      })
      expect(presenceOf(h)).toBe(before)
    }
  })

  it("E10 presence is restored after a restart between the dial and the end (state rebuilt from the log)", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.run(dial())
    h.advance(10 * 60_000)
    // The process restarts: nothing survives but the event log.
    const restarted = replayCenter(emptyCenterState(), h.log)
    expect(restarted.routing.reps.get("ann")?.presenceId).toBe("busy_dnd")
    const result = executeCenter(restarted, end(), h.now)
    if (Result.isFailure(result)) throw new Error(result.failure.message)
    expect(result.success).toContainEqual(
      expect.objectContaining({ _tag: "PresenceChanged", repId: "ann", from: "busy_dnd", to: "away" }),
    )
    expect(restarted.routing.reps.get("ann")?.presenceId).toBe("away")
  })

  it("E4 nobody sets the presence by hand during an emergency; after the end they may", () => {
    const h = emergencyCenter()
    h.run(dial())
    const mark = h.log.length
    const error = h.reject({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    expect(error).toMatchObject({ _tag: "InvalidState", field: "presenceId" })
    expect(error.message).toContain("'available'")
    expect(h.log.length).toBe(mark)
    // Other reps are not affected.
    h.run({ _tag: "SetPresence", repId: "bob", presenceId: "away" })
    h.run(end())
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    expect(presenceOf(h)).toBe("away")
  })

  it("E4 a redial in the same session keeps the presence remembered at the first dial", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "busy" })
    h.run(dial())
    h.advance(60_000)
    const again = h.run(dial())
    expect(again.map((e) => e._tag)).toEqual(["EmergencyDialled", "CallbackLeaseRenewed"])
    expect(h.state.emergency.sessions.size).toBe(1)
    h.run(end())
    expect(presenceOf(h)).toBe("busy")
  })

  it("E10 ending again, or ending an older session, changes nothing", () => {
    const h = emergencyCenter()
    h.run(dial())
    h.run(end())
    expect(h.run(end())).toEqual([])
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.run(dial())
    expect(h.run({ _tag: "EndEmergency", repId: "ann", sessionId: "emergency-1" })).toEqual([])
    expect(presenceOf(h)).toBe("busy_dnd")
    h.run({ _tag: "EndEmergency", repId: "ann", sessionId: "emergency-2" })
    expect(presenceOf(h)).toBe("away")
  })

  it("E4 work waiting for the rep is not offered during the emergency; after the end it is", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetPresence", repId: "bob", presenceId: "offline" })
    h.run(dial())
    h.run(inbound("c1", ORDINARY_LINE))
    expect(h.state.routing.offers.size).toBe(0)
    const ended = h.run(end())
    expect(ended.map((e) => e._tag)).toContain("OfferMade")
  })
})
