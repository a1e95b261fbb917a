import { F, FIELD_COUNT, METRICS } from "./metrics"
import { normalQuantile, residuals, vonNeumann } from "./statistics"

/**
 * Batch means for one long run, streaming (issue 17 Build 1). A run's measured time is cut into
 * batches of equal length by each call's arrival time (a rep's talk by its start); each batch
 * keeps the metric sums (analysis/metrics.ts) of every queue. The length is not known in advance
 * (a stop rule counts arrivals), so batches start at 1 s and, whenever `capacity` of them are
 * filled, neighbours are merged pairwise and the length doubles (the fixed-memory scheme of
 * Fishman & Yarberry's LBATCH). Memory: `capacity` × queues × 9 numbers, whatever the run's length.
 */
export class BatchSums {
  private data: Float64Array
  /** Batches touched so far (the last may be partial). */
  used = 0

  constructor(
    readonly queues: number,
    /** When measuring starts (after the warm-up), ms since the epoch. */
    readonly origin: number,
    public batchMs = 1000,
    readonly capacity = 256,
  ) {
    if (capacity < 4 || capacity % 2 !== 0) throw new RangeError("capacity must be even and >= 4")
    this.data = new Float64Array(capacity * queues * FIELD_COUNT)
  }

  get width(): number {
    return this.queues * FIELD_COUNT
  }

  get sums(): Float64Array {
    return this.data
  }

  /** Where queue `q`'s sums of the batch holding time `at` start; -1 before the origin. */
  offsetAt(at: number, q: number): number {
    if (at < this.origin) return -1
    let k = Math.floor((at - this.origin) / this.batchMs)
    while (k >= this.capacity) {
      this.halve()
      k = Math.floor((at - this.origin) / this.batchMs)
    }
    if (k >= this.used) this.used = k + 1
    return k * this.width + q * FIELD_COUNT
  }

  /** Neighbouring batches merged: half as many, twice as long. */
  private halve(): void {
    const w = this.width
    const merged = new Float64Array(this.data.length)
    for (let k = 0; k < this.capacity; k++) {
      const into = (k >> 1) * w
      for (let i = 0; i < w; i++)
        merged[into + i] = (merged[into + i] as number) + (this.data[k * w + i] as number)
    }
    this.data = merged
    this.batchMs *= 2
    this.used = Math.ceil(this.used / 2)
  }

  /** Batches that lie wholly before `dataEnd` (the last partial one is left out). */
  complete(dataEnd: number): number {
    return Math.max(0, Math.min(this.used, Math.floor((dataEnd - this.origin) / this.batchMs)))
  }

  /** The first `count` batches' sums added up (one replication's totals). */
  totals(count = this.used): Float64Array {
    const w = this.width
    const total = new Float64Array(w)
    for (let k = 0; k < count; k++)
      for (let i = 0; i < w; i++) total[i] = (total[i] as number) + (this.data[k * w + i] as number)
    return total
  }
}

/** The batches the intervals are computed from. */
export interface ChosenBatches {
  /** b × queues × FIELD_COUNT sums. */
  readonly sums: Float64Array
  readonly count: number
  readonly batchMs: number
  /** Base batches per final batch. */
  readonly group: number
  /** The largest standardised von Neumann statistic at the level that was accepted. */
  readonly lag1: number
  /** No level with enough batches passed the independence test: the intervals may be too narrow. */
  readonly correlated: boolean
}

/** At least this many batches (Schmeiser 1982: 10 to 30), at most this many in the end. */
export const MIN_BATCHES = 10
export const MAX_BATCHES = 32
/** The test's level before the Bonferroni split over queues and metrics (Fishman & Yarberry use 0.10). */
const TEST_LEVEL = 0.1

/** `complete` base batches grouped `group` at a time (the leftover at the end is left out). */
const grouped = (base: Float64Array, width: number, complete: number, group: number): Float64Array => {
  const count = Math.floor(complete / group)
  const out = new Float64Array(count * width)
  for (let k = 0; k < count * group; k++) {
    const into = Math.floor(k / group) * width
    for (let i = 0; i < width; i++)
      out[into + i] = (out[into + i] as number) + (base[k * width + i] as number)
  }
  return out
}

/** The largest standardised von Neumann statistic over every queue's metrics, and how many were tested. */
const worstLag1 = (sums: Float64Array, count: number, queues: number): { stat: number; tests: number } => {
  let stat = Number.NEGATIVE_INFINITY
  let tests = 0
  for (let q = 0; q < queues; q++)
    for (const m of METRICS) {
      const ys: number[] = []
      const xs: number[] = []
      for (let k = 0; k < count; k++) {
        const at = (k * queues + q) * FIELD_COUNT
        ys.push(sums[at + F[m.numerator]] as number)
        xs.push(sums[at + F[m.denominator]] as number)
      }
      const c = vonNeumann(residuals(ys, xs))
      // A metric without spread (no abandonment in Erlang C) says nothing about correlation.
      if (Number.isNaN(c)) continue
      tests += 1
      stat = Math.max(stat, c)
    }
  return { stat, tests }
}

/**
 * The batch count, chosen from the run (issue 17). From the base batches, the batch length is
 * doubled until the batch means of every queue's metrics pass von Neumann's test of independence
 * (one-sided, level 0.10 split over the metrics tested: Fishman & Yarberry's LBATCH rule); then
 * batches of that length are merged further until at most 32 are left (Schmeiser 1982: 10–30
 * batches lose little in the t quantile and keep each batch long, so the correlation the test
 * cannot see with many batches shrinks too; Alexopoulos & Seila 1998, "Output data analysis",
 * Handbook of Simulation ch. 7). When no level with at least 10 batches passes, the 10–19 batch
 * level is used and the result says `correlated` (run longer).
 */
export const chooseBatches = (batches: BatchSums, dataEnd: number): ChosenBatches | undefined => {
  const complete = batches.complete(dataEnd)
  if (complete < 2) return undefined
  const width = batches.width
  let group = 1
  let passed = false
  let lag1 = 0
  for (;;) {
    const count = Math.floor(complete / group)
    const canHalve = Math.floor(complete / (2 * group)) >= MIN_BATCHES
    if (!passed) {
      const { stat, tests } = worstLag1(grouped(batches.sums, width, complete, group), count, batches.queues)
      lag1 = tests === 0 ? 0 : stat
      passed = tests === 0 || stat <= normalQuantile(1 - TEST_LEVEL / tests)
    }
    if ((passed && count <= MAX_BATCHES) || !canHalve) {
      return {
        sums: grouped(batches.sums, width, complete, group),
        count,
        batchMs: batches.batchMs * group,
        group,
        lag1,
        correlated: !passed,
      }
    }
    group *= 2
  }
}
