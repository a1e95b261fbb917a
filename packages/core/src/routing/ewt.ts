import { receivesNormalWork } from "./presence"
import type { QueueRead } from "./reads"

/**
 * R5: estimated wait time. Documented in docs/ewt.md; in short:
 *
 *   AHT      mean of the queue's last HANDLE_TIME_WINDOW handle times (accept to complete),
 *            or the queue's default handle time until it has any history
 *   staffed  work slots of members whose presence receives work: floor(total units / units per item)
 *   free     slots free right now among those members
 *   EWT(p)   0 when p <= free; otherwise (p - free) * AHT / staffed; unknown when staffed = 0
 *
 * With every slot busy, slots free up at staffed / AHT per unit time on average, so the p-th in
 * line waits for p - free departures.
 */
export interface Staffing {
  readonly staffed: number
  readonly free: number
  readonly ahtMs: number
  readonly ahtFromHistory: boolean
}

export const staffing = (queue: QueueRead): Staffing => {
  const { units, defaultHandleTimeMs } = queue.config
  let staffed = 0
  let free = 0
  for (const m of queue.members.values()) {
    // The member's units of the queue's profile (the rep's own record, see state.ts).
    const c = m.units
    if (c === undefined || !receivesNormalWork(m.rep.base)) continue
    staffed += Math.floor(c.total / units)
    free += Math.floor((c.total - c.used) / units)
  }
  const history = queue.handleTimes
  const ahtFromHistory = history.length > 0
  const ahtMs = ahtFromHistory ? queue.handleTimesSum / history.length : defaultHandleTimeMs
  return { staffed, free, ahtMs, ahtFromHistory }
}

/** EWT in ms of the item at 1-based `position`, or null when nobody is staffed. */
export const ewtAtPosition = (s: Staffing, position: number): number | null =>
  s.staffed === 0 ? null : (Math.max(0, position - s.free) * s.ahtMs) / s.staffed
