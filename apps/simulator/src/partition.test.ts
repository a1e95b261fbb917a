import { describe, expect, it } from "vitest"
import { bigDay } from "./bench"
import { busy } from "./engine/busy-scenario"
import { componentLoad, componentPrefix, componentSeed, longestFirst, partition } from "./partition"
import { BUILT_IN_SCENARIO, type Scenario, type ScenarioQueue } from "./scenario"

const queue = (queueId: string, overflow?: ScenarioQueue["overflow"]): ScenarioQueue => ({
  queueId,
  name: queueId,
  assignment: "most_idle",
  meanInterArrivalMs: 60_000,
  meanHandleMs: 120_000,
  ...(overflow === undefined ? {} : { overflow }),
})

const transferTo = (queueId: string): ScenarioQueue["overflow"] => ({
  settings: {
    rules: [
      { condition: { _tag: "OwnWaitAbove", ms: 60_000 }, action: { _tag: "TransferToQueue", queueId } },
    ],
  },
  pressOneProbability: 0,
  callbackAnswerProbability: 1,
  callbackRingTime: { _tag: "Deterministic", value: 10_000 },
})

/** a, b, c, d, e: ana serves a and c, ben b, cy d, dee nothing; e has nobody. */
const shapes: Scenario = {
  name: "shapes",
  presences: [{ presenceId: "lunch", label: "Lunch", base: "away" }],
  simulation: { startMs: 0, endMs: 3_600_000, slThresholdMs: 20_000, seed: 3 },
  queues: ["a", "b", "c", "d", "e"].map((id) => queue(id)),
  reps: [
    { repId: "ana", queues: ["a", "c"] },
    { repId: "ben", queues: ["b"] },
    { repId: "cy", queues: ["d"] },
    { repId: "dee", queues: [] },
  ],
}

const ids = (s: Scenario) => ({ queues: s.queues.map((q) => q.queueId), reps: s.reps.map((r) => r.repId) })

describe("B7 partition: independent sub-centers", () => {
  it("a shared rep joins queues; the rest split, ordered by their first queue; a rep of no queue goes first", () => {
    const parts = partition(shapes)
    expect(parts.map((p) => ids(p.scenario))).toEqual([
      { queues: ["a", "c"], reps: ["ana", "dee"] },
      { queues: ["b"], reps: ["ben"] },
      { queues: ["d"], reps: ["cy"] },
      { queues: ["e"], reps: [] },
    ])
    expect(parts.map((p) => p.index)).toEqual([0, 1, 2, 3])
    expect(parts.map((p) => p.queueIndices)).toEqual([[0, 2], [1], [3], [4]])
    for (const p of parts) {
      expect(p.scenario.name).toBe("shapes")
      expect(p.scenario.presences).toBe(shapes.presences)
      expect(p.scenario.simulation).toBe(shapes.simulation)
    }
  })

  it("C1 a transfer rule joins its queue and the target, in either direction of the order", () => {
    const linked: Scenario = {
      ...shapes,
      queues: [queue("a"), queue("b"), queue("c"), queue("d", transferTo("b")), queue("e")],
    }
    expect(partition(linked).map((p) => ids(p.scenario).queues)).toEqual([["a", "c"], ["b", "d"], ["e"]])
  })

  it("E1 emergency dials pick a rep anywhere: a scenario with emergency is one component, itself", () => {
    const { emergency } = busy()
    if (emergency === undefined) throw new Error("busy() has emergency calls")
    const withEmergency: Scenario = { ...shapes, emergency }
    const parts = partition(withEmergency)
    expect(parts).toHaveLength(1)
    expect(parts[0]?.scenario).toBe(withEmergency)
  })

  it("a scenario of one component comes back as itself (so it runs exactly as before)", () => {
    for (const s of [BUILT_IN_SCENARIO, busy(), { ...shapes, queues: [queue("a")] }]) {
      const parts = partition(s)
      expect(parts).toHaveLength(1)
      expect(parts[0]?.scenario).toBe(s)
      expect(parts[0]?.queueIndices).toEqual(s.queues.map((_, i) => i))
    }
  })

  it("the benchmark's big day splits into its 100 queues of 10 reps each", () => {
    const parts = partition(bigDay(100))
    expect(parts).toHaveLength(100)
    parts.forEach((p, k) => {
      expect(p.scenario.queues.map((q) => q.queueId)).toEqual([`q${k + 1}`])
      expect(p.scenario.reps.map((r) => r.repId)).toEqual(
        Array.from({ length: 10 }, (_, r) => `rep-${10 * k + r + 1}`),
      )
    })
  })

  it("component seeds are a fixed function of (seed, k), all distinct; prefixes only when split", () => {
    const seeds = Array.from({ length: 1000 }, (_, k) => componentSeed(42, k))
    expect(new Set(seeds).size).toBe(1000)
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s <= 0xffffffff)).toBe(true)
    expect(componentSeed(42, 7)).toBe(seeds[7])
    expect(componentSeed(43, 7)).not.toBe(seeds[7])
    expect(componentPrefix(0, 1)).toBe("")
    expect([0, 1, 2].map((k) => componentPrefix(k, 3))).toEqual(["c1-", "c2-", "c3-"])
  })

  it("threads take components largest load first, ties in order; every component once", () => {
    expect(longestFirst([1, 5, 3, 5, 2])).toEqual([1, 3, 2, 4, 0])
    const order = longestFirst(partition(bigDay(100)).map((p) => componentLoad(p.scenario)))
    expect(order).toEqual(Array.from({ length: 100 }, (_, k) => k))
    const shapesOrder = longestFirst(partition(shapes).map((p) => componentLoad(p.scenario)))
    // a + c (two queues, two reps) first; e, with nobody, last.
    expect(shapesOrder[0]).toBe(0)
    expect(shapesOrder.at(-1)).toBe(3)
  })
})
