/** Batch-means confidence intervals for steady-state estimates from one long run (SPEC B7). */

/** Two-sided Student t quantiles for 19 degrees of freedom (20 batches). */
const T_19 = { 0.95: 2.093, 0.99: 2.861 } as const

export type Confidence = keyof typeof T_19

export interface Interval {
  readonly mean: number
  readonly halfWidth: number
}

/** Mean of the batch values and the half-width of the CI, assuming 20 batches. */
export const batchInterval = (batches: readonly number[], confidence: Confidence): Interval => {
  if (batches.length !== 20) throw new Error(`batch means need 20 batches, got ${batches.length}`)
  const n = batches.length
  const mean = batches.reduce((s, x) => s + x, 0) / n
  const variance = batches.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)
  return { mean, halfWidth: (T_19[confidence] * Math.sqrt(variance)) / Math.sqrt(n) }
}

export const contains = (interval: Interval, value: number): boolean =>
  Math.abs(interval.mean - value) <= interval.halfWidth
