import { describe, expect, it } from "vitest"
import { mulberry32 } from "../random"
import { BatchSums, chooseBatches, MAX_BATCHES, MIN_BATCHES } from "./batches"
import { F, FIELD_COUNT } from "./metrics"

/** One settled call per second with the given wait (answered), as `measure` adds them. */
const fill = (waits: readonly number[], capacity = 256) => {
  const batches = new BatchSums(1, 0, 1000, capacity)
  waits.forEach((wait, i) => {
    const at = batches.offsetAt(i * 1000, 0)
    batches.sums[at + F.settled] = (batches.sums[at + F.settled] as number) + 1
    batches.sums[at + F.waitAllMs] = (batches.sums[at + F.waitAllMs] as number) + wait
  })
  return batches
}

describe("issue 17 streaming batch means", () => {
  it("doubling batches keeps every sum and a fixed memory, whatever the run's length", () => {
    const random = mulberry32(3)
    const waits = Array.from({ length: 100_000 }, () => Math.floor(random() * 1000))
    const batches = fill(waits)
    expect(batches.sums.length).toBe(256 * FIELD_COUNT)
    expect(batches.batchMs).toBe(1000 * 2 ** 9)
    const total = batches.totals()
    expect(total[F.settled]).toBe(100_000)
    expect(total[F.waitAllMs]).toBe(waits.reduce((s, w) => s + w, 0))
  })

  it("independent values: at most 32 batches, at least 10, and no correlation reported", () => {
    const random = mulberry32(5)
    const chosen = chooseBatches(fill(Array.from({ length: 200_000 }, () => random() * 100)), 200_000_000)
    expect(chosen?.correlated).toBe(false)
    expect(chosen?.count).toBeLessThanOrEqual(MAX_BATCHES)
    expect(chosen?.count).toBeGreaterThanOrEqual(MIN_BATCHES)
  })

  it("values correlated over ~20,000 calls: the batches grow until the test passes, or it says correlated", () => {
    const random = mulberry32(9)
    // A slowly drifting level (AR(1) with φ close to 1) under the waits.
    let level = 0
    const waits = Array.from({ length: 200_000 }, () => {
      level = 0.99995 * level + (random() - 0.5)
      return 500 + level + random()
    })
    const chosen = chooseBatches(fill(waits), 200_000_000)
    expect(chosen).toBeDefined()
    // Either long batches (few of them) or an honest warning.
    expect(chosen?.correlated === true || (chosen?.count ?? 99) <= 2 * MIN_BATCHES).toBe(true)
  })

  it("a run too short for batches gives none; the last partial batch is left out", () => {
    expect(chooseBatches(fill([1]), 1000)).toBeUndefined()
    const batches = fill(Array.from({ length: 1000 }, () => 1))
    expect(batches.complete(999_500)).toBe(Math.floor(999_500 / batches.batchMs))
  })
})
