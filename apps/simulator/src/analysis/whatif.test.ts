import { describe, expect, it } from "vitest"
import { analyticServiceLevel, smallestStaffing, type WhatIfInput } from "./whatif"

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
