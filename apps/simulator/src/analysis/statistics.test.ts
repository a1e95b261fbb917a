import { describe, expect, it } from "vitest"
import { mulberry32 } from "../random"
import { normalQuantile, ratioInterval, studentQuantile, vonNeumann, wilsonInterval } from "./statistics"

describe("issue 17 interval statistics", () => {
  it("Student t quantiles match the tables (t(19) 2.093 / 2.861 as validate used; t(9), t(31), t(∞))", () => {
    expect(studentQuantile(0.975, 19)).toBeCloseTo(2.093, 3)
    expect(studentQuantile(0.995, 19)).toBeCloseTo(2.861, 3)
    expect(studentQuantile(0.975, 9)).toBeCloseTo(2.262, 3)
    expect(studentQuantile(0.995, 31)).toBeCloseTo(2.744, 3)
    expect(studentQuantile(0.975, 1)).toBeCloseTo(12.706, 3)
    expect(studentQuantile(0.975, 1e6)).toBeCloseTo(1.96, 3)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5)
  })

  it("the ratio estimator: ΣY/ΣX, and with equal X the half-width of the plain t interval", () => {
    const ys = [3, 5, 4, 6, 2]
    const same = ratioInterval(ys, [1, 1, 1, 1, 1], 0.95)
    const mean = 4
    const sd = Math.sqrt(ys.reduce((s, y) => s + (y - mean) ** 2, 0) / 4)
    expect(same?.estimate).toBe(4)
    expect(same?.halfWidth).toBeCloseTo((studentQuantile(0.975, 4) * sd) / Math.sqrt(5), 12)
    // Unequal denominators: the estimate is the ratio of the sums, not the mean of the ratios.
    expect(ratioInterval([1, 9], [1, 3], 0.95)?.estimate).toBe(10 / 4)
    expect(ratioInterval([0, 0], [0, 0], 0.95)).toBeNull()
  })

  it("a 95% ratio interval over iid batches holds the true ratio in about 95% of 2000 trials", () => {
    const random = mulberry32(7)
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
    let held = 0
    for (let trial = 0; trial < 2000; trial++) {
      // True ratio 2: X ~ 100 + N(0, 10²), Y = 2X + N(0, 5²), 20 batches.
      const xs = Array.from({ length: 20 }, () => 100 + 10 * normal())
      const ys = xs.map((x) => 2 * x + 5 * normal())
      const i = ratioInterval(ys, xs, 0.95)
      if (i !== null && Math.abs(i.estimate - 2) <= i.halfWidth) held += 1
    }
    // 95% ± 3 standard errors of a share over 2000 trials.
    expect(held / 2000).toBeGreaterThan(0.95 - 3 * Math.sqrt((0.95 * 0.05) / 2000))
    expect(held / 2000).toBeLessThan(0.95 + 3 * Math.sqrt((0.95 * 0.05) / 2000))
  })

  it("von Neumann's statistic: near 0 for independent values, large for an AR(1) series with φ = 0.5", () => {
    const random = mulberry32(11)
    const iid = Array.from({ length: 256 }, () => random())
    expect(Math.abs(vonNeumann(iid))).toBeLessThan(3)
    let x = 0
    const ar = Array.from({ length: 256 }, () => {
      x = 0.5 * x + (random() - 0.5)
      return x
    })
    expect(vonNeumann(ar)).toBeGreaterThan(5)
    expect(vonNeumann([1, 1, 1, 1])).toBeNaN()
  })

  it("Wilson's interval: 48 of 50 gives about [86.5%, 98.9%]", () => {
    const [lo, hi] = wilsonInterval(48, 50, 0.95)
    expect(lo).toBeCloseTo(0.865, 3)
    expect(hi).toBeCloseTo(0.989, 3)
  })
})
