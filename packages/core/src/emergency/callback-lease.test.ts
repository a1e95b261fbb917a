import { describe, expect, it } from "vitest"
import { replayCenter } from "../center/execute"
import { emptyCenterState } from "../center/state"
import { CALLBACK_LEASE_MS, leaseExpiryTimerId, normalizeNumber } from "./callback-lease"
import { operatorEmergencyLog } from "./operator-log"
import {
  CALLING_NUMBER,
  dial,
  emergencyCenter,
  end,
  inbound,
  leasedNumber,
  OVERFLOW_NUMBER,
  POOL,
  redirects,
} from "./test-kit"
import { callbackPoolView, dialOutcome } from "./views"

describe("E5 callback number leases", () => {
  it("E5 a dial leases a pool number for exactly 60 minutes from the dial, with a durable expiry timer", () => {
    const h = emergencyCenter()
    const at = h.now
    const events = h.run(dial())
    expect(h.eventsOf("CallbackLeased", events)).toEqual([
      {
        _tag: "CallbackLeased",
        leaseId: "lease-1",
        repId: "ann",
        sessionId: "emergency-1",
        number: POOL[0],
        at,
        expiresAt: at + 60 * 60_000,
      },
    ])
    expect(h.timers.get(leaseExpiryTimerId("lease-1"))).toEqual({
      timerId: "emergency/lease-expiry/lease-1",
      dueAt: at + CALLBACK_LEASE_MS,
      command: { _tag: "ExpireCallbackLease", leaseId: "lease-1" },
    })
    expect(dialOutcome(events)).toMatchObject({
      callbackNumber: POOL[0],
      callbackUntil: at + CALLBACK_LEASE_MS,
    })
  })

  it("E5 the lease ends when its timer fires at 60:00, not a millisecond before; the number returns to the pool", () => {
    const h = emergencyCenter()
    h.run(dial())
    h.run(end())
    expect(h.advance(CALLBACK_LEASE_MS - 1)).toEqual([])
    expect(h.state.emergency.leases.size).toBe(1)
    expect(h.advance(1).map((e) => e._tag)).toEqual(["CallbackLeaseExpired"])
    expect(h.state.emergency.leases.size).toBe(0)
    expect(callbackPoolView(h.state, h.now)).toMatchObject({ size: 2, leased: 0 })
  })

  it("E5 a timer that fires early (before a renewal's new end) or twice changes nothing", () => {
    const h = emergencyCenter()
    h.run(dial())
    expect(h.run({ _tag: "ExpireCallbackLease", leaseId: "lease-1" })).toEqual([])
    expect(h.run({ _tag: "ExpireCallbackLease", leaseId: "no-such-lease" })).toEqual([])
  })

  it("E5 a redial renews the rep's number for 60 minutes from the new dial (one number per rep)", () => {
    const h = emergencyCenter()
    h.run(dial())
    h.run(end())
    h.advance(30 * 60_000)
    const second = h.now
    const events = h.run(dial())
    expect(h.eventsOf("CallbackLeaseRenewed", events)).toMatchObject([
      { leaseId: "lease-1", number: POOL[0], expiresAt: second + CALLBACK_LEASE_MS },
    ])
    expect(h.timers.get(leaseExpiryTimerId("lease-1"))?.dueAt).toBe(second + CALLBACK_LEASE_MS)
    h.advance(CALLBACK_LEASE_MS - 1)
    expect(redirects(h.run(inbound("psap-1", POOL[0])))[0]?.repId).toBe("ann")
  })

  it("E5 the free number released longest ago goes first, so a late callback rarely reaches the next rep", () => {
    const h = emergencyCenter()
    h.run(dial("ann"))
    h.run(dial("bob"))
    expect(leasedNumber(h, "bob")).toBe(POOL[1])
    h.run(end("ann"))
    h.run(end("bob"))
    h.advance(CALLBACK_LEASE_MS)
    h.run(dial("bob"))
    // Both are free again; both were released at the same moment, so pool order decides.
    expect(leasedNumber(h, "bob")).toBe(POOL[0])
    h.run(dial("ann"))
    expect(leasedNumber(h, "ann")).toBe(POOL[1])
  })

  it("E5 an exhausted pool is reported with its fallback; the call goes ahead; callbacks on the overflow number reach the fallback rep", () => {
    const h = emergencyCenter({ pool: [POOL[0]] })
    h.run(dial("bob"))
    const events = h.run(dial("ann"))
    expect(dialOutcome(events)).toMatchObject({
      _tag: "Started",
      callbackNumber: OVERFLOW_NUMBER,
      callbackUntil: null,
    })
    expect(h.eventsOf("CallbackPoolExhausted", events)).toMatchObject([
      { repId: "ann", poolSize: 1, fallbackNumber: OVERFLOW_NUMBER, routesTo: "fallback_reps" },
    ])
    expect(operatorEmergencyLog(h.log).some((r) => r._tag === "CallbackPoolExhausted")).toBe(true)
    expect(h.state.routing.reps.get("ann")?.presenceId).toBe("busy_dnd")
    expect(redirects(h.run(inbound("psap-1", OVERFLOW_NUMBER)))).toEqual([
      { _tag: "Redirect", callId: "psap-1", repId: "desk" },
    ])
  })

  it("E5 without an overflow number, an exhausted pool presents the calling number and says it reaches the ordinary line", () => {
    const h = emergencyCenter({ pool: [], overflowNumber: null })
    const events = h.run(dial())
    expect(h.eventsOf("CallbackPoolExhausted", events)).toMatchObject([
      { poolSize: 0, fallbackNumber: CALLING_NUMBER, routesTo: "ordinary_line" },
    ])
    expect(dialOutcome(events)).toMatchObject({ _tag: "Started", callbackNumber: CALLING_NUMBER })
  })

  it("E5 reconfiguring the pool does not cut a live lease; a removed number is not leased again", () => {
    const h = emergencyCenter()
    h.run(dial())
    h.run({
      _tag: "ConfigureCallbackPool",
      numbers: [POOL[1]],
      overflowNumber: null,
      fallbackRepIds: ["desk"],
    })
    expect(redirects(h.run(inbound("psap-1", POOL[0])))[0]?.repId).toBe("ann")
    h.run(end())
    h.advance(CALLBACK_LEASE_MS)
    h.run(dial())
    expect(leasedNumber(h)).toBe(POOL[1])
  })

  it("N1 a lease survives a restart: its state and its expiry timer come back from the store", () => {
    const h = emergencyCenter()
    h.run(dial())
    const restarted = replayCenter(emptyCenterState(), h.log)
    expect(restarted.emergency.leaseByNumber.get(POOL[0])).toMatchObject({ repId: "ann", leaseId: "lease-1" })
    expect([...h.timers.keys()]).toEqual([leaseExpiryTimerId("lease-1")])
  })

  it("E5 the pool is validated: repeats, an overflow number inside the pool and unknown fallback reps are refused", () => {
    const h = emergencyCenter()
    const cmd = {
      _tag: "ConfigureCallbackPool",
      numbers: [...POOL],
      overflowNumber: null,
      fallbackRepIds: ["desk"],
    } as const
    expect(h.reject({ ...cmd, numbers: [POOL[0], POOL[0]] })).toMatchObject({ field: "numbers[1]" })
    expect(h.reject({ ...cmd, overflowNumber: POOL[1] })).toMatchObject({ field: "overflowNumber" })
    expect(h.reject({ ...cmd, fallbackRepIds: ["desk", "ghost"] })).toMatchObject({
      _tag: "UnknownEntity",
      field: "fallbackRepIds[1]",
    })
  })

  it("E6 numbers are compared as digits: the provider may write them with spaces or dashes", () => {
    expect(normalizeNumber("+1 555-010-0001")).toBe("+15550100001")
    const h = emergencyCenter()
    h.run(dial())
    expect(redirects(h.run(inbound("psap-1", "+1 (555) 010-0001")))[0]?.repId).toBe("ann")
  })
})
