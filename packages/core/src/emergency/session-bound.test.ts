import { Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import type { CenterCommand } from "../center/commands"
import type { CenterEvent } from "../center/events"
import { replayCenter } from "../center/execute"
import { emptyCenterState } from "../center/state"
import type { CenterHarness } from "../center/test-kit"
import { CALLBACK_LEASE_MS } from "./callback-lease"
import { ConfigureCallbackPool } from "./commands"
import { graceTimerId } from "./drop"
import { DEFAULT_GRACE_MINUTES } from "./state"
import { dial, emergencyCenter, end, inbound, leasedNumber, POOL } from "./test-kit"

/**
 * W5 (issue 19), E10: the calls of an emergency live in the rep's browser, so when the browser is
 * gone nobody reports their end. Every session is still bounded: at the end of its callback
 * window (the lease's 60 minutes, or the same span from a dial that leased nothing) a call still
 * believed up makes the session closing (`EmergencySessionClosing`, told to the rep); after the
 * pool's grace with no word of the call it ends `no_word`, presence restored. Word that comes
 * later changes nothing.
 */

const GRACE_MS = DEFAULT_GRACE_MINUTES * 60_000

const presenceOf = (h: CenterHarness, repId = "ann") => h.state.routing.reps.get(repId)?.presenceId

const tags = (events: readonly CenterEvent[]) => events.map((e) => e._tag)

const droppedOwn = (repId = "ann", sessionId = "emergency-1"): CenterCommand => ({
  _tag: "EmergencyCallDropped",
  repId,
  sessionId,
})

const psapEnded = (callId = "psap-1"): CenterCommand => ({
  _tag: "CallEnded",
  eventId: `end-${callId}`,
  callId,
})

/** The domain's events (without the N2 bookkeeping of a provider event's id). */
const domain = (events: readonly CenterEvent[]) => events.filter((e) => e._tag !== "ProviderEventHandled")

describe("W5 a session with a call believed up and no word of it closes after the grace", () => {
  it("W5/E10 the rep's own call never reported (browser gone, or a dial the provider never answers): closing at the lease's end, ended after the grace", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    const dialAt = h.now
    h.run(dial())
    const windowEnd = dialAt + CALLBACK_LEASE_MS
    const atWindow = h.advanceTo(windowEnd)
    expect(atWindow).toEqual([
      { _tag: "CallbackLeaseExpired", leaseId: "lease-1", repId: "ann", number: POOL[0], at: windowEnd },
      {
        _tag: "EmergencySessionClosing",
        sessionId: "emergency-1",
        repId: "ann",
        closesAt: windowEnd + GRACE_MS,
        at: windowEnd,
      },
    ])
    expect(presenceOf(h)).toBe("busy_dnd")
    expect(h.timers.get(graceTimerId("emergency-1"))?.dueAt).toBe(windowEnd + GRACE_MS)

    expect(h.advanceTo(windowEnd + GRACE_MS - 1)).toEqual([])
    const atClose = h.advanceTo(windowEnd + GRACE_MS)
    expect(atClose).toEqual([
      {
        _tag: "EmergencyEnded",
        sessionId: "emergency-1",
        repId: "ann",
        reason: "no_word",
        restoredPresence: "away",
        at: windowEnd + GRACE_MS,
      },
      { _tag: "PresenceChanged", repId: "ann", from: "busy_dnd", to: "away", at: windowEnd + GRACE_MS },
    ])
    expect(presenceOf(h)).toBe("away")
    expect(h.timers.size).toBe(0)

    // Any later word of the call changes nothing.
    h.advance(60_000)
    expect(h.run(droppedOwn())).toEqual([])
    expect(h.run(end())).toEqual([])
    expect(presenceOf(h)).toBe("away")
  })

  it("W5 a PSAP call put through and never reported ended: closing at the lease's end, ended after the grace; its late end changes nothing", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    const number = leasedNumber(h)
    h.run(droppedOwn())
    h.advance(50 * 60_000)
    h.run(inbound("psap-1", number))
    expect(tags(h.advanceTo(dialAt + CALLBACK_LEASE_MS))).toEqual([
      "CallbackLeaseExpired",
      "EmergencySessionClosing",
    ])
    const atClose = h.advanceTo(dialAt + CALLBACK_LEASE_MS + GRACE_MS)
    expect(h.eventsOf("EmergencyEnded", atClose)).toMatchObject([{ reason: "no_word" }])
    expect(presenceOf(h)).toBe("available")

    // The provider's end, an hour late: the call is over, the session long gone, the rep untouched.
    h.advance(60 * 60_000)
    expect(domain(h.run(psapEnded()))).toEqual([
      { _tag: "PsapCallbackEnded", callId: "psap-1", repId: "ann", at: h.now },
    ])
    expect(presenceOf(h)).toBe("available")
  })

  it("W5 a PSAP call left over from an ended session is not this session's: a new test call's drop ends it at once", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    h.run(inbound("psap-1", leasedNumber(h)))
    h.advanceTo(dialAt + CALLBACK_LEASE_MS + GRACE_MS)
    expect(h.state.emergency.activeByRep.has("ann")).toBe(false)
    h.run(dial("ann", "933"))
    const events = h.run(droppedOwn("ann", "emergency-2"))
    expect(tags(events)).toEqual(["EmergencyCallDropped", "EmergencyEnded", "PresenceChanged"])
  })

  it("W5 word during the grace decides: the PSAP call's end ends a waiting session at once", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    const number = leasedNumber(h)
    h.run(droppedOwn())
    h.run(inbound("psap-1", number))
    h.advanceTo(dialAt + CALLBACK_LEASE_MS + 5 * 60_000)
    const events = domain(h.run(psapEnded()))
    expect(tags(events)).toEqual(["PsapCallbackEnded", "EmergencyEnded", "PresenceChanged"])
    expect(h.eventsOf("EmergencyEnded", events)).toMatchObject([{ reason: "lease_ended" }])
    expect(h.timers.has(graceTimerId("emergency-1"))).toBe(false)
  })

  it("W5 word during the grace decides: the rep's own drop ends the session at once (nothing left to wait for)", () => {
    const h = emergencyCenter()
    h.run(dial())
    h.advance(CALLBACK_LEASE_MS + 60_000)
    const events = h.run(droppedOwn())
    expect(h.eventsOf("EmergencyEnded", events)).toMatchObject([{ reason: "call_ended" }])
    expect(presenceOf(h)).toBe("available")
  })

  it("W5 a redial during the grace puts the call up again: the grace is off and a new window starts", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    h.advanceTo(dialAt + CALLBACK_LEASE_MS + 60_000)
    const redialAt = h.now
    h.run(dial())
    expect(h.timers.has(graceTimerId("emergency-1"))).toBe(false)
    expect(h.advanceTo(dialAt + CALLBACK_LEASE_MS + GRACE_MS)).toEqual([])
    expect(presenceOf(h)).toBe("busy_dnd")
    // The new lease's end opens a new grace; silence after it ends the session.
    const atWindow = h.advanceTo(redialAt + CALLBACK_LEASE_MS)
    expect(h.eventsOf("EmergencySessionClosing", atWindow)).toMatchObject([
      { closesAt: redialAt + CALLBACK_LEASE_MS + GRACE_MS },
    ])
    expect(h.eventsOf("EmergencyEnded", h.advanceTo(redialAt + CALLBACK_LEASE_MS + GRACE_MS))).toMatchObject([
      { reason: "no_word" },
    ])
  })

  it("W5 a session the PSAP's callback opened, its end never reported: closing at the lease's end, ended after the grace", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    const number = leasedNumber(h)
    h.run(end())
    h.advance(30 * 60_000)
    h.run(inbound("psap-1", number))
    expect(h.state.emergency.activeByRep.get("ann")?.origin._tag).toBe("PsapCallback")
    const ended = h.advanceTo(dialAt + CALLBACK_LEASE_MS + GRACE_MS)
    expect(tags(ended)).toEqual([
      "CallbackLeaseExpired",
      "EmergencySessionClosing",
      "EmergencyEnded",
      "PresenceChanged",
    ])
    expect(h.eventsOf("EmergencyEnded", ended)).toMatchObject([{ reason: "no_word" }])
  })
})

describe("W5 a dial that leased no number is bounded by its own window timer", () => {
  it("W5 a test call (933) never reported: closing 60 minutes after the dial, ended after the grace", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial("ann", "933"))
    expect(h.advanceTo(dialAt + CALLBACK_LEASE_MS - 1)).toEqual([])
    expect(tags(h.advanceTo(dialAt + CALLBACK_LEASE_MS))).toEqual(["EmergencySessionClosing"])
    expect(tags(h.advanceTo(dialAt + CALLBACK_LEASE_MS + GRACE_MS))).toEqual([
      "EmergencyEnded",
      "PresenceChanged",
    ])
    expect(presenceOf(h)).toBe("available")
  })

  it("W5 a dial on an exhausted pool never reported: the same bound", () => {
    const h = emergencyCenter({ pool: [] })
    const dialAt = h.now
    expect(tags(h.run(dial()))).toContain("CallbackPoolExhausted")
    const ended = h.advanceTo(dialAt + CALLBACK_LEASE_MS + GRACE_MS)
    expect(tags(ended)).toEqual(["EmergencySessionClosing", "EmergencyEnded", "PresenceChanged"])
    expect(presenceOf(h)).toBe("available")
  })

  it("W5 a test call after a real dial keeps the session to the test call's own window", () => {
    const h = emergencyCenter()
    const dialAt = h.now
    h.run(dial())
    h.advance(30 * 60_000)
    const testAt = h.now
    h.run(dial("ann", "933"))
    // The lease ends first, but the test call's window is not over: nothing closes yet.
    expect(tags(h.advanceTo(dialAt + CALLBACK_LEASE_MS))).toEqual(["CallbackLeaseExpired"])
    expect(tags(h.advanceTo(testAt + CALLBACK_LEASE_MS))).toEqual(["EmergencySessionClosing"])
  })
})

describe("W5 the grace is an emergency setting of the callback pool", () => {
  const pool = (graceMinutes?: number): CenterCommand => ({
    _tag: "ConfigureCallbackPool",
    numbers: [...POOL],
    overflowNumber: null,
    fallbackRepIds: ["desk"],
    ...(graceMinutes === undefined ? {} : { graceMinutes }),
  })

  it("W5 an admin's grace is used; a later pool form without it keeps it; a replay rebuilds it", () => {
    const h = emergencyCenter()
    h.run(pool(45))
    h.run(pool())
    expect(h.eventsOf("CallbackPoolConfigured").at(-1)).toMatchObject({ graceMinutes: 45 })
    const dialAt = h.now
    h.run(dial("ann", "933"))
    expect(h.eventsOf("EmergencySessionClosing", h.advanceTo(dialAt + CALLBACK_LEASE_MS))).toMatchObject([
      { closesAt: dialAt + CALLBACK_LEASE_MS + 45 * 60_000 },
    ])
    expect(replayCenter(emptyCenterState(), h.log).emergency.pool.graceMinutes).toBe(45)
  })

  it("W5 a pool event stored before the grace existed keeps the default", () => {
    const h = emergencyCenter()
    const stored = h.log.map((e) => {
      if (e._tag !== "CallbackPoolConfigured") return e
      const { graceMinutes: _, ...before } = e
      return before
    })
    expect(replayCenter(emptyCenterState(), stored).emergency.pool.graceMinutes).toBe(DEFAULT_GRACE_MINUTES)
  })

  it("W5 a grace outside 1-120 whole minutes is refused at the edge, naming graceMinutes", () => {
    const decode = Schema.decodeUnknownResult(ConfigureCallbackPool)
    for (const graceMinutes of [0, 121, 1.5, -5]) {
      const result = decode({ ...pool(), graceMinutes })
      expect(Result.isFailure(result)).toBe(true)
      if (Result.isFailure(result)) expect(String(result.failure)).toMatch(/graceMinutes/)
    }
    expect(Result.isSuccess(decode(pool(120)))).toBe(true)
  })
})
