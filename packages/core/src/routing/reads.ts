import { receivesNormalWork } from "./presence"
import type { ItemState, Membership, QueueState, RepState, RouterState, ServiceLevelTarget } from "./state"

export type { ServiceLevelTarget } from "./state"

/**
 * What other modules may read of routing's slice (issue 18, ARCHITECTURE rule 4): an item's
 * status, queue and age; a rep's presence, capacity and queues; a queue's settings, staffing and
 * wait. Read-only views of routing's own records: a module that wants routing to change something
 * asks it with a command (kernel `Ask`), so only routing's evolve ever writes them.
 */

/** A queue as others see it: its settings, its members and the waiting count. */
export interface QueueRead {
  readonly config: QueueState["config"]
  readonly members: ReadonlyMap<string, MembershipRead>
  readonly waiting: { readonly size: number }
  readonly handleTimes: readonly number[]
  readonly handleTimesSum: number
}

/** A rep's place in a queue, as others see it. */
export interface MembershipRead {
  readonly rep: RepRead
  readonly queue: QueueRead
  readonly units: Readonly<Membership["units"]>
}

/** A rep as others see it: presence, capacity per profile, queues. */
export interface RepRead {
  readonly repId: string
  readonly name: string
  readonly presenceId: string
  readonly base: RepState["base"]
  /** Issue 19: when the rep entered its presence; null when a restored older snapshot did not know. */
  readonly presenceSince: number | null
  readonly capacity: ReadonlyMap<string, { readonly total: number; readonly used: number }>
  readonly memberships: ReadonlyMap<string, MembershipRead>
  readonly membershipList: readonly MembershipRead[]
}

/** A work item as others see it: where it waits, since when, and who has it. */
export interface ItemRead {
  readonly itemId: string
  readonly status: ItemState["status"]
  readonly priority: number
  readonly arrivedAt: number
  readonly acceptedAt: number
  readonly attributes: ItemState["attributes"]
  readonly queue: QueueRead
  readonly assignedTo: RepRead | null
}

/** An offer ringing for a rep, as others see it. */
export interface OfferRead {
  readonly offerId: string
  readonly item: ItemRead
  readonly rep: RepRead
  readonly at: number
  readonly expiresAt: number
}

export const offerOf = (routing: RouterState, offerId: string): OfferRead | undefined =>
  routing.offers.get(offerId)
export const itemOf = (routing: RouterState, itemId: string): ItemRead | undefined =>
  routing.items.get(itemId)
export const hasItem = (routing: RouterState, itemId: string): boolean => routing.items.has(itemId)
export const repOf = (routing: RouterState, repId: string): RepRead | undefined => routing.reps.get(repId)
export const hasRep = (routing: RouterState, repId: string): boolean => routing.reps.has(repId)
export const queueOf = (routing: RouterState, queueId: string): QueueRead | undefined =>
  routing.queues.get(queueId)
export const hasQueue = (routing: RouterState, queueId: string): boolean => routing.queues.has(queueId)
export const hasWorkstream = (routing: RouterState, workstreamId: string): boolean =>
  routing.workstreams.has(workstreamId)

/** Issue 19: a queue's goal when no admin set one: the usual 80 % of calls answered within 20 s. */
export const DEFAULT_SERVICE_LEVEL_TARGET: ServiceLevelTarget = { share: 0.8, thresholdMs: 20_000 }

/** Issue 19: the queue's own service-level goal, or the default; undefined for an unknown queue. */
export const serviceLevelTargetOf = (
  routing: RouterState,
  queueId: string,
): ServiceLevelTarget | undefined => {
  const queue = routing.queues.get(queueId)
  return queue === undefined ? undefined : (queue.serviceLevelTarget ?? DEFAULT_SERVICE_LEVEL_TARGET)
}

/** The item an open offer is for; undefined when the offer is gone. */
export const offeredItemId = (routing: RouterState, offerId: string): string | undefined =>
  routing.offers.get(offerId)?.item.itemId

/** A rep's routed work as others see it: offered to it (ringing since the offer) or accepted. */
export interface RepWorkRead {
  readonly item: ItemRead
  readonly status: "ringing" | "assigned"
  readonly since: number
}

/** Every rep's ringing and accepted work, by rep id, in one pass (issue 19: the supervisor's reps). */
export const workByRep = (routing: RouterState): ReadonlyMap<string, readonly RepWorkRead[]> => {
  const byRep = new Map<string, RepWorkRead[]>()
  const add = (repId: string, work: RepWorkRead) => {
    const list = byRep.get(repId)
    if (list === undefined) byRep.set(repId, [work])
    else list.push(work)
  }
  for (const offer of routing.offers.values())
    add(offer.rep.repId, { item: offer.item, status: "ringing", since: offer.at })
  for (const item of routing.items.values())
    if (item.assignedTo !== null)
      add(item.assignedTo.repId, { item, status: "assigned", since: item.acceptedAt })
  return byRep
}

/**
 * W1 (issue 19): why `repId` cannot be offered `item` now, in words, or undefined when it can:
 * the rep must exist, serve some queue, have a presence that takes work (R1) and the item's
 * units free in its queue's profile (R2). Routing's `OfferItemTo` refuses with it, and the calls
 * module checks it before a transfer to a rep, so the transfer is refused before anything changes.
 */
export const whyRepCannotTake = (routing: RouterState, item: ItemRead, repId: string): string | undefined => {
  const rep = routing.reps.get(repId)
  if (rep === undefined) return `there is no rep '${repId}'`
  if (rep.memberships.size === 0) return `rep '${repId}' serves no queue`
  if (!receivesNormalWork(rep.base)) {
    const presence = routing.presences.get(rep.presenceId)?.label ?? rep.presenceId
    return `rep '${repId}' is ${presence} and takes no work now`
  }
  const { profile, units } = item.queue.config
  const capacity = rep.capacity.get(profile)
  if (capacity === undefined) return `rep '${repId}' has no ${profile} capacity`
  if (capacity.total - capacity.used < units)
    return `rep '${repId}' has no ${profile} capacity free (${capacity.used} of ${capacity.total} in use)`
  return undefined
}
