import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { overflowVariants } from "./overflow-variants"
import { loadScenarioFile } from "./scenario-file"

const small = () => loadScenarioFile(join(import.meta.dirname, "..", "examples", "small-center.json"))

describe("B7 what-if: overflow threshold variants", () => {
  it("each variant has its threshold on the callback rule; other rules, queues and settings unchanged", () => {
    const base = small()
    const variants = overflowVariants(base, [60_000, 180_000, 300_000])
    expect(variants.map((v) => v.threshold)).toEqual([60_000, 180_000, 300_000])
    for (const v of variants) {
      const [billing, support] = v.scenario.queues
      expect(billing?.overflow?.settings.rules[0]?.condition).toEqual({
        _tag: "EstimatedWaitAbove",
        ms: v.threshold,
      })
      expect(billing?.overflow?.settings.retry).toEqual(base.queues[0]?.overflow?.settings.retry)
      expect(billing?.overflow?.pressOneProbability).toBe(0.35)
      // support's rule is a transfer, not a callback: untouched
      expect(support).toBe(base.queues[1])
      expect(v.scenario.reps).toBe(base.reps)
      expect(v.scenario.simulation).toBe(base.simulation)
    }
    // the original is not changed
    expect(base.queues[0]?.overflow?.settings.rules[0]?.condition).toEqual({
      _tag: "EstimatedWaitAbove",
      ms: 120_000,
    })
  })

  it("C1 bounds: a threshold outside 30 s to 60 min is refused naming the field; an unknown queue too", () => {
    expect(() => overflowVariants(small(), [10_000])).toThrow(
      /queue billing: overflow\.rules\[0\]\.condition\.ms/,
    )
    expect(() => overflowVariants(small(), [60_000], ["nope"])).toThrow("no queue nope in the scenario")
  })
})
