import fc from "fast-check"
import { describe, it } from "vitest"
import { effectivePriority } from "./aging"
import type { RoutingEvent } from "./events"
import { replay } from "./router"
import {
  fingerprint,
  type Step,
  simulate,
  stepsArb,
  type Universe,
  uniformAgingUniverseArb,
  universeArb,
  type Watch,
  type World,
} from "./router.property.test-kit"
import { emptyState, type ItemState, type QueueState, type RepState, type RouterState } from "./state"

/**
 * The router's invariants over random command sequences (R2-R4, B4, N1, N3). Every check
 * recomputes what it needs from the plain state (items, offers, presences), not from the heaps
 * and caches the dispatcher keeps.
 */

const RUNS = { numRuns: 300 }

interface CheckOptions {
  readonly universe?: fc.Arbitrary<Universe>
  /** Sign every rep out at the end and let every offer run out. */
  readonly drain?: boolean
  /** A last look at the world once the steps (and the drain) are done. */
  readonly after?: (world: World) => void
}

const check = (watch: () => Watch, options: CheckOptions = {}) =>
  fc.assert(
    fc.property(options.universe ?? universeArb, stepsArb, (u: Universe, steps: readonly Step[]) => {
      const world = simulate(u, steps, watch(), options.drain)
      options.after?.(world)
    }),
    RUNS,
  )

const fail = (message: string, detail?: unknown): never => {
  throw new Error(detail === undefined ? message : `${message}: ${JSON.stringify(detail)}`)
}

/** R1: only `available` and `busy` receive normal work. */
const receivesWork = (s: RouterState, rep: RepState): boolean => {
  const base = s.presences.get(rep.presenceId)?.base
  return base === "available" || base === "busy"
}

/** R2: units in use per rep and profile, from the pending offers and the assigned items. */
const unitsInUse = (s: RouterState): Map<string, number> => {
  const used = new Map<string, number>()
  const add = (repId: string, item: ItemState) => {
    const key = `${repId}/${item.queue.config.profile}`
    used.set(key, (used.get(key) ?? 0) + item.queue.config.units)
  }
  for (const o of s.offers.values()) add(o.rep.repId, o.item)
  for (const i of s.items.values()) if (i.status === "assigned" && i.assignedTo) add(i.assignedTo.repId, i)
  return used
}

/** Could the rep take one more item of this queue right now (R1, R2)? */
const canTake = (s: RouterState, used: Map<string, number>, rep: RepState, queue: QueueState): boolean => {
  const { profile, units } = queue.config
  const total = rep.capacity.get(profile)?.total ?? 0
  return receivesWork(s, rep) && total - (used.get(`${rep.repId}/${profile}`) ?? 0) >= units
}

/**
 * R4 as documented in docs/routing.md: a rep who refused the item this round is passed over
 * while another member who has not refused it is staffed (its presence receives work).
 */
const passedOver = (s: RouterState, item: ItemState, repId: string): boolean =>
  item.excluded.includes(repId) &&
  [...item.queue.members.keys()].some((id) => {
    const other = s.reps.get(id)
    return other !== undefined && !item.excluded.includes(id) && receivesWork(s, other)
  })

/** Members who could take the item now; `skip` says whom to leave out. */
const eligibleReps = (
  s: RouterState,
  used: Map<string, number>,
  item: ItemState,
  skip: (repId: string) => boolean,
) =>
  [...item.queue.members.keys()].filter((repId) => {
    const rep = s.reps.get(repId)
    return rep !== undefined && !skip(repId) && canTake(s, used, rep, item.queue)
  })

const checkCapacity = (s: RouterState) => {
  const used = unitsInUse(s)
  for (const rep of s.reps.values()) {
    for (const [profile, c] of rep.capacity) {
      const expected = used.get(`${rep.repId}/${profile}`) ?? 0
      if (c.used < 0 || c.used > c.total) fail(`R2 ${rep.repId} uses ${c.used} of ${c.total} ${profile}`)
      if (c.used !== expected) fail(`R2 ${rep.repId} counts ${c.used} ${profile} units, holds ${expected}`)
    }
  }
}

const checkOneOfferPerItem = (s: RouterState) => {
  const pending = new Map<string, number>()
  for (const o of s.offers.values()) pending.set(o.item.itemId, (pending.get(o.item.itemId) ?? 0) + 1)
  for (const item of s.items.values()) {
    const count = pending.get(item.itemId) ?? 0
    const expected = item.status === "offered" ? 1 : 0
    if (count !== expected) fail(`R4 ${item.itemId} is ${item.status} with ${count} pending offers`)
    if (item.status === "offered" && item.offer?.item !== item) fail(`R4 ${item.itemId} lost its offer`)
  }
}

/** B4 effective priority as an exact fraction (numerator, denominator) at `now`. */
const effective = (item: ItemState, now: number): [number, number] => {
  const step = item.queue.config.agingStepMs
  return step === null ? [item.priority, 1] : [item.priority * step + (now - item.arrivedAt), step]
}

/**
 * R3, B4, written out: queue priority first, then the higher effective priority, then the older
 * item, then the one queued first.
 */
const servedFirst = (a: ItemState, b: ItemState, now: number, order: Map<string, number>): boolean => {
  const qa = a.queue.config.priority
  const qb = b.queue.config.priority
  if (qa !== qb) return qa > qb
  const [na, da] = effective(a, now)
  const [nb, db] = effective(b, now)
  if (na * db !== nb * da) return na * db > nb * da
  if (a.arrivedAt !== b.arrivedAt) return a.arrivedAt < b.arrivedAt
  return (order.get(a.itemId) ?? 0) < (order.get(b.itemId) ?? 0)
}

const checkAgingFormula = (item: ItemState, now: number) => {
  const [num, den] = effective(item, now)
  const published = effectivePriority(item.priority, item.arrivedAt, item.queue.config.agingStepMs, now)
  if (Math.abs(published - num / den) > 1e-9) fail(`B4 effective priority of ${item.itemId}`, { published })
}

/** R3/B4: the item offered is the best waiting item the rep may take at that moment. */
const serviceOrder = (): Watch => {
  const order = new Map<string, number>()
  return {
    beforeEvent(s, e) {
      if (e._tag === "ItemQueued") order.set(e.itemId, order.size)
      // W1: an offer to a named rep (`OfferItemTo`) is the caller's choice, not R3's.
      if (e._tag !== "OfferMade" || e.directed) return
      const offered = s.items.get(e.itemId)
      const rep = s.reps.get(e.repId)
      if (offered === undefined || rep === undefined) return fail("R4 offer names an unknown item or rep", e)
      const used = unitsInUse(s)
      const candidates = [...s.items.values()].filter(
        (i) =>
          i.status === "waiting" &&
          i.queue.members.has(rep.repId) &&
          !passedOver(s, i, rep.repId) &&
          canTake(s, used, rep, i.queue),
      )
      if (!candidates.includes(offered)) fail(`R3 ${e.itemId} offered to ${e.repId}, who may not take it`, e)
      for (const c of candidates) checkAgingFormula(c, e.at)
      const better = candidates.find((c) => servedFirst(c, offered, e.at, order))
      if (better !== undefined) {
        fail(`R3/B4 ${e.repId} was offered ${e.itemId} while ${better.itemId} comes first`, {
          at: e.at,
          offered: describeItem(offered, e.at),
          better: describeItem(better, e.at),
        })
      }
    },
  }
}

const describeItem = (i: ItemState, now: number) => ({
  item: i.itemId,
  queue: i.queue.config.queueId,
  queuePriority: i.queue.config.priority,
  agingStepMs: i.queue.config.agingStepMs,
  priority: i.priority,
  arrivedAt: i.arrivedAt,
  effective: effectivePriority(i.priority, i.arrivedAt, i.queue.config.agingStepMs, now),
})

/** The dispatcher's invariant: no waiting item beside a member who could take it. */
const checkWorkConservation = (s: RouterState) => {
  const used = unitsInUse(s)
  for (const item of s.items.values()) {
    if (item.status !== "waiting") continue
    const idle = eligibleReps(s, used, item, (id) => passedOver(s, item, id))
    if (idle.length > 0) fail(`R4 ${item.itemId} waits while ${idle.join(", ")} could take it`)
  }
}

/**
 * R4 "once everyone in the queue has had a turn, a new round may start with anyone": an item
 * whose every current member has refused it must not wait beside one of them who could take it.
 */
const checkNotStranded = (s: RouterState) => {
  const used = unitsInUse(s)
  for (const item of s.items.values()) {
    if (item.status !== "waiting" || item.queue.members.size === 0) continue
    const members = [...item.queue.members.keys()]
    if (!members.every((id) => item.excluded.includes(id))) continue
    const idle = eligibleReps(s, used, item, () => false)
    if (idle.length > 0) {
      fail(`R4 ${item.itemId} is stranded: every member refused it, ${idle.join(", ")} could take it`, {
        members,
        excluded: item.excluded,
      })
    }
  }
}

/**
 * R4 from the log: one pending offer per item, never offered while a rep has it, accepted once per
 * stint with a rep (a rep who holds the item hands it back, B1, and it may be offered again).
 */
const noDoubleAssignment = (): Watch => {
  const open = new Map<string, string>()
  const accepted = new Set<string>()
  return {
    beforeEvent(_s, e) {
      if (e._tag === "ItemHeld") accepted.delete(e.itemId)
      if (e._tag === "OfferMade") {
        if (open.has(e.itemId)) fail(`R4 ${e.itemId} offered while ${open.get(e.itemId)} is pending`)
        if (accepted.has(e.itemId)) fail(`R4 ${e.itemId} offered after it was accepted`)
        open.set(e.itemId, e.offerId)
      } else if (isResolution(e)) {
        if (open.get(e.itemId) !== e.offerId) fail(`R4 ${e.offerId} resolved but not pending`, e)
        open.delete(e.itemId)
        if (e._tag === "OfferAccepted") {
          if (accepted.has(e.itemId)) fail(`R4 ${e.itemId} accepted twice`)
          accepted.add(e.itemId)
        }
      }
    },
    afterCommand: checkOneOfferPerItem,
    afterStep: (h) => checkOneOfferPerItem(h.state),
  }
}

type Resolution = Extract<
  RoutingEvent,
  { _tag: "OfferAccepted" | "OfferDeclined" | "OfferExpired" | "OfferWithdrawn" }
>
const isResolution = (e: RoutingEvent): e is Resolution =>
  e._tag === "OfferAccepted" ||
  e._tag === "OfferDeclined" ||
  e._tag === "OfferExpired" ||
  e._tag === "OfferWithdrawn"

/**
 * Who refused each item, tracked apart from the router's own list: `since` counts every refusal
 * since the item was queued or requeued; `round` drops them once every current member of the
 * queue has refused (R4: then a new round may start with anyone), also when members change.
 */
const refusalModel = () => {
  const since = new Map<string, Set<string>>()
  const round = new Map<string, Set<string>>()
  const closeRound = (itemId: string, members: readonly string[]) => {
    const refused = round.get(itemId)
    if (refused && members.length > 0 && members.every((id) => refused.has(id))) refused.clear()
  }
  return {
    since: (itemId: string) => since.get(itemId) ?? new Set<string>(),
    round: (itemId: string) => new Set(round.get(itemId)),
    /** Call with each event before the state applies it. */
    see(s: RouterState, e: RoutingEvent) {
      if (
        e._tag === "ItemQueued" ||
        e._tag === "ItemRequeued" ||
        e._tag === "ItemHeld" ||
        e._tag === "ItemTransferred"
      ) {
        since.set(e.itemId, new Set())
        round.set(e.itemId, new Set())
      } else if (e._tag === "OfferDeclined" || e._tag === "OfferExpired") {
        since.get(e.itemId)?.add(e.repId)
        round.get(e.itemId)?.add(e.repId)
        closeRound(e.itemId, [...(s.items.get(e.itemId)?.queue.members.keys() ?? [])])
      } else if (e._tag === "QueueMemberAdded" || e._tag === "QueueMemberRemoved") {
        const members = new Set(s.queues.get(e.queueId)?.members.keys())
        if (e._tag === "QueueMemberAdded") members.add(e.repId)
        else members.delete(e.repId)
        for (const item of s.items.values()) {
          if (item.queue.config.queueId === e.queueId) closeRound(item.itemId, [...members])
        }
      }
    },
  }
}

/**
 * R4 someone else first: after a decline or an expiry, while a member who has not refused the
 * item in this round could take it, the item goes next to one who has not.
 */
const someoneElseFirst = (): Watch => {
  const model = refusalModel()
  const refusals: { itemId: string; repId: string; avoid: Set<string> }[] = []
  const mustAvoid = new Map<string, { repId: string; avoid: Set<string>; free: string[] }>()
  return {
    beforeEvent(s, e) {
      if (e._tag === "OfferDeclined" || e._tag === "OfferExpired") {
        refusals.push({ itemId: e.itemId, repId: e.repId, avoid: model.round(e.itemId).add(e.repId) })
      } else if (e._tag === "OfferMade" && !e.directed) {
        const rule = mustAvoid.get(e.itemId)
        if (rule?.avoid.has(e.repId)) {
          const refused = [...rule.avoid]
          fail(
            `R4 ${e.itemId} went to ${e.repId} after ${rule.repId} refused it, though ${rule.free} could take it`,
            {
              refused,
            },
          )
        }
      }
      if (e._tag !== "OfferDeclined" && e._tag !== "OfferExpired" && "itemId" in e) mustAvoid.delete(e.itemId)
      model.see(s, e)
    },
    afterDecided(s) {
      const used = unitsInUse(s)
      for (const { itemId, repId, avoid } of refusals) {
        const item = s.items.get(itemId)
        if (item?.status !== "waiting") continue
        const free = eligibleReps(s, used, item, (id) => avoid.has(id))
        if (free.length > 0) mustAvoid.set(itemId, { repId, avoid, free })
      }
      refusals.length = 0
    },
    afterCommand(s) {
      // The router may forget a refusal (a new round); it may not hold one that never happened.
      for (const item of s.items.values()) {
        const stale = item.excluded.find((id) => !model.since(item.itemId).has(id))
        if (stale !== undefined) fail(`R4 ${item.itemId} excludes ${stale}, who has not refused it`)
      }
    },
  }
}

/** R4: declines and expiries since the item was queued or requeued, against the decline limit. */
const escalationAtLimit = (): Watch => {
  const refusals = new Map<string, number>()
  return {
    afterDecided(s, decided) {
      for (const e of decided) {
        if (
          e._tag === "ItemQueued" ||
          e._tag === "ItemRequeued" ||
          e._tag === "ItemHeld" ||
          e._tag === "ItemTransferred"
        )
          refusals.set(e.itemId, 0)
        if (e._tag !== "OfferDeclined" && e._tag !== "OfferExpired") continue
        const count = (refusals.get(e.itemId) ?? 0) + 1
        refusals.set(e.itemId, count)
        const limit = s.items.get(e.itemId)?.queue.config.declineLimit ?? 0
        const escalated = decided.some((x) => x._tag === "ItemEscalated" && x.itemId === e.itemId)
        if (escalated !== count >= limit) {
          fail(
            `R4 ${e.itemId} refused ${count} times (limit ${limit}) and ${escalated ? "" : "not "}escalated`,
          )
        }
      }
    },
  }
}

/** R4: every OfferMade has exactly one resolution, and nothing names the offer after it. */
const checkResolutions = (log: readonly RoutingEvent[]) => {
  const seen = new Map<string, { made: number; resolved: number; last: string }>()
  for (const e of log) {
    if (!("offerId" in e)) continue
    const entry = seen.get(e.offerId) ?? { made: 0, resolved: 0, last: "" }
    if (entry.resolved > 0) fail(`R4 ${e._tag} after ${e.offerId} was resolved by ${entry.last}`)
    if (e._tag === "OfferMade") entry.made += 1
    if (isResolution(e)) entry.resolved += 1
    entry.last = e._tag
    seen.set(e.offerId, entry)
  }
  for (const [offerId, { made, resolved }] of seen) {
    if (made !== 1 || resolved !== 1) fail(`R4 ${offerId} made ${made} times, resolved ${resolved} times`)
  }
}

describe("routing invariants over random command sequences", () => {
  it("R2/R4 no rep is ever above capacity, and its used units are its offers and assignments (property)", () => {
    check(() => ({ afterCommand: checkCapacity, afterStep: (h) => checkCapacity(h.state) }))
  })

  it("R4 no item is offered twice at once or assigned twice (property)", () => {
    check(noDoubleAssignment)
  })

  it("R3/B4 each offer is the best waiting item its rep may take: queue priority, effective priority, age (property)", () => {
    check(serviceOrder)
  })

  it("R3/B4 each offer is the best waiting item its rep may take, when all queues age alike (property)", () => {
    check(serviceOrder, { universe: uniformAgingUniverseArb })
  })

  it("R4 work conservation: no waiting item is left beside a member who could take it (property)", () => {
    check(() => ({ afterCommand: checkWorkConservation, afterStep: (h) => checkWorkConservation(h.state) }))
  })

  it("R4 a waiting item is never stranded once every current member has refused it (property)", () => {
    check(() => ({ afterCommand: checkNotStranded, afterStep: (h) => checkNotStranded(h.state) }))
  })

  it("R4 every offer resolves exactly once: accepted, declined, expired or withdrawn (property)", () => {
    check(
      () => ({
        afterStep(h) {
          // The harness fires every due expiry, so no offer outlives its deadline.
          for (const o of h.state.offers.values()) if (o.expiresAt <= h.now) fail(`R4 ${o.offerId} overdue`)
        },
      }),
      {
        drain: true,
        after({ h }) {
          if (h.state.offers.size > 0) fail("R4 offers still pending after every rep signed out")
          checkResolutions(h.log)
        },
      },
    )
  })

  it("R4 an item is escalated exactly when its refusals reach the queue's decline limit (property)", () => {
    check(escalationAtLimit)
  })

  it("R4 a declined or expired item goes first to a free rep who has not refused it this round (property)", () => {
    check(someoneElseFirst)
  })

  it("N1 replaying the event log rebuilds the live state exactly (property)", () => {
    check(
      () => ({
        afterStep(live, shadow) {
          if (fingerprint(shadow) !== fingerprint(live.state)) fail("N1 replayed state differs from live")
        },
      }),
      {
        after({ h }) {
          if (fingerprint(replay(emptyState(), h.log)) !== fingerprint(h.state))
            fail("N1 full replay differs")
        },
      },
    )
  })

  it("N3 a command the model knows is invalid is rejected with its error and changes nothing (property)", () => {
    check(() => ({
      afterRejected(r) {
        if (r.error._tag !== r.expected) fail(`N3 expected ${r.expected}, got ${r.error._tag}`, r.command)
        if (r.before !== r.after || r.logGrew) fail("N3 a rejected command changed the state", r.command)
      },
    }))
  })
})
