import { describe, expect, it } from "vitest"
import {
  type Distribution,
  distributionMean,
  distributionVariance,
  type Sampler,
  sampleMs,
  samplerOf,
} from "./distributions"
import { exponentialMs, mulberry32 } from "./random"

const N = 100_000
const SEEDS = [1, 7, 42, 2024, 99_991]
/** z for a two-sided check: about 1 in 10^6 to fail by chance, per check. */
const Z = 5

interface Moments {
  readonly mean: number
  readonly variance: number
  readonly seMean: number
  readonly seVariance: number
}

/** Sample mean and variance with their standard errors, estimated from the sample itself. */
const moments = (sampler: Sampler, seed: number): Moments => {
  const random = mulberry32(seed)
  const xs = Float64Array.from({ length: N }, () => sampler(random))
  const mean = xs.reduce((a, b) => a + b, 0) / N
  let m2 = 0
  let m4 = 0
  for (const x of xs) {
    const d = (x - mean) ** 2
    m2 += d
    m4 += d * d
  }
  const variance = m2 / (N - 1)
  return {
    mean,
    variance,
    seMean: Math.sqrt(variance / N),
    seVariance: Math.sqrt(Math.max(0, m4 / N - variance * variance) / N),
  }
}

const matches = (sampler: Sampler, d: Distribution, seed: number): boolean => {
  const m = moments(sampler, seed)
  const meanOk = Math.abs(m.mean - distributionMean(d)) <= Z * m.seMean
  const variance = distributionVariance(d)
  const varianceOk = variance === 0 ? m.variance === 0 : Math.abs(m.variance - variance) <= Z * m.seVariance
  return meanOk && varianceOk
}

const CASES: readonly Distribution[] = [
  { _tag: "Exponential", mean: 180_000 },
  { _tag: "Deterministic", value: 45_000 },
  { _tag: "Lognormal", mean: 240_000, sd: 120_000 },
  { _tag: "Lognormal", mean: 60_000, sd: 90_000 },
  { _tag: "Erlang", k: 3, mean: 300_000 },
  { _tag: "Uniform", min: 30_000, max: 90_000 },
  { _tag: "Empirical", values: [10_000, 60_000, 600_000], weights: [5, 3, 1] },
  { _tag: "Empirical", values: [1_000, 2_000, 3_000, 4_000] },
]

describe("B7 scenario distributions", () => {
  for (const d of CASES) {
    it(`${JSON.stringify(d)}: mean and variance within ${Z} standard errors, on ${SEEDS.length} seeds`, () => {
      const sampler = samplerOf(d)
      for (const seed of SEEDS) expect(matches(sampler, d, seed), `seed ${seed}`).toBe(true)
    })
  }

  it("the check has power: a sampler 3% off in mean, or with the wrong spread, fails it", () => {
    const exp: Distribution = { _tag: "Exponential", mean: 180_000 }
    const off = samplerOf({ _tag: "Exponential", mean: 180_000 * 1.03 })
    expect(SEEDS.some((seed) => matches(off, exp, seed))).toBe(false)
    const erlang: Distribution = { _tag: "Erlang", k: 2, mean: 180_000 }
    const wrongShape = samplerOf({ _tag: "Erlang", k: 3, mean: 180_000 })
    expect(SEEDS.some((seed) => matches(wrongShape, erlang, seed))).toBe(false)
  })

  it("draws stay in the support: uniform within its bounds, empirical among its values, all positive", () => {
    const random = mulberry32(3)
    const uniform = samplerOf({ _tag: "Uniform", min: 5, max: 9 })
    const empirical = samplerOf({ _tag: "Empirical", values: [2, 4, 8], weights: [0, 1, 1] })
    const lognormal = samplerOf({ _tag: "Lognormal", mean: 10, sd: 30 })
    const outside: number[] = []
    for (let i = 0; i < 10_000; i++) {
      const u = uniform(random)
      const e = empirical(random)
      const l = lognormal(random)
      if (u < 5 || u >= 9) outside.push(u)
      if (e !== 4 && e !== 8) outside.push(e)
      if (!(l > 0)) outside.push(l)
    }
    expect(outside).toEqual([])
  })

  it("is deterministic: the same seed gives the same draws; exponential matches exponentialMs draw for draw", () => {
    const d: Distribution = { _tag: "Lognormal", mean: 240_000, sd: 60_000 }
    const a = mulberry32(11)
    const b = mulberry32(11)
    const first = Array.from({ length: 100 }, () => sampleMs(a, d))
    expect(Array.from({ length: 100 }, () => sampleMs(b, d))).toEqual(first)
    const c = mulberry32(5)
    const e = mulberry32(5)
    for (let i = 0; i < 1_000; i++)
      expect(sampleMs(c, { _tag: "Exponential", mean: 90_000 })).toBe(exponentialMs(e, 90_000))
  })

  it("whole milliseconds, at least 1", () => {
    const random = mulberry32(1)
    expect(sampleMs(random, { _tag: "Deterministic", value: 0.2 })).toBe(1)
    expect(sampleMs(random, { _tag: "Deterministic", value: 1500.6 })).toBe(1501)
  })
})
