import type { Scenario } from "./scenario"

/**
 * Independent sub-centers (SPEC B7). Two queues are in the same component when something in the
 * scenario couples them: a rep who serves both, or an overflow rule of one that transfers calls
 * to the other (C1). Emergency calls (E1) are dialled by a rep picked anywhere in the center, so
 * a scenario with `emergency` is one component. Nothing else in a scenario crosses queues: each
 * queue has its own workstream (falling back to itself), its own arrivals, callers and overflow
 * settings. Components share no rep, no call and no random stream, so each can run on its own
 * core, one after another or in parallel, and the center's result is exactly theirs together.
 */
export interface Component {
  /** The component's place in the order: by its first queue's index in the scenario. */
  readonly index: number
  /** The component as a scenario of its own: its queues and reps in the scenario's order. */
  readonly scenario: Scenario
  /** Indices of its queues in the whole scenario, ascending. */
  readonly queueIndices: readonly number[]
}

const find = (parent: number[], i: number): number => {
  let root = i
  while (parent[root] !== root) root = parent[root] as number
  while (parent[i] !== root) {
    const next = parent[i] as number
    parent[i] = root
    i = next
  }
  return root
}

/** Joins the sets of a and b; the smaller index stays the root, so roots are first queues. */
const union = (parent: number[], a: number, b: number): void => {
  const ra = find(parent, a)
  const rb = find(parent, b)
  if (ra < rb) parent[rb] = ra
  else if (rb < ra) parent[ra] = rb
}

/**
 * The scenario's independent components, in the order of their first queue. A scenario that is
 * one component comes back as itself (the same object), so it runs exactly as it always did.
 * Every component keeps the scenario's name, presences and simulation window. A rep who serves
 * no queue of the scenario goes with the first component (it only follows its schedule).
 */
export const partition = (scenario: Scenario): Component[] => {
  const queues = scenario.queues
  const whole: Component[] = [{ index: 0, scenario, queueIndices: queues.map((_, i) => i) }]
  if (queues.length <= 1 || scenario.emergency !== undefined) return whole
  const indexOf = new Map(queues.map((q, i) => [q.queueId, i]))
  const parent = queues.map((_, i) => i)
  for (const rep of scenario.reps) {
    let first: number | undefined
    for (const queueId of rep.queues) {
      const i = indexOf.get(queueId)
      if (i === undefined) continue
      if (first === undefined) first = i
      else union(parent, first, i)
    }
  }
  queues.forEach((q, i) => {
    for (const rule of q.overflow?.settings.rules ?? []) {
      if (rule.action._tag !== "TransferToQueue") continue
      const target = indexOf.get(rule.action.queueId)
      if (target !== undefined) union(parent, i, target)
    }
  })
  // Roots are each component's first queue, so ascending roots are the components' order.
  const componentOfRoot = new Map<number, number>()
  const queueIndices: number[][] = []
  queues.forEach((_, i) => {
    const root = find(parent, i)
    let k = componentOfRoot.get(root)
    if (k === undefined) {
      k = queueIndices.length
      componentOfRoot.set(root, k)
      queueIndices.push([])
    }
    queueIndices[k]?.push(i)
  })
  if (queueIndices.length === 1) return whole
  const componentOfQueue = new Map<string, number>()
  queueIndices.forEach((indices, k) => {
    for (const i of indices) componentOfQueue.set(queues[i]?.queueId as string, k)
  })
  const repsOf = queueIndices.map((): Scenario["reps"][number][] => [])
  for (const rep of scenario.reps) {
    const k = rep.queues.map((q) => componentOfQueue.get(q)).find((c) => c !== undefined) ?? 0
    repsOf[k]?.push(rep)
  }
  return queueIndices.map((indices, k) => ({
    index: k,
    scenario: {
      ...scenario,
      queues: indices.map((i) => queues[i] as Scenario["queues"][number]),
      reps: repsOf[k] ?? [],
    },
    queueIndices: indices,
  }))
}

/**
 * The seed of component `k` of a run split into more than one component: a 32-bit mix of the
 * run's seed and `k` (murmur3's finaliser), so components draw from unrelated streams. A run of
 * one component uses the run's seed itself.
 */
export const componentSeed = (seed: number, k: number): number => {
  let h = (seed ^ Math.imul(k + 1, 0x9e3779b9)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** The id prefix of component `k`'s calls and provider events: none for a run of one component. */
export const componentPrefix = (k: number, components: number): string =>
  components === 1 ? "" : `c${k + 1}-`

/**
 * Expected load of a component, to order the threads' work: offered Erlangs (arrival rate × mean
 * handle time over its queues), plus a little per rep so that staffing breaks ties.
 */
export const componentLoad = (scenario: Scenario): number =>
  scenario.queues.reduce((sum, q) => sum + q.meanHandleMs / q.meanInterArrivalMs, 0) +
  scenario.reps.length * 1e-6

/**
 * The order threads take components in: the largest expected load first (ties: the lower index),
 * so the small ones left at the end even out the threads' finishing times. Which thread runs a
 * component changes nothing in its result.
 */
export const longestFirst = (loads: readonly number[]): number[] =>
  loads
    .map((load, k) => ({ load, k }))
    .sort((a, b) => b.load - a.load || a.k - b.k)
    .map(({ k }) => k)
