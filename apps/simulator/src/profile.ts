import { exponentialMs, type Random } from "./random"

export const DAY_MS = 86_400_000

/**
 * A time-of-day profile: the day (UTC, from midnight) cut into equal intervals, each with a
 * factor on the queue's base arrival rate. Piecewise constant, repeating every day.
 */
export interface ArrivalProfile {
  /** A divisor of 24 h: 3_600_000 for 24 hourly factors, 900_000 for 96 quarter-hours. */
  readonly intervalMs: number
  readonly factors: readonly number[]
}

const normalised = (factors: readonly number[]): number[] => {
  const mean = factors.reduce((a, b) => a + b, 0) / factors.length
  return factors.map((f) => f / mean)
}

/**
 * Built-in profiles, hourly, scaled to a mean of 1 over the day so a queue's calls per hour stay
 * its daily average. The weekday double hump: quiet nights, a morning peak at 10–11, a lunch dip,
 * a second peak at 14–16, a long evening tail.
 */
export const BUILT_IN_PROFILES: Readonly<Record<string, ArrivalProfile>> = {
  flat: { intervalMs: 3_600_000, factors: Array.from({ length: 24 }, () => 1) },
  "weekday-double-hump": {
    intervalMs: 3_600_000,
    factors: normalised([
      0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.7, 1.4, 2.0, 2.3, 2.1, 1.5, 1.6, 2.0, 2.1, 1.8, 1.3, 0.8, 0.5,
      0.35, 0.25, 0.15, 0.1,
    ]),
  },
  "business-hours": {
    intervalMs: 3_600_000,
    factors: normalised([0, 0, 0, 0, 0, 0, 0, 0.2, 1, 1, 1, 1, 0.8, 1, 1, 1, 1, 0.6, 0, 0, 0, 0, 0, 0]),
  },
}

const timeOfDay = (at: number): number => ((at % DAY_MS) + DAY_MS) % DAY_MS

/** The factor in force at epoch time `at`. */
export const factorAt = (profile: ArrivalProfile, at: number): number =>
  profile.factors[Math.floor(timeOfDay(at) / profile.intervalMs)] as number

const dayMass = (profile: ArrivalProfile): number =>
  profile.factors.reduce((a, b) => a + b, 0) * profile.intervalMs

/**
 * The next arrival after `now` of a non-homogeneous Poisson process with rate
 * `baseRatePerMs × factor(t)`, exactly (piecewise-constant rates): one unit exponential E is
 * drawn, then the intervals are walked until their integrated rate reaches E. One uniform per
 * arrival whatever the profile; whole days are skipped at once. Whole milliseconds, at least
 * `now + 1`. Without a profile it is `now + exponentialMs(random, 1 / baseRatePerMs)`, draw for
 * draw. Infinity when the rate is zero all day.
 */
export const nextArrival = (
  random: Random,
  profile: ArrivalProfile | undefined,
  baseRatePerMs: number,
  now: number,
): number => {
  if (profile === undefined) return now + exponentialMs(random, 1 / baseRatePerMs)
  const mass = dayMass(profile)
  if (!(baseRatePerMs > 0) || !(mass > 0)) return Number.POSITIVE_INFINITY
  let remaining = -Math.log(1 - random()) / baseRatePerMs // in factor × ms
  let t = now
  const days = Math.floor(remaining / mass)
  t += days * DAY_MS
  remaining -= days * mass
  for (;;) {
    const intoInterval = timeOfDay(t) % profile.intervalMs
    const left = profile.intervalMs - intoInterval
    const factor = factorAt(profile, t)
    if (factor > 0 && factor * left >= remaining) {
      return Math.max(now + 1, Math.round(t + remaining / factor))
    }
    remaining -= factor * left
    t += left
  }
}

/** The expected number of arrivals in [from, to): the integral of the rate. */
export const expectedArrivals = (
  profile: ArrivalProfile | undefined,
  baseRatePerMs: number,
  from: number,
  to: number,
): number => {
  if (profile === undefined) return baseRatePerMs * (to - from)
  let total = 0
  for (let t = from; t < to; ) {
    const end = Math.min(to, t - (timeOfDay(t) % profile.intervalMs) + profile.intervalMs)
    total += factorAt(profile, t) * (end - t)
    t = end
  }
  return total * baseRatePerMs
}
