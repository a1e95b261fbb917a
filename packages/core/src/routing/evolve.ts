import { serviceKey } from "./aging"
import type { EventOf, RoutingEvent } from "./events"
import { NOT_IN_HEAP } from "./heap"
import { receivesNormalWork } from "./presence"
import { clearRefusals, NO_REFUSALS, refuse } from "./refusals"
import {
  HANDLE_TIME_WINDOW,
  type ItemState,
  type Membership,
  newQueueState,
  type OfferState,
  type QueueState,
  type RepState,
  type RouterState,
  unsettle,
} from "./state"

/**
 * Apply one event to the state. Events are facts already decided, so nothing here validates;
 * replaying a stream of events through `evolve` rebuilds the exact state that produced them.
 */
export const evolve = (state: RouterState, event: RoutingEvent): void => {
  switch (event._tag) {
    case "PresenceDefined":
      state.presences.set(event.presenceId, {
        presenceId: event.presenceId,
        label: event.label,
        base: event.base,
      })
      return
    case "RepRegistered": {
      const capacity = new Map<string, { total: number; used: number }>()
      for (const [profile, total] of Object.entries(event.capacity)) {
        capacity.set(profile, { total, used: 0 })
      }
      state.reps.set(event.repId, {
        repId: event.repId,
        name: event.name,
        presenceId: event.presenceId,
        base: basePresence(state, event.presenceId),
        presenceSince: event.at,
        capacity,
        memberships: new Map(),
        membershipList: [],
        idleSince: event.at,
        lastOfferSeq: 0,
      })
      return
    }
    case "PresenceChanged": {
      const rep = repOf(state, event.repId)
      const before = receivesNormalWork(rep.base)
      rep.presenceId = event.to
      rep.base = basePresence(state, event.to)
      rep.presenceSince = event.at
      if (!before && receivesNormalWork(rep.base)) rep.idleSince = event.at
      unsettle(state, rep)
      return
    }
    case "QueueCreated": {
      const { _tag, members, at, actor, ...config } = event
      const queue = newQueueState(config)
      state.queues.set(config.queueId, queue)
      for (const repId of members) addMember(state, queue, repOf(state, repId))
      return
    }
    case "RepCapacitySet":
      setCapacity(state, repOf(state, event.repId), event.capacity)
      return
    case "QueueMemberAdded":
      addMember(state, queueOf(state, event.queueId), repOf(state, event.repId))
      return
    case "QueueMemberRemoved": {
      const queue = queueOf(state, event.queueId)
      const m = queue.members.get(event.repId)
      if (m === undefined) return
      if (m.heapIndex !== NOT_IN_HEAP) queue.offerable.remove(m)
      queue.members.delete(event.repId)
      m.rep.memberships.delete(event.queueId)
      m.rep.membershipList.splice(m.rep.membershipList.indexOf(m), 1)
      return
    }
    case "QueueServiceLevelTargetSet":
      queueOf(state, event.queueId).serviceLevelTarget = {
        share: event.share,
        thresholdMs: event.thresholdMs,
      }
      return
    case "WorkstreamDefined": {
      const { _tag, at, actor, ...workstream } = event
      state.workstreams.set(workstream.workstreamId, workstream)
      return
    }
    case "ItemQueued": {
      const queue = queueOf(state, event.queueId)
      const item = newItem(queue, event, ++state.counters.arrivals, 0)
      state.items.set(item.itemId, item)
      queue.waiting.push(item)
      return
    }
    case "OfferMade":
      applyOffer(state, event, itemOf(state, event.itemId), repOf(state, event.repId))
      return
    case "OfferAccepted": {
      const { item, rep } = closeOffer(state, event.offerId)
      item.status = "assigned"
      item.assignedTo = rep
      item.acceptedAt = event.at
      return
    }
    case "OfferDeclined":
    case "OfferExpired": {
      const { item, rep } = closeOffer(state, event.offerId)
      releaseUnits(state, rep, item.queue, event.at)
      item.declines += 1
      refuse(item, event.repId)
      item.status = "waiting"
      item.queue.waiting.push(item)
      return
    }
    case "OfferWithdrawn": {
      const { item, rep } = closeOffer(state, event.offerId)
      releaseUnits(state, rep, item.queue, event.at)
      return
    }
    case "ItemEscalated": {
      const item = itemOf(state, event.itemId)
      item.queue.waiting.remove(item)
      item.status = "escalated"
      return
    }
    case "ItemRequeued": {
      const item = itemOf(state, event.itemId)
      item.status = "waiting"
      item.declines = 0
      clearRefusals(item)
      item.queue.waiting.push(item)
      return
    }
    case "WorkCompleted": {
      const item = itemOf(state, event.itemId)
      releaseUnits(state, item.assignedTo ?? repOf(state, event.repId), item.queue, event.at)
      recordHandleTime(item.queue, event.handleMs)
      clearRefusals(item)
      state.items.delete(event.itemId)
      return
    }
    case "ItemAbandoned": {
      const item = itemOf(state, event.itemId)
      item.queue.waiting.remove(item)
      clearRefusals(item)
      state.items.delete(event.itemId)
      return
    }
    case "ItemClosed": {
      const item = itemOf(state, event.itemId)
      item.queue.waiting.remove(item)
      if (item.status === "assigned") {
        releaseUnits(state, item.assignedTo ?? repOf(state, event.repId ?? ""), item.queue, event.at)
      }
      clearRefusals(item)
      state.items.delete(event.itemId)
      return
    }
    case "ItemHeld": {
      const item = itemOf(state, event.itemId)
      releaseUnits(state, item.assignedTo ?? repOf(state, event.repId), item.queue, event.at)
      item.status = "held"
      item.assignedTo = null
      // A new round when it comes back: nobody has refused it since a rep took it.
      item.declines = 0
      clearRefusals(item)
      return
    }
    case "ItemResumed": {
      const item = itemOf(state, event.itemId)
      item.status = "waiting"
      item.queue.waiting.push(item)
      return
    }
    case "ItemTransferred": {
      const old = itemOf(state, event.itemId)
      old.queue.waiting.remove(old)
      clearRefusals(old)
      const queue = queueOf(state, event.toQueueId)
      const item = newItem(queue, { ...old, at: old.arrivedAt }, old.seq, old.offers)
      state.items.set(item.itemId, item)
      queue.waiting.push(item)
      return
    }
  }
}

/**
 * A waiting item of `queue`. A transferred item keeps its arrival time, sequence number and
 * offer count (offer ids stay unique); its service key follows the new queue's aging (B4).
 */
const newItem = (
  queue: QueueState,
  from: { itemId: string; priority: number; at: number; attributes: ItemState["attributes"] },
  seq: number,
  offers: number,
): ItemState => {
  const key = serviceKey(from.priority, from.at, queue.config.agingStepMs)
  return {
    itemId: from.itemId,
    queue,
    priority: from.priority,
    arrivedAt: from.at,
    attributes: from.attributes,
    keyPrimary: key.primary,
    keySecondary: key.secondary,
    seq,
    status: "waiting",
    queued: false,
    queuedGen: 0,
    offers,
    declines: 0,
    excluded: NO_REFUSALS,
    offer: null,
    assignedTo: null,
    acceptedAt: 0,
  }
}

const basePresence = (state: RouterState, presenceId: string) => {
  const definition = state.presences.get(presenceId)
  if (definition === undefined) throw new Error(`event names unknown presence ${presenceId}`)
  return definition.base
}

const missing = (what: string, id: string): never => {
  throw new Error(`event names unknown ${what} ${id}`)
}
const repOf = (state: RouterState, id: string): RepState => state.reps.get(id) ?? missing("rep", id)
const queueOf = (state: RouterState, id: string): QueueState => state.queues.get(id) ?? missing("queue", id)
const itemOf = (state: RouterState, id: string): ItemState => state.items.get(id) ?? missing("item", id)

/** Totals change in place, so memberships keep sharing the same record; a new profile is linked. */
const setCapacity = (state: RouterState, rep: RepState, capacity: Readonly<Record<string, number>>): void => {
  for (const [profile, total] of Object.entries(capacity)) {
    const units = rep.capacity.get(profile)
    if (units !== undefined) {
      units.total = total
      continue
    }
    const created = { total, used: 0 }
    rep.capacity.set(profile, created)
    for (const m of rep.membershipList) {
      if (m.queue.config.profile === profile) (m as { units: Membership["units"] }).units = created
    }
  }
  unsettle(state, rep)
}

const addMember = (state: RouterState, queue: QueueState, rep: RepState): void => {
  if (queue.members.has(rep.repId)) return
  const m = {
    rep,
    queue,
    order: ++state.counters.members,
    lastOfferSeq: 0,
    heapIndex: NOT_IN_HEAP,
    units: rep.capacity.get(queue.config.profile),
  }
  queue.members.set(rep.repId, m)
  rep.memberships.set(queue.config.queueId, m)
  rep.membershipList.push(m)
  unsettle(state, rep)
}

const closeOffer = (state: RouterState, offerId: string): OfferState => {
  const offer = state.offers.get(offerId) ?? missing("offer", offerId)
  state.offers.delete(offerId)
  offer.item.offer = null
  return offer
}

/**
 * The OfferMade event, for callers that hold the item and rep already (the dispatcher applies
 * each offer the moment it decides it, so it skips the lookups).
 */
export const applyOffer = (
  state: RouterState,
  event: EventOf<"OfferMade">,
  item: ItemState,
  rep: RepState,
  membership: Membership | undefined = rep.memberships.get(item.queue.config.queueId),
): void => {
  const queue = item.queue
  queue.waiting.remove(item)
  const offer = { offerId: event.offerId, item, rep, at: event.at, expiresAt: event.expiresAt }
  item.status = "offered"
  item.offers += 1
  item.offer = offer
  state.offers.set(event.offerId, offer)
  const units = membership?.units ?? rep.capacity.get(queue.config.profile)
  if (units !== undefined) units.used += queue.config.units
  const seq = ++state.counters.offers
  rep.lastOfferSeq = seq
  if (membership !== undefined) membership.lastOfferSeq = seq
  unsettle(state, rep)
}

const releaseUnits = (state: RouterState, rep: RepState, queue: QueueState, at: number): void => {
  const c = rep.capacity.get(queue.config.profile)
  if (c !== undefined) c.used -= queue.config.units
  rep.idleSince = at
  unsettle(state, rep)
}

const recordHandleTime = (queue: QueueState, handleMs: number): void => {
  queue.handleTimesSum += handleMs - (queue.handleTimes[queue.handleTimesNext] ?? 0)
  queue.handleTimes[queue.handleTimesNext] = handleMs
  queue.handleTimesNext = (queue.handleTimesNext + 1) % HANDLE_TIME_WINDOW
}
