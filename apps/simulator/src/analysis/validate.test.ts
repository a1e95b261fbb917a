import { describe, expect, it } from "vitest"
import { VALIDATION_CASES, validateCase } from "./validate"

describe("B7 simulator against queueing theory", () => {
  it.each(VALIDATION_CASES.map((c) => ({ name: c.name, c })))(
    "B7 $name: every analytic value lies inside the simulation's 99% batch-means CI (seed 1, 20000 arrivals)",
    ({ c }) => {
      const result = validateCase(c, 20_000, 1, 0.99)
      // issue 17: ASA (answered), mean wait (all callers) and occupancy too; P(abandon) with patience.
      expect(result.checks.length).toBe(c.meanPatienceMs === undefined ? 5 : 6)
      for (const check of result.checks)
        expect({ [check.metric]: check.analyticInsideCi }).toEqual({ [check.metric]: true })
    },
    15_000,
  )
})
