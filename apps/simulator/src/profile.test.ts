import { describe, expect, it } from "vitest"
import {
  type ArrivalProfile,
  BUILT_IN_PROFILES,
  DAY_MS,
  expectedArrivals,
  factorAt,
  nextArrival,
} from "./profile"
import { exponentialMs, mulberry32 } from "./random"

const HOUR = 3_600_000
const MIDNIGHT = Date.UTC(2025, 0, 6)
const Z = 5

/** Arrivals per interval of one day, summed over `replications` seeded runs. */
const countsPerInterval = (
  profile: ArrivalProfile,
  draw: (random: () => number, now: number) => number,
  replications: number,
): number[] => {
  const counts = profile.factors.map(() => 0)
  for (let r = 0; r < replications; r++) {
    const random = mulberry32(1000 + r)
    for (let t = draw(random, MIDNIGHT); t < MIDNIGHT + DAY_MS; t = draw(random, t)) {
      const i = Math.floor((t - MIDNIGHT) / profile.intervalMs)
      counts[i] = (counts[i] ?? 0) + 1
    }
  }
  return counts
}

/** The intervals whose count is outside expected ± Z·√expected (Poisson counts). */
const outliers = (profile: ArrivalProfile, ratePerMs: number, counts: number[], replications: number) =>
  counts.flatMap((observed, i) => {
    const from = MIDNIGHT + i * profile.intervalMs
    const expected = replications * expectedArrivals(profile, ratePerMs, from, from + profile.intervalMs)
    return Math.abs(observed - expected) > Z * Math.sqrt(Math.max(expected, 1))
      ? [{ i, observed, expected }]
      : []
  })

describe("B7 time-of-day profile: non-homogeneous Poisson arrivals", () => {
  const doubleHump = BUILT_IN_PROFILES["weekday-double-hump"] as ArrivalProfile
  const rate = 200 / HOUR

  it("the weekday double hump: arrivals per hour match the profile within a CI over 100 replications", () => {
    const counts = countsPerInterval(
      doubleHump,
      (random, now) => nextArrival(random, doubleHump, rate, now),
      100,
    )
    expect(outliers(doubleHump, rate, counts, 100)).toEqual([])
    // the built-in profile keeps the daily mean: 200 calls/h on average, 4,800 a day
    expect(expectedArrivals(doubleHump, rate, MIDNIGHT, MIDNIGHT + DAY_MS)).toBeCloseTo(4800, 6)
  })

  it("96 quarter-hour factors, zeros included: no arrival where the factor is 0, the rest in proportion", () => {
    const factors = Array.from({ length: 96 }, (_, i) => (i < 32 || i >= 80 ? 0 : 1 + (i % 4)))
    const profile: ArrivalProfile = { intervalMs: 900_000, factors }
    const counts = countsPerInterval(profile, (random, now) => nextArrival(random, profile, rate, now), 60)
    expect(outliers(profile, rate, counts, 60)).toEqual([])
    expect(counts.filter((c, i) => factors[i] === 0 && c > 0)).toEqual([])
  })

  it("the check has power: flat Poisson arrivals at the same daily rate fail it", () => {
    const counts = countsPerInterval(doubleHump, (random, now) => now + exponentialMs(random, 1 / rate), 100)
    expect(outliers(doubleHump, rate, counts, 100).length).toBeGreaterThan(5)
  })

  it("without a profile it is exponentialMs draw for draw (flat queues keep their results)", () => {
    const a = mulberry32(9)
    const b = mulberry32(9)
    for (let t = MIDNIGHT, i = 0; i < 1000; i++) {
      const next = nextArrival(a, undefined, rate, t)
      expect(next).toBe(t + exponentialMs(b, 1 / rate))
      t = next
    }
  })

  it("a rare event skips whole days: 2 a week on business hours lands in business hours at that rate", () => {
    const profile = BUILT_IN_PROFILES["business-hours"] as ArrivalProfile
    const perMs = 2 / (7 * DAY_MS)
    const random = mulberry32(5)
    let n = 0
    let t = MIDNIGHT
    const weeks = 2000
    for (
      t = nextArrival(random, profile, perMs, t);
      t < MIDNIGHT + weeks * 7 * DAY_MS;
      t = nextArrival(random, profile, perMs, t)
    ) {
      expect(factorAt(profile, t)).toBeGreaterThan(0)
      n += 1
    }
    const expected = 2 * weeks
    expect(Math.abs(n - expected)).toBeLessThan(Z * Math.sqrt(expected))
  })

  it("zero rate all day: no arrival ever", () => {
    const off: ArrivalProfile = { intervalMs: HOUR, factors: Array.from({ length: 24 }, () => 0) }
    expect(nextArrival(mulberry32(1), off, rate, MIDNIGHT)).toBe(Number.POSITIVE_INFINITY)
  })
})
