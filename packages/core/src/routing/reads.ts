import type { ItemState, Membership, QueueState, RepState, RouterState } from "./state"

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

/** The item an open offer is for; undefined when the offer is gone. */
export const offeredItemId = (routing: RouterState, offerId: string): string | undefined =>
  routing.offers.get(offerId)?.item.itemId
