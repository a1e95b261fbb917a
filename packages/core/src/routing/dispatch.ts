import type { RoutingEvent } from "./events"
import { evolve } from "./evolve"
import type { HeapSlot, IndexedHeap } from "./heap"
import { type ItemState, itemBefore, type QueueState, type RepState, type RouterState } from "./state"

/**
 * The assignment decisions (R3, R4). After every change the router restores one invariant:
 * no waiting item and offerable rep of the same queue are left apart, unless that rep already
 * declined the item in this round. Each offer it makes is applied at once, so the next decision
 * sees the capacity the previous one used.
 */

/** Offer a waiting item to the best rep its queue's assignment method picks. */
export const fillItem = (state: RouterState, item: ItemState, now: number, out: RoutingEvent[]): void => {
  if (item.status !== "waiting") return
  const m = firstWhere(item.queue.offerable, (c) => !item.excluded.includes(c.rep.repId))
  if (m !== undefined) offer(state, item, m.rep, now, out)
}

/**
 * Offer a rep the best items it can take: queue priority first, then the queue's own service
 * order (R3, B4); repeat while capacity remains.
 */
export const fillRep = (state: RouterState, rep: RepState, now: number, out: RoutingEvent[]): void => {
  for (;;) {
    let best: ItemState | undefined
    for (const m of rep.memberships.values()) {
      if (!m.queue.offerable.has(m)) continue
      const candidate = nextItemFor(m.queue, rep)
      if (candidate !== undefined && (best === undefined || servedBefore(candidate, best))) best = candidate
    }
    if (best === undefined) return
    offer(state, best, rep, now, out)
  }
}

/** Across queues: the higher queue priority first, then the item order. */
export const servedBefore = (a: ItemState, b: ItemState): boolean => {
  const pa = a.queue.config.priority
  const pb = b.queue.config.priority
  return pa !== pb ? pa > pb : itemBefore(a, b)
}

const nextItemFor = (queue: QueueState, rep: RepState): ItemState | undefined =>
  firstWhere(queue.waiting, (item) => !item.excluded.includes(rep.repId))

const offer = (
  state: RouterState,
  item: ItemState,
  rep: RepState,
  now: number,
  out: RoutingEvent[],
): void => {
  const event: RoutingEvent = {
    _tag: "OfferMade",
    offerId: `${item.itemId}/${item.offers + 1}`,
    itemId: item.itemId,
    repId: rep.repId,
    at: now,
    expiresAt: now + item.queue.config.offerTimeoutMs,
  }
  out.push(event)
  evolve(state, event)
}

/**
 * The first element in heap order that passes `ok`. The head passes almost always; the rare
 * exclusions (an item the rep declined) are popped aside and put back.
 */
const firstWhere = <T extends HeapSlot>(heap: IndexedHeap<T>, ok: (t: T) => boolean): T | undefined => {
  const head = heap.peek()
  if (head === undefined || ok(head)) return head
  const aside: T[] = []
  let found: T | undefined
  for (let next = heap.pop(); next !== undefined; next = heap.pop()) {
    aside.push(next)
    if (ok(next)) {
      found = next
      break
    }
  }
  for (const t of aside) heap.push(t)
  return found
}
