import { IndexedHeap, NOT_IN_HEAP } from "@lifeline/core/routing"
import type { Simulation } from "./simulation"

interface Next {
  readonly k: number
  at: number
  heapIndex: number
}

/**
 * Several independent simulations (the components of one center, partition.ts) run as one: always
 * the globally earliest next step (a core timer or a simulator event), ties to the lower index.
 * Each simulation takes its steps in exactly the order its own `run` would, so its results are
 * the same; together, whatever they share (the event log, the outcome and progress callbacks)
 * sees one run in virtual-time order. The simulations wait in a heap keyed by (next step, index).
 */
export const runLockstep = (sims: readonly Simulation[], end: number): void => {
  const heap = new IndexedHeap<Next>((a, b) => a.at < b.at || (a.at === b.at && a.k < b.k))
  const schedule = (next: Next) => {
    const at = (sims[next.k] as Simulation).nextAt(end)
    if (at === undefined) return
    next.at = at
    heap.push(next)
  }
  for (let k = 0; k < sims.length; k++) schedule({ k, at: 0, heapIndex: NOT_IN_HEAP })
  for (let next = heap.pop(); next !== undefined; next = heap.pop()) {
    ;(sims[next.k] as Simulation).step(end)
    schedule(next)
  }
  for (const sim of sims) sim.run(end)
}
