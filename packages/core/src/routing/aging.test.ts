import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { effectivePriority, overtakingHorizon, serviceKey } from "./aging"
import { routingHarness, voiceRep } from "./test-kit"

const HANDLE_MS = 10_000
const STEP_MS = 60_000
const HIGH = 5
const LOW = 1

/**
 * One rep who handles exactly one call per 10 s, and high-priority calls arriving exactly one
 * per 10 s: a steady load that keeps the rep saturated, with 3 high calls already waiting when
 * a low call arrives at t = 0. Returns the order in which calls were offered, with arrival times.
 */
const saturate = (agingStepMs: number | null, horizonMs: number) => {
  const h = routingHarness(-1)
  h.run(voiceRep("ann", 1, "offline"))
  h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", agingStepMs, members: ["ann"] })
  const arrivedAt = new Map<string, number>()
  const enqueue = (itemId: string, priority: number) => {
    arrivedAt.set(itemId, h.now)
    h.run({ _tag: "EnqueueItem", itemId, queueId: "q", priority })
  }
  for (const id of ["h-a", "h-b", "h-c"]) enqueue(id, HIGH)
  h.now = 0
  enqueue("low", LOW)
  h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
  const served: { itemId: string; at: number }[] = []
  let current: string | undefined
  for (let t = 0; t <= horizonMs; t += HANDLE_MS) {
    h.now = t
    if (current !== undefined) h.run({ _tag: "CompleteWork", itemId: current, repId: "ann" })
    if (t > 0) enqueue(`h-${t}`, HIGH)
    const [offer] = h.offersTo("ann")
    if (offer === undefined) throw new Error("the rep should always have work")
    h.run({ _tag: "AcceptOffer", offerId: offer.offerId, repId: "ann" })
    current = offer.item.itemId
    served.push({ itemId: current, at: t })
  }
  return { served, arrivedAt }
}

describe("B4 aging bounds a low-priority item's wait", () => {
  it("B4 the service key orders by effective priority at every instant, then by age", () => {
    const a = { priority: 5, arrivedAt: 100_000 }
    const b = { priority: 3, arrivedAt: 0 }
    for (const now of [100_000, 500_000, 10_000_000]) {
      const ea = effectivePriority(a.priority, a.arrivedAt, STEP_MS, now)
      const eb = effectivePriority(b.priority, b.arrivedAt, STEP_MS, now)
      const ka = serviceKey(a.priority, a.arrivedAt, STEP_MS).primary
      const kb = serviceKey(b.priority, b.arrivedAt, STEP_MS).primary
      expect(Math.sign(eb - ea)).toBe(Math.sign(ka - kb))
    }
    // 120 s of waiting is worth two levels: equal effective priority, so the older goes first.
    expect(serviceKey(5, 120_000, STEP_MS).primary).toBe(serviceKey(3, 0, STEP_MS).primary)
  })

  it("B4 under steady saturating high-priority load the low item is served by the stated bound", () => {
    const { served, arrivedAt } = saturate(STEP_MS, 3_600_000)
    const horizon = overtakingHorizon(LOW, 0, HIGH, STEP_MS)
    const lowIndex = served.findIndex((s) => s.itemId === "low")
    expect(lowIndex).toBeGreaterThan(0)
    // Nothing that arrived after the horizon was served before the low item.
    for (const s of served.slice(0, lowIndex)) expect(arrivedAt.get(s.itemId)).toBeLessThan(horizon)
    // The bound: (items ahead at arrival + arrivals before the horizon) x AHT / servers.
    const ahead = 3
    const arrivalsInWindow = horizon / HANDLE_MS - 1
    const bound = (ahead + arrivalsInWindow) * HANDLE_MS
    const lowServedAt = served[lowIndex]?.at ?? Number.POSITIVE_INFINITY
    expect(lowServedAt).toBeLessThanOrEqual(bound)
    // And aging did not turn priority upside down: the high calls that arrived with it went first.
    expect(served.slice(0, 3).map((s) => s.itemId)).toEqual(["h-a", "h-b", "h-c"])
  })

  it("B4 without aging the same load starves the low item for the whole hour (why aging exists)", () => {
    const { served } = saturate(null, 3_600_000)
    expect(served.some((s) => s.itemId === "low")).toBe(false)
  })
})

describe("B4 aging bound under random loads (property)", () => {
  const load = fc.record({
    agingStepMs: fc.integer({ min: 1_000, max: 120_000 }),
    handleMs: fc.integer({ min: 1_000, max: 60_000 }),
    arrivals: fc.array(
      fc.record({ gapMs: fc.integer({ min: 0, max: 30_000 }), priority: fc.integer({ min: -3, max: 3 }) }),
      { minLength: 2, maxLength: 60 },
    ),
  })

  it("B4 no item is served before another that waited, if it arrived after that item's horizon (property)", () => {
    fc.assert(
      fc.property(load, ({ agingStepMs, handleMs, arrivals }) => {
        const h = routingHarness()
        h.run(voiceRep("ann"))
        h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", agingStepMs, members: ["ann"] })
        const arrived = new Map<string, { at: number; priority: number }>()
        const servedAt = new Map<string, number>()
        const highest = Math.max(...arrivals.map((a) => a.priority))
        let t = 0
        const schedule = arrivals.map((a, i) => {
          t += a.gapMs
          return { itemId: `i${i}`, at: t, priority: a.priority }
        })
        let busyUntil = Number.POSITIVE_INFINITY
        let current: string | undefined
        const acceptOffer = () => {
          const [offer] = h.offersTo("ann")
          if (offer === undefined) return
          h.run({ _tag: "AcceptOffer", offerId: offer.offerId, repId: "ann" })
          current = offer.item.itemId
          servedAt.set(current, h.now)
          busyUntil = h.now + handleMs
        }
        let next = 0
        while (next < schedule.length || current !== undefined) {
          const arrival = schedule[next]
          if (arrival !== undefined && arrival.at < busyUntil) {
            h.now = arrival.at
            arrived.set(arrival.itemId, { at: arrival.at, priority: arrival.priority })
            h.run({ _tag: "EnqueueItem", itemId: arrival.itemId, queueId: "q", priority: arrival.priority })
            next += 1
          } else if (current !== undefined) {
            h.now = busyUntil
            h.run({ _tag: "CompleteWork", itemId: current, repId: "ann" })
            current = undefined
            busyUntil = Number.POSITIVE_INFINITY
          }
          if (current === undefined) acceptOffer()
        }
        expect(servedAt.size).toBe(schedule.length)
        for (const [x, sx] of servedAt) {
          const ax = arrived.get(x) as { at: number; priority: number }
          const horizon = overtakingHorizon(ax.priority, ax.at, highest, agingStepMs)
          for (const [y, sy] of servedAt) {
            const ay = arrived.get(y) as { at: number; priority: number }
            // y overtook x: it was served first although x was already waiting when it arrived.
            if (sy < sx && ay.at > ax.at) expect(ay.at).toBeLessThan(horizon)
          }
        }
      }),
      { numRuns: 300 },
    )
  })
})
