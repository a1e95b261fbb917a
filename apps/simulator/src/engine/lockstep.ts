import type { Simulation } from "./simulation"

/**
 * Several independent simulations (the components of one center, partition.ts) run as one: always
 * the globally earliest next step (a core timer or a simulator event), ties to the lower index.
 * Each simulation takes its steps in exactly the order its own `run` would, so its results are
 * the same; together, whatever they share (the event log, the outcome and progress callbacks)
 * sees one run in virtual-time order. A binary heap of the simulations keyed by (next step, index).
 */
export const runLockstep = (sims: readonly Simulation[], end: number): void => {
  const at: number[] = sims.map(() => Number.POSITIVE_INFINITY)
  const heap: number[] = []
  const before = (a: number, b: number) =>
    (at[a] as number) < (at[b] as number) || ((at[a] as number) === (at[b] as number) && a < b)
  const push = (k: number) => {
    let i = heap.length
    heap.push(k)
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = heap[parent] as number
      if (!before(k, p)) break
      heap[i] = p
      i = parent
    }
    heap[i] = k
  }
  const pop = (): number | undefined => {
    const head = heap[0]
    const last = heap.pop()
    if (head === undefined || last === undefined || heap.length === 0) return head
    let i = 0
    const n = heap.length
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && before(heap[right] as number, heap[left] as number) ? right : left
      const c = heap[child] as number
      if (!before(c, last)) break
      heap[i] = c
      i = child
    }
    heap[i] = last
    return head
  }
  const schedule = (k: number) => {
    const next = (sims[k] as Simulation).nextAt(end)
    if (next === undefined) return
    at[k] = next
    push(k)
  }
  for (let k = 0; k < sims.length; k++) schedule(k)
  for (let k = pop(); k !== undefined; k = pop()) {
    ;(sims[k] as Simulation).step(end)
    schedule(k)
  }
  for (const sim of sims) sim.run(end)
}
