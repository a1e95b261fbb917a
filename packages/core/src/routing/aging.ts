/**
 * B4 aging. An item's effective priority grows linearly with the time it has waited:
 *
 *     effective(t) = priority + (t - arrivedAt) / agingStepMs
 *
 * so every `agingStepMs` of waiting is worth one priority level. Comparing two items at the same
 * instant t, effective(a) > effective(b) exactly when
 *
 *     arrivedAt(a) - priority(a) * agingStepMs < arrivedAt(b) - priority(b) * agingStepMs
 *
 * which does not depend on t. That difference is the item's `serviceKey`: it is fixed when the
 * item arrives, so queues stay plain heaps and a position never changes between events.
 * Equal keys are served oldest first.
 *
 * The bound: an item x of priority p that arrives at t0 can only be overtaken by an item y whose
 * key is smaller, i.e. one that arrived before t0 + (priority(y) - p) * agingStepMs. With the
 * highest priority in the steady load P, nothing that arrives after t0 + (P - p) * agingStepMs
 * is served before x, so x waits at most for the items already ahead of it plus the arrivals of
 * that window: W(x) <= (ahead(t0) + arrivals(t0, t0 + (P - p) * agingStepMs)) * AHT / servers.
 *
 * Without aging (`agingStepMs` null) the order is strict: priority first, then age.
 */
export interface ServiceKey {
  /** Primary key, smaller first. */
  readonly primary: number
  /** Secondary key, smaller first. */
  readonly secondary: number
}

export const serviceKey = (priority: number, arrivedAt: number, agingStepMs: number | null): ServiceKey =>
  agingStepMs === null
    ? { primary: -priority, secondary: arrivedAt }
    : { primary: arrivedAt - priority * agingStepMs, secondary: arrivedAt }

/** The effective priority at `now` (for display and for the B4 tests). */
export const effectivePriority = (
  priority: number,
  arrivedAt: number,
  agingStepMs: number | null,
  now: number,
): number => (agingStepMs === null ? priority : priority + (now - arrivedAt) / agingStepMs)

/**
 * The latest arrival time of an item that may still be served before an item of priority
 * `priority` that arrived at `arrivedAt`, when no item has a priority above `highestPriority`.
 */
export const overtakingHorizon = (
  priority: number,
  arrivedAt: number,
  highestPriority: number,
  agingStepMs: number,
): number => arrivedAt + Math.max(0, highestPriority - priority) * agingStepMs
