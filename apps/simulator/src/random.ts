/**
 * The simulator's only source of randomness: mulberry32, a small 32-bit PRNG. Same seed, same
 * sequence, on every platform, which is what makes a run reproducible byte for byte.
 */
export type Random = () => number

/** Uniform in [0, 1). */
export const mulberry32 = (seed: number): Random => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An exponential draw with the given mean, in whole milliseconds (at least 1). */
export const exponentialMs = (random: Random, meanMs: number): number =>
  Math.max(1, Math.round(-meanMs * Math.log(1 - random())))
