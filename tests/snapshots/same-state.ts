import { IndexedHeap } from "@lifeline/core/routing"

/**
 * Two center states compared as values (issue 22): the path of the first difference, or
 * undefined when they are the same. A state built from a snapshot and the events after it shares
 * incidental constants differently from one replayed from the start (an empty array the core
 * reuses is decoded once per snapshot), so their encodings need not be byte-identical; what must
 * be identical is every value. (The codec's own round trip is checked byte for byte elsewhere.)
 *
 * The two graphs are walked side by side; a pair of objects is compared once (a pair met again,
 * through a cycle or a second reference, is taken as equal while it is being compared), so the
 * walk is linear in the graph where a tree comparison (`toEqual`) would be exponential. Maps and
 * Sets are compared in insertion order (equal states are built in the same order); an offerable
 * heap by its elements in heap order (its comparator is a function made per queue).
 */
export const sameState = (a: unknown, b: unknown): string | undefined => {
  const paired = new Map<object, Set<object>>()
  const walk = (x: unknown, y: unknown, path: string): string | undefined => {
    if (typeof x !== "object" || x === null || typeof y !== "object" || y === null) {
      if (typeof x === "function" && typeof y === "function") return undefined
      return Object.is(x, y) ? undefined : `${path}: ${String(x)} vs ${String(y)}`
    }
    const seen = paired.get(x)
    if (seen?.has(y)) return undefined
    if (seen === undefined) paired.set(x, new Set([y]))
    else seen.add(y)
    if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return `${path}: different kinds`
    if (x instanceof IndexedHeap)
      return walk(x.unordered(), (y as IndexedHeap<never>).unordered(), `${path}(heap)`)
    if (ArrayBuffer.isView(x)) {
      const xs = x as unknown as ArrayLike<number>
      const ys = y as unknown as ArrayLike<number>
      if (xs.length !== ys.length) return `${path}: length ${xs.length} vs ${ys.length}`
      for (let i = 0; i < xs.length; i++) if (!Object.is(xs[i], ys[i])) return `${path}[${i}]`
      return undefined
    }
    if (x instanceof Map || x instanceof Set || Array.isArray(x)) {
      const xs = x instanceof Map ? [...x] : [...x]
      const ys = y instanceof Map || y instanceof Set ? [...(y as Iterable<unknown>)] : [...(y as unknown[])]
      if (xs.length !== ys.length) return `${path}: size ${xs.length} vs ${ys.length}`
      for (let i = 0; i < xs.length; i++) {
        const d = walk(xs[i], ys[i], `${path}[${i}]`)
        if (d !== undefined) return d
      }
      return undefined
    }
    const keys = Object.keys(x).sort()
    const otherKeys = Object.keys(y).sort()
    if (keys.join() !== otherKeys.join()) return `${path}: keys ${keys.join()} vs ${otherKeys.join()}`
    for (const key of keys) {
      const d = walk(
        (x as Record<string, unknown>)[key],
        (y as Record<string, unknown>)[key],
        `${path}.${key}`,
      )
      if (d !== undefined) return d
    }
    return undefined
  }
  return walk(a, b, "$")
}
