import { describe, expect, it } from "vitest"
import { busy } from "../engine/busy-scenario"
import { analyticServiceLevel, compareOverflowThresholds, smallestStaffing, type WhatIfInput } from "./whatif"

describe("B7 what-if staffing", () => {
  it.each<[string, WhatIfInput]>([
    [
      "Erlang C, 300 calls/h, 4 min, 80/20",
      { callsPerHour: 300, ahtSeconds: 240, target: 0.8, thresholdSeconds: 20 },
    ],
    [
      "Erlang C, 100 calls/30 min ×2, 3 min, 80/20",
      { callsPerHour: 200, ahtSeconds: 180, target: 0.8, thresholdSeconds: 20 },
    ],
    [
      "Erlang A, 600 calls/h, 5 min, 2 min patience, 90/30",
      { callsPerHour: 600, ahtSeconds: 300, patienceSeconds: 120, target: 0.9, thresholdSeconds: 30 },
    ],
  ])("B7 %s: the found staffing meets the target and one rep fewer does not", (_, input) => {
    const c = smallestStaffing(input)
    expect(analyticServiceLevel(input, c)).toBeGreaterThanOrEqual(input.target)
    expect(analyticServiceLevel(input, c - 1)).toBeLessThan(input.target)
  })
})

describe("B7 what-if overflow thresholds", () => {
  it("B7 each callback-offer threshold runs on the same arrivals; a lower threshold offers more callbacks", () => {
    const [low, high] = compareOverflowThresholds(busy(), [60_000, 1_800_000], 5, 4)
    const billing = (run: typeof low) => run?.queues.find((q) => q.queueId === "billing")
    expect(low?.queues.map((q) => q.offered)).toEqual(high?.queues.map((q) => q.offered))
    expect(billing(low)?.callbacksRequested ?? 0).toBeGreaterThan(billing(high)?.callbacksRequested ?? 0)
  })

  it("a threshold outside the core's bounds is refused naming the field (C1)", () => {
    expect(() => compareOverflowThresholds(busy(), [1_000], 5, 1)).toThrow(/overflow\.rules\[0\]\.condition/)
  })
})
