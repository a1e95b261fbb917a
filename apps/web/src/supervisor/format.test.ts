import { describe, expect, it } from "vitest"
import { breachOf, carryBreaches, formatEwt, formatShare, type ServiceLevelSeries, workWords } from "./format"

describe("formatEwt", () => {
  it("R5 shows the estimate as minutes and seconds", () => {
    expect(formatEwt(0)).toBe("0:00")
    expect(formatEwt(80_000)).toBe("1:20")
    expect(formatEwt(540_000)).toBe("9:00")
    expect(formatEwt(3_599_400)).toBe("59:59")
    expect(formatEwt(3_723_000)).toBe("62:03")
  })

  it("R5 says why there is no estimate when nobody is staffed", () => {
    expect(formatEwt(null)).toBe("no staffed reps")
  })
})

const series = (levels: readonly (number | null)[]): ServiceLevelSeries => ({
  queueId: "billing",
  name: "Billing",
  target: { share: 0.8, thresholdMs: 20_000 },
  intervals: levels.map((serviceLevel, i) => ({ start: i * 900_000, serviceLevel })),
})

describe("service level breaches (issue 19)", () => {
  it("issue 19: a queue breaches when its latest interval with a settled call is below the target", () => {
    expect(breachOf(series([1, 0.75, null]))).toMatchObject({ queueId: "billing", serviceLevel: 0.75 })
    expect(breachOf(series([0.5, 0.8, null]))).toBeUndefined()
    expect(breachOf(series([null, null]))).toBeUndefined()
    expect(formatShare(0.754)).toBe("75%")
  })

  it("issue 19: a breach that stays on keeps its alert (same object); one that ends goes, a new one comes", () => {
    const first = carryBreaches([], [series([0.5])])
    expect(first).toHaveLength(1)
    const still = carryBreaches(first, [series([0.5, 0.6])])
    expect(still[0]).toBe(first[0])
    expect(carryBreaches(still, [series([0.5, 0.9])])).toEqual([])
    const again = carryBreaches([], [series([0.5, 0.9, 0.2])])
    expect(again[0]).not.toBe(first[0])
  })

  it("issue 19: a rep's work in words", () => {
    expect(workWords({ kind: "call", queueName: "Billing", status: "assigned" })).toBe("Call · Billing")
    expect(workWords({ kind: "callback", queueName: "Sales", status: "ringing" })).toBe(
      "Ringing: Callback · Sales",
    )
  })
})
