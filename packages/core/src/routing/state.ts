import { IndexedHeap, NOT_IN_HEAP } from "./heap"
import {
  type BasePresence,
  basePresenceDefinitions,
  type PresenceDefinition,
  receivesNormalWork,
} from "./presence"
import type { QueueConfig } from "./queue"
import { WaitingQueue } from "./waiting-queue"
import type { Attributes, Workstream } from "./workstream"

/**
 * The routing state. `evolve` is its only writer: it mutates in place because the router must
 * make hundreds of thousands of decisions a second over 100,000 waiting items; `decide` and the
 * views only read it.
 */
export interface RouterState {
  readonly presences: Map<string, PresenceDefinition>
  readonly reps: Map<string, RepState>
  readonly queues: Map<string, QueueState>
  readonly workstreams: Map<string, Workstream>
  /** Items that are waiting, offered, assigned or escalated. Finished items leave. */
  readonly items: Map<string, ItemState>
  readonly offers: Map<string, OfferState>
  /** Ever-growing counters that make ties and round robin deterministic. */
  counters: { arrivals: number; offers: number; members: number }
  /**
   * Reps whose capacity, presence or tie-break keys changed since their queues' offerable heaps
   * were last brought up to date. `evolve` settles them at once unless `deferSettle` is set:
   * inside one command the router settles only when it needs the heaps, so a rep who frees a
   * unit and takes the next item at once never enters and leaves its queues' heaps.
   */
  readonly unsettled: Set<RepState>
  deferSettle: boolean
}

export interface RepState {
  readonly repId: string
  readonly name: string
  presenceId: string
  base: BasePresence
  /**
   * Issue 19: when the rep entered its current presence (the supervisor's time in state). Null
   * only for a rep restored from a snapshot taken before this was kept (schema version 3): such
   * a snapshot does not know it, and it is known again from the rep's next presence change.
   */
  presenceSince: number | null
  /** R2: total and used units per capacity profile. */
  readonly capacity: Map<string, { total: number; used: number }>
  readonly memberships: Map<string, Membership>
  /** The same memberships as an array, for the dispatcher's hot loop. */
  readonly membershipList: Membership[]
  /** When the rep last freed capacity or became able to take work (most idle). */
  idleSince: number
  /** Sequence number of the rep's latest offer (tie-breaks). */
  lastOfferSeq: number
}

/** A rep's place in one queue; sits in the queue's offerable heap while the rep can take work. */
export interface Membership {
  readonly rep: RepState
  readonly queue: QueueState
  /** Order of joining the queue (final tie-break). */
  readonly order: number
  /** The rep's units of the queue's profile (shared with the rep's capacity map). */
  readonly units: { total: number; used: number } | undefined
  /** Sequence number of the latest offer from this queue to this rep (round robin). */
  lastOfferSeq: number
  heapIndex: number
}

export interface QueueState {
  readonly config: QueueConfig
  readonly members: Map<string, Membership>
  readonly waiting: WaitingQueue<ItemState>
  readonly offerable: IndexedHeap<Membership>
  /** Items some rep refused in the current round (see refusals.ts); few at any time. */
  readonly refused: Set<ItemState>
  /** R5: the most recent handle times, a ring of HANDLE_TIME_WINDOW entries. */
  readonly handleTimes: number[]
  handleTimesNext: number
  /** The sum of `handleTimes`, kept as they change, so EWT needs no pass over the ring. */
  handleTimesSum: number
  /** Issue 19: the service-level goal an admin set; null keeps the default (reads.ts). */
  serviceLevelTarget: ServiceLevelTarget | null
}

/** Issue 19: a queue's service-level goal: this share (0 to 1) of calls answered within this time. */
export interface ServiceLevelTarget {
  readonly share: number
  readonly thresholdMs: number
}

/** `held`: out of distribution until resumed, keeping its age (B1 callback retry). */
export type ItemStatus = "waiting" | "offered" | "assigned" | "escalated" | "held"

export interface ItemState {
  readonly itemId: string
  readonly queue: QueueState
  readonly priority: number
  readonly arrivedAt: number
  readonly attributes: Attributes
  /** B4 service key (see aging.ts), fixed at arrival. */
  readonly keyPrimary: number
  readonly keySecondary: number
  readonly seq: number
  status: ItemStatus
  /** In its queue's waiting heap; the generation tells a live heap entry from a stale one. */
  queued: boolean
  queuedGen: number
  offers: number
  declines: number
  /** Reps who declined or let it expire in the current round (R4: someone else first). */
  excluded: readonly string[]
  offer: OfferState | null
  assignedTo: RepState | null
  acceptedAt: number
}

export interface OfferState {
  readonly offerId: string
  readonly item: ItemState
  readonly rep: RepState
  readonly at: number
  readonly expiresAt: number
}

export const HANDLE_TIME_WINDOW = 50

export const emptyState = (): RouterState => ({
  presences: basePresenceDefinitions(),
  reps: new Map(),
  queues: new Map(),
  workstreams: new Map(),
  items: new Map(),
  offers: new Map(),
  counters: { arrivals: 0, offers: 0, members: 0 },
  unsettled: new Set(),
  deferSettle: false,
})

/** Service order inside a queue: smaller key first, then earlier arrival (R3, B4). */
export const itemBefore = (a: ItemState, b: ItemState): boolean =>
  a.keyPrimary !== b.keyPrimary
    ? a.keyPrimary < b.keyPrimary
    : a.keySecondary !== b.keySecondary
      ? a.keySecondary < b.keySecondary
      : a.seq < b.seq

/** Can this member be offered this queue's next item right now (R1, R2)? */
export const isOfferable = (m: Membership): boolean =>
  receivesNormalWork(m.rep.base) &&
  m.units !== undefined &&
  m.units.total - m.units.used >= m.queue.config.units

const freeOf = (m: Membership): number => (m.units === undefined ? 0 : m.units.total - m.units.used)

const tieBreak = (a: Membership, b: Membership): boolean =>
  a.rep.lastOfferSeq !== b.rep.lastOfferSeq ? a.rep.lastOfferSeq < b.rep.lastOfferSeq : a.order < b.order

/** R3: the assignment methods as orders over a queue's offerable members. */
export const memberOrder = (config: QueueConfig): ((a: Membership, b: Membership) => boolean) => {
  switch (config.assignment) {
    case "highest_capacity":
      return (a, b) => {
        const fa = freeOf(a)
        const fb = freeOf(b)
        return fa !== fb ? fa > fb : tieBreak(a, b)
      }
    case "round_robin":
      return (a, b) =>
        a.lastOfferSeq !== b.lastOfferSeq ? a.lastOfferSeq < b.lastOfferSeq : a.order < b.order
    case "most_idle":
      return (a, b) =>
        a.rep.idleSince !== b.rep.idleSince ? a.rep.idleSince < b.rep.idleSince : tieBreak(a, b)
  }
}

export const newQueueState = (config: QueueConfig): QueueState => ({
  config,
  members: new Map(),
  waiting: new WaitingQueue<ItemState>(),
  offerable: new IndexedHeap(memberOrder(config)),
  refused: new Set(),
  handleTimes: [],
  handleTimesNext: 0,
  handleTimesSum: 0,
  serviceLevelTarget: null,
})

/** Put a membership where it belongs in its queue's offerable heap after the rep changed. */
export const syncMembership = (m: Membership): void => {
  const heap = m.queue.offerable
  const inHeap = m.heapIndex !== NOT_IN_HEAP
  if (isOfferable(m)) {
    if (inHeap) heap.update(m)
    else heap.push(m)
  } else if (inHeap) heap.remove(m)
}

export const syncRep = (rep: RepState): void => {
  const list = rep.membershipList
  for (let i = 0; i < list.length; i++) syncMembership(list[i] as Membership)
}

/** Note that a rep's place in its queues' heaps may have changed. */
export const unsettle = (state: RouterState, rep: RepState): void => {
  state.unsettled.add(rep)
  if (!state.deferSettle) settle(state)
}

/** Bring every changed rep's place in its queues' offerable heaps up to date. */
export const settle = (state: RouterState): void => {
  if (state.unsettled.size === 0) return
  for (const rep of state.unsettled) syncRep(rep)
  state.unsettled.clear()
}
