import type { Random } from "./random"

/**
 * The random durations a scenario names (handle time, patience, ring time, emergency call
 * length), in milliseconds. Samplers draw only from the seeded `Random`, so a run is reproducible.
 */
export type Distribution =
  | { readonly _tag: "Exponential"; readonly mean: number }
  | { readonly _tag: "Deterministic"; readonly value: number }
  /** Log-normal with this mean and standard deviation (of the duration itself, not its log). */
  | { readonly _tag: "Lognormal"; readonly mean: number; readonly sd: number }
  /** The sum of `k` exponential phases; mean `mean`, coefficient of variation 1/√k. */
  | { readonly _tag: "Erlang"; readonly k: number; readonly mean: number }
  | { readonly _tag: "Uniform"; readonly min: number; readonly max: number }
  /** One of `values`, each with its weight (equal weights when none are given). */
  | { readonly _tag: "Empirical"; readonly values: readonly number[]; readonly weights?: readonly number[] }

/** An exponential draw with mean 1: the inverse CDF, one uniform. */
const unitExponential = (random: Random): number => -Math.log(1 - random())

/** A standard normal draw by Box–Muller, two uniforms, the second variate discarded (stateless). */
const standardNormal = (random: Random): number => {
  const u = 1 - random()
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** The log-normal's parameters: ln X ~ N(mu, sigma²) with E[X] = mean, SD[X] = sd. */
const lognormalParameters = (mean: number, sd: number) => {
  const sigma2 = Math.log(1 + (sd * sd) / (mean * mean))
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) }
}

const weightsOf = (d: { readonly values: readonly number[]; readonly weights?: readonly number[] }) =>
  d.weights ?? d.values.map(() => 1)

export type Sampler = (random: Random) => number

/**
 * A sampler for `d`, with whatever can be worked out once (log-normal parameters, empirical
 * cumulative weights) worked out here. Draws are real numbers of milliseconds.
 */
export const samplerOf = (d: Distribution): Sampler => {
  switch (d._tag) {
    case "Exponential":
      return (random) => d.mean * unitExponential(random)
    case "Deterministic":
      return () => d.value
    case "Lognormal": {
      const { mu, sigma } = lognormalParameters(d.mean, d.sd)
      return (random) => Math.exp(mu + sigma * standardNormal(random))
    }
    case "Erlang": {
      const phase = d.mean / d.k
      return (random) => {
        let product = 1
        for (let i = 0; i < d.k; i++) product *= 1 - random()
        return -phase * Math.log(product)
      }
    }
    case "Uniform":
      return (random) => d.min + (d.max - d.min) * random()
    case "Empirical": {
      const cumulative: number[] = []
      let total = 0
      for (const w of weightsOf(d)) {
        total += w
        cumulative.push(total)
      }
      return (random) => {
        const target = random() * total
        let lo = 0
        let hi = cumulative.length - 1
        while (lo < hi) {
          const mid = (lo + hi) >>> 1
          if ((cumulative[mid] as number) > target) hi = mid
          else lo = mid + 1
        }
        return d.values[lo] as number
      }
    }
  }
}

/** A draw in whole milliseconds, at least 1 (the core's timers count whole milliseconds). */
export const wholeMs = (draw: number): number => Math.max(1, Math.round(draw))

/** One draw of `d` in whole milliseconds. For many draws, keep `samplerOf(d)`. */
export const sampleMs = (random: Random, d: Distribution): number => wholeMs(samplerOf(d)(random))

export const distributionMean = (d: Distribution): number => {
  switch (d._tag) {
    case "Exponential":
    case "Lognormal":
    case "Erlang":
      return d.mean
    case "Deterministic":
      return d.value
    case "Uniform":
      return (d.min + d.max) / 2
    case "Empirical": {
      const weights = weightsOf(d)
      const total = weights.reduce((a, b) => a + b, 0)
      return d.values.reduce((sum, v, i) => sum + v * (weights[i] as number), 0) / total
    }
  }
}

export const distributionVariance = (d: Distribution): number => {
  switch (d._tag) {
    case "Exponential":
      return d.mean * d.mean
    case "Deterministic":
      return 0
    case "Lognormal":
      return d.sd * d.sd
    case "Erlang":
      return (d.mean * d.mean) / d.k
    case "Uniform":
      return (d.max - d.min) ** 2 / 12
    case "Empirical": {
      const mean = distributionMean(d)
      const weights = weightsOf(d)
      const total = weights.reduce((a, b) => a + b, 0)
      return d.values.reduce((sum, v, i) => sum + (v - mean) ** 2 * (weights[i] as number), 0) / total
    }
  }
}
