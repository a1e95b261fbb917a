import { describe, expect, it } from "vitest"
import { answeredWaitTotal, birthDeath, erlangAMetrics, erlangB, erlangC, erlangCMetrics } from "./erlang"

/** Direct numeric solution of the truncated birth–death chain of M/M/c+M. */
const direct = (λ: number, μ: number, c: number, θ: number) => {
  const π = birthDeath({ arrivalRate: λ, serviceRate: μ, agents: c, abandonRate: θ })
  let pWait = 0
  let queue = 0
  π.forEach((p, n) => {
    if (n >= c) pWait += p
    queue += Math.max(n - c, 0) * p
  })
  // Little's law: the mean wait of all callers (issue 17 renamed it from `asa` to `meanWait`).
  return { pWait, pAbandon: (θ * queue) / λ, meanWait: queue / λ }
}

describe("B7 Erlang formulas", () => {
  it("B7 Erlang B and C: textbook A = 2 Erlang on 3 agents gives B = 4/19, C = 4/9", () => {
    expect(erlangB(2, 3)).toBeCloseTo(4 / 19, 12)
    expect(erlangC(2, 3)).toBeCloseTo(4 / 9, 12)
  })

  it("B7 Erlang C: ASA = C/(cμ−λ) and SL(T) = 1 − C·e^{−(cμ−λ)T}", () => {
    // λ = 2/min, μ = 1/min, c = 3: ASA = (4/9)/1 min, SL(1 min) = 1 − (4/9)e^{−1}.
    const m = erlangCMetrics({ arrivalRate: 2, serviceRate: 1, agents: 3 }, 1)
    expect(m.asa).toBeCloseTo(4 / 9, 12)
    expect(m.serviceLevel).toBeCloseTo(1 - (4 / 9) * Math.exp(-1), 12)
  })

  it("B7 Erlang C: 10 Erlang on 11 agents gives the tabulated C = 0.6821, ASA = C·AHT/(c − A)", () => {
    // 100 calls per 30 min at 180 s AHT is 10 Erlang.
    const m = erlangCMetrics({ arrivalRate: 100 / 1800, serviceRate: 1 / 180, agents: 11 }, 20)
    expect(m.pWait).toBeCloseTo(0.6821, 3)
    expect(m.asa).toBeCloseTo((0.6821 * 180) / 1, 0)
  })

  it("B7 Erlang C matches the birth–death chain without abandonment", () => {
    const d = direct(9, 1, 11, 0)
    expect(erlangC(9, 11)).toBeCloseTo(d.pWait, 10)
  })

  it.each([
    [10, 1, 11, 0.5],
    [12, 1, 10, 0.2],
    [50, 1, 48, 1],
    [3, 0.5, 5, 0.05],
  ])("B7 Erlang A (λ=%d, μ=%d, c=%d, θ=%d) matches the birth–death chain", (λ, μ, c, θ) => {
    const a = erlangAMetrics({ arrivalRate: λ, serviceRate: μ, agents: c, abandonRate: θ }, 0.1)
    const d = direct(λ, μ, c, θ)
    expect(a.pWait).toBeCloseTo(d.pWait, 9)
    expect(a.pAbandon).toBeCloseTo(d.pAbandon, 9)
    expect(a.meanWait).toBeCloseTo(d.meanWait, 9)
  })

  it.each([
    [10, 1, 11, 0.5],
    [12, 1, 10, 0.2],
    [3, 0.5, 5, 0.05],
  ])(
    "issue 17 Erlang A (λ=%d, μ=%d, c=%d, θ=%d): answered and abandoned callers' waits add up to GMR's E[W]; occupancy = λ(1−P(ab))/(cμ)",
    (λ, μ, c, θ) => {
      const input = { arrivalRate: λ, serviceRate: μ, agents: c, abandonRate: θ }
      const a = erlangAMetrics(input, 0.1)
      // E[W·1{abandoned}] by its own recursion: from position m the caller hangs up with 1 − S(m).
      const π = birthDeath(input)
      let g = 0
      let abandonedWait = 0
      for (let m = 1; c + m - 1 < π.length; m++) {
        const r = c * μ + m * θ
        g = (1 - (c * μ) / (c * μ + m * θ)) / r + ((c * μ + (m - 1) * θ) / r) * g
        abandonedWait += (π[c + m - 1] ?? 0) * g
      }
      expect(answeredWaitTotal(input) + abandonedWait).toBeCloseTo(a.meanWait, 9)
      expect(a.asa * (1 - a.pAbandon)).toBeCloseTo(answeredWaitTotal(input), 12)
      expect(a.occupancy).toBeCloseTo((λ * (1 - a.pAbandon)) / (c * μ), 12)
    },
  )

  it("B7 Erlang A tends to Erlang C as patience grows", () => {
    const input = { arrivalRate: 2, serviceRate: 1, agents: 3 }
    const c = erlangCMetrics(input, 0.5)
    const a = erlangAMetrics({ ...input, abandonRate: 1e-5 }, 0.5)
    expect(a.pWait).toBeCloseTo(c.pWait, 4)
    expect(a.asa).toBeCloseTo(c.asa, 3)
    expect(a.meanWait).toBeCloseTo(c.meanWait, 3)
    expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 4)
    expect(a.pAbandon).toBeLessThan(1e-4)
  })

  it("B7 Erlang A service level: no wait at T = 0, rises with T, stays below 1 − P(abandon)", () => {
    const input = { arrivalRate: 12, serviceRate: 1, agents: 10, abandonRate: 0.5 }
    const at0 = erlangAMetrics(input, 0)
    expect(at0.serviceLevel).toBeCloseTo(1 - at0.pWait, 12)
    const sl1 = erlangAMetrics(input, 0.1).serviceLevel
    const sl2 = erlangAMetrics(input, 1).serviceLevel
    const slInf = erlangAMetrics(input, 60).serviceLevel
    expect(sl1).toBeGreaterThan(at0.serviceLevel)
    expect(sl2).toBeGreaterThan(sl1)
    expect(slInf).toBeCloseTo(1 - at0.pAbandon, 6)
  })
})
