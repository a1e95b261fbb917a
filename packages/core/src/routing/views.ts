import { effectivePriority } from "./aging"
import { ewtAtPosition, staffing } from "./ewt"
import type { BasePresence } from "./presence"
import { type ItemState, itemBefore, type RouterState } from "./state"

/** Read models over the routing state, for drivers and tests. None of them changes anything. */

export interface QueueView {
  readonly queueId: string
  readonly name: string
  readonly waiting: number
  readonly staffed: number
  readonly free: number
  readonly ahtMs: number
  /** R5: what a new arrival would wait, in ms; null when no member can take work. */
  readonly ewtMs: number | null
  readonly repsByPresence: Readonly<Record<BasePresence, number>>
}

export interface PositionView {
  readonly itemId: string
  readonly queueId: string
  readonly status: ItemState["status"]
  /** 1-based place in the queue's service order; null unless waiting. */
  readonly position: number | null
  readonly ewtMs: number | null
  readonly effectivePriority: number
}

export const queueView = (state: RouterState, queueId: string): QueueView | undefined => {
  const queue = state.queues.get(queueId)
  if (queue === undefined) return undefined
  const s = staffing(queue)
  const repsByPresence: Record<BasePresence, number> = {
    available: 0,
    busy: 0,
    busy_dnd: 0,
    away: 0,
    offline: 0,
  }
  for (const m of queue.members.values()) repsByPresence[m.rep.base] += 1
  return {
    queueId,
    name: queue.config.name,
    waiting: queue.waiting.size,
    staffed: s.staffed,
    free: s.free,
    ahtMs: s.ahtMs,
    ewtMs: ewtAtPosition(s, queue.waiting.size + 1),
    repsByPresence,
  }
}

/** R3: position is the count of waiting items served before this one, plus one. */
export const positionOf = (item: ItemState): number | null => {
  if (item.status !== "waiting") return null
  let ahead = 0
  for (const other of item.queue.waiting.unordered()) if (itemBefore(other, item)) ahead += 1
  return ahead + 1
}

export const positionView = (state: RouterState, itemId: string, now: number): PositionView | undefined => {
  const item = state.items.get(itemId)
  if (item === undefined) return undefined
  const position = positionOf(item)
  return {
    itemId,
    queueId: item.queue.config.queueId,
    status: item.status,
    position,
    ewtMs: position === null ? null : ewtAtPosition(staffing(item.queue), position),
    effectivePriority: effectivePriority(item.priority, item.arrivedAt, item.queue.config.agingStepMs, now),
  }
}

/** The waiting items of a queue in service order. */
export const waitingInOrder = (state: RouterState, queueId: string): readonly ItemState[] => {
  const queue = state.queues.get(queueId)
  if (queue === undefined) return []
  return [...queue.waiting.unordered()].sort((a, b) => (itemBefore(a, b) ? -1 : itemBefore(b, a) ? 1 : 0))
}

/** An item's 1-based place among its queue's waiting items (R3); null when it is not waiting or gone. */
export const itemPosition = (routing: RouterState, itemId: string): number | null => {
  const item = routing.items.get(itemId)
  return item === undefined ? null : positionOf(item)
}
