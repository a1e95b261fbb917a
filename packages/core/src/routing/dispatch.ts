import { issuedId } from "../ids"
import type { EventOf, RoutingEvent } from "./events"
import { applyOffer } from "./evolve"
import { passesOver } from "./refusals"
import {
  type ItemState,
  isOfferable,
  itemBefore,
  type Membership,
  memberOrder,
  type QueueState,
  type RepState,
  type RouterState,
  settle,
} from "./state"

/**
 * The assignment decisions (R3, R4). After every change the router restores one invariant:
 * no waiting item and offerable rep of the same queue are left apart, unless the rep is passed
 * over for that item (refusals.ts). Each offer is applied at once, so the next decision sees the
 * capacity the previous one used.
 */

/**
 * Offer a waiting item to the best rep its queue's assignment method picks. `skipRepId` is the
 * rep who just refused it: that rep is served next by `fillRep`, in service order.
 */
export const fillItem = (
  state: RouterState,
  item: ItemState,
  now: number,
  out: RoutingEvent[],
  skipRepId?: string,
): void => {
  if (item.status !== "waiting") return
  settle(state)
  const m = firstWhere(item.queue.offerable, (c) => c.rep.repId !== skipRepId && !passesOver(item, c.rep))
  if (m !== undefined) offer(state, item, m.rep, now, out, m)
}

/**
 * Offer a rep the best items it can take: queue priority first, then effective priority and age
 * (R3, B4); repeat while capacity remains.
 */
export const fillRep = (state: RouterState, rep: RepState, now: number, out: RoutingEvent[]): void => {
  for (;;) {
    let best: ItemState | undefined
    let from: Membership | undefined
    const list = rep.membershipList
    for (let i = 0; i < list.length; i++) {
      const m = list[i] as Membership
      if (!isOfferable(m)) continue
      const head = m.queue.waiting.peek()
      const candidate =
        head === undefined || !passesOver(head, rep)
          ? head
          : firstWhere(m.queue.waiting, (item) => !passesOver(item, rep))
      if (candidate !== undefined && (best === undefined || servedBefore(candidate, best, now))) {
        best = candidate
        from = m
      }
    }
    if (best === undefined) return
    offer(state, best, rep, now, out, from)
  }
}

/**
 * After who may take a queue's refused items changed, let its free members pick again, best
 * member first by the queue's assignment method, each taking its best items in service order.
 */
export const refillRefused = (
  state: RouterState,
  queue: QueueState,
  now: number,
  out: RoutingEvent[],
): void => {
  if (queue.refused.size === 0) return
  settle(state)
  const before = memberOrder(queue.config)
  const free = [...queue.offerable.unordered()].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
  for (const m of free) fillRep(state, m.rep, now, out)
}

/**
 * Across a rep's queues: higher queue priority first, then higher effective priority at `now`,
 * then older. Queues that age alike compare by their fixed keys; otherwise the effective
 * priorities are compared at `now` (exactly, when floating point cannot tell them apart).
 */
export const servedBefore = (a: ItemState, b: ItemState, now: number): boolean => {
  const qa = a.queue.config
  const qb = b.queue.config
  if (qa.priority !== qb.priority) return qa.priority > qb.priority
  if (qa.agingStepMs === qb.agingStepMs) return itemBefore(a, b)
  const order = compareEffective(a, qa.agingStepMs, b, qb.agingStepMs, now)
  if (order !== 0) return order > 0
  return a.arrivedAt !== b.arrivedAt ? a.arrivedAt < b.arrivedAt : a.seq < b.seq
}

/** Sign of effective(a) − effective(b) at `now`; see aging.ts for the definition. */
const compareEffective = (
  a: ItemState,
  stepA: number | null,
  b: ItemState,
  stepB: number | null,
  now: number,
): number => {
  // effective = (priority × step + waited) / step, with step 1 and no waiting term without aging.
  const [na, da] = stepA === null ? [a.priority, 1] : [a.priority * stepA + (now - a.arrivedAt), stepA]
  const [nb, db] = stepB === null ? [b.priority, 1] : [b.priority * stepB + (now - b.arrivedAt), stepB]
  const diff = na / da - nb / db
  if (Math.abs(diff) > 1e-6) return Math.sign(diff)
  const exact = BigInt(na) * BigInt(db) - BigInt(nb) * BigInt(da)
  return exact > 0n ? 1 : exact < 0n ? -1 : 0
}

/** R4: the item's next offer to `repId`, numbered by its offers so far, ringing for its queue's timeout. */
export const offerMade = (item: ItemState, repId: string, now: number): EventOf<"OfferMade"> => ({
  _tag: "OfferMade",
  offerId: issuedId(item.itemId, item.offers + 1),
  itemId: item.itemId,
  repId,
  at: now,
  expiresAt: now + item.queue.config.offerTimeoutMs,
})

const offer = (
  state: RouterState,
  item: ItemState,
  rep: RepState,
  now: number,
  out: RoutingEvent[],
  membership?: Membership,
): void => {
  const event = offerMade(item, rep.repId, now)
  out.push(event)
  applyOffer(state, event, item, rep, membership)
}

/**
 * The first element in heap order that passes `ok`. The head passes almost always; the rare
 * passed-over ones are popped aside and put back.
 */
interface Heap<T> {
  peek(): T | undefined
  pop(): T | undefined
  push(t: T): void
}

const firstWhere = <T>(heap: Heap<T>, ok: (t: T) => boolean): T | undefined => {
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
