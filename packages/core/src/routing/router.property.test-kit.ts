import fc from "fast-check"
import type { RoutingCommand } from "./commands"
import type { RoutingError } from "./errors"
import type { RoutingEvent } from "./events"
import { evolve } from "./evolve"
import { NOT_IN_HEAP } from "./heap"
import { BASE_PRESENCES, type BasePresence } from "./presence"
import type { AssignmentMethod } from "./queue"
import { whyRepCannotTake } from "./reads"
import { emptyState, type ItemState, type RouterState } from "./state"
import { type RoutingHarness, routingHarness } from "./test-kit"

/**
 * Random routing worlds for the property tests: a small universe of reps and queues, then a
 * random walk of commands over it. Steps carry plain numbers that are resolved against the live
 * state when they run (an index into the pending offers, say), so fast-check shrinks them freely.
 */

const CUSTOM_PRESENCE = "training"
const PRESENCES: readonly string[] = [...BASE_PRESENCES, CUSTOM_PRESENCE]
/** Presences to pick from, leaning towards the ones that take work so offers keep flowing. */
const PRESENCE_PICKS: readonly string[] = ["available", "available", "busy", ...PRESENCES]

export interface RepSpec {
  readonly voice: number
  readonly presence: string
}

export interface QueueSpec {
  readonly priority: number
  readonly assignment: AssignmentMethod
  readonly declineLimit: number
  readonly agingStepMs: number | null
  readonly offerTimeoutMs: number
  readonly units: number
  readonly members: readonly boolean[]
}

export interface Universe {
  readonly reps: readonly RepSpec[]
  readonly queues: readonly QueueSpec[]
  readonly customBase: BasePresence
}

export type Step =
  | { readonly kind: "presence"; readonly rep: number; readonly presence: number }
  | { readonly kind: "enqueue"; readonly queue: number; readonly priority: number }
  | {
      readonly kind: "accept" | "decline" | "complete" | "abandon" | "requeue" | "hold" | "resume" | "close"
      readonly pick: number
    }
  | { readonly kind: "transfer"; readonly pick: number; readonly queue: number }
  /** W1: a waiting or held item offered to a named rep (`OfferItemTo`). */
  | { readonly kind: "offerTo"; readonly pick: number; readonly rep: number }
  | { readonly kind: "advance"; readonly ms: number }
  | { readonly kind: "join" | "leave"; readonly queue: number; readonly rep: number }
  | { readonly kind: "invalid"; readonly variant: number; readonly pick: number }
  | { readonly kind: "capacity"; readonly rep: number; readonly voice: number }

const MAX_REPS = 6

const queueArb: fc.Arbitrary<QueueSpec> = fc.record({
  priority: fc.integer({ min: 0, max: 2 }),
  assignment: fc.constantFrom<AssignmentMethod>("highest_capacity", "round_robin", "most_idle"),
  declineLimit: fc.integer({ min: 1, max: 4 }),
  agingStepMs: fc.constantFrom<number | null>(null, 1_000, 10_000, 60_000),
  offerTimeoutMs: fc.constantFrom(5_000, 20_000, 30_000),
  units: fc.oneof({ arbitrary: fc.constant(1), weight: 4 }, { arbitrary: fc.constant(2), weight: 1 }),
  members: fc.array(fc.boolean(), { minLength: MAX_REPS, maxLength: MAX_REPS }),
})

export const universeArb: fc.Arbitrary<Universe> = fc.record({
  reps: fc.array(
    fc.record({ voice: fc.integer({ min: 1, max: 3 }), presence: fc.constantFrom(...PRESENCE_PICKS) }),
    { minLength: 2, maxLength: MAX_REPS },
  ),
  queues: fc.array(queueArb, { minLength: 1, maxLength: 3 }),
  customBase: fc.constantFrom(...BASE_PRESENCES),
})

/** Every queue ages by the same rule, so item keys are comparable across queues. */
export const uniformAgingUniverseArb: fc.Arbitrary<Universe> = fc
  .tuple(universeArb, fc.constantFrom<number | null>(null, 1_000, 10_000, 60_000))
  .map(([u, agingStepMs]) => ({ ...u, queues: u.queues.map((q) => ({ ...q, agingStepMs })) }))

const n = fc.nat({ max: 999 })
const picked = (kind: Exclude<Picked, "invalid" | "transfer" | "offerTo">) =>
  fc.record({ kind: fc.constant(kind), pick: n })

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("presence" as const), rep: n, presence: n }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("enqueue" as const),
      queue: n,
      priority: fc.integer({ min: -3, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: picked("accept") },
  { weight: 2, arbitrary: picked("decline") },
  { weight: 2, arbitrary: picked("complete") },
  { weight: 1, arbitrary: picked("abandon") },
  { weight: 1, arbitrary: picked("requeue") },
  { weight: 1, arbitrary: picked("hold") },
  { weight: 1, arbitrary: picked("resume") },
  { weight: 1, arbitrary: picked("close") },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("transfer" as const), pick: n, queue: n }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("offerTo" as const), pick: n, rep: n }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.nat({ max: 60_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("join" as const), queue: n, rep: n }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("leave" as const), queue: n, rep: n }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("invalid" as const), variant: n, pick: n }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("capacity" as const),
      rep: n,
      voice: fc.integer({ min: 0, max: 3 }),
    }),
  },
)

export const stepsArb: fc.Arbitrary<readonly Step[]> = fc.array(stepArb, { maxLength: 80, size: "max" })

/** What a property watches while a world runs. The shadow is a state fed the log event by event. */
export interface Watch {
  /** Just before the shadow applies `event`: the shadow is the state at that moment. */
  beforeEvent?(shadow: RouterState, event: RoutingEvent): void
  /** A command's own events are applied; the offers the dispatcher makes follow. */
  afterDecided?(shadow: RouterState, decided: readonly RoutingEvent[]): void
  /** After every command, each expiry fired by `advance` included. */
  afterCommand?(shadow: RouterState): void
  /** After every step, with the live harness. */
  afterStep?(h: RoutingHarness, shadow: RouterState): void
  /** A command the model knows is invalid was rejected. */
  afterRejected?(rejected: Rejected): void
}

export interface Rejected {
  readonly command: RoutingCommand
  readonly error: RoutingError
  readonly expected: RoutingError["_tag"]
  readonly before: string
  readonly after: string
  readonly logGrew: boolean
}

export interface World {
  readonly h: RoutingHarness
  readonly shadow: RouterState
  /** The concrete commands, for failure messages. */
  readonly trace: string[]
}

const repId = (i: number) => `r${i}`
const queueId = (i: number) => `q${i}`

const setup = (u: Universe): RoutingCommand[] => [
  { _tag: "DefinePresence", presenceId: CUSTOM_PRESENCE, label: "Training", base: u.customBase },
  ...u.reps.map(
    (r, i): RoutingCommand => ({
      _tag: "RegisterRep",
      repId: repId(i),
      name: repId(i),
      presenceId: r.presence,
      capacity: { voice: r.voice },
    }),
  ),
  ...u.queues.map(
    (q, i): RoutingCommand => ({
      _tag: "CreateQueue",
      queueId: queueId(i),
      name: queueId(i),
      priority: q.priority,
      assignment: q.assignment,
      declineLimit: q.declineLimit,
      agingStepMs: q.agingStepMs,
      offerTimeoutMs: q.offerTimeoutMs,
      units: q.units,
      members: u.reps.map((_, r) => repId(r)).filter((_, r) => q.members[r]),
    }),
  ),
]

/**
 * A command starts a new group at each of its own events, except the ones `decide` only ever
 * emits second (an escalation after a refusal, an abandon after its withdrawn offer).
 */
const continuesCommand = (event: RoutingEvent, previous: RoutingEvent | undefined): boolean =>
  event._tag === "ItemEscalated" ||
  ((event._tag === "ItemAbandoned" || event._tag === "ItemClosed") && previous?._tag === "OfferWithdrawn")

/** Run a world: setup, the steps, and with `drain` every rep signs out and every offer runs out. */
export const simulate = (u: Universe, steps: readonly Step[], watch: Watch, drain = false): World => {
  const h = routingHarness()
  const world: World = { h, shadow: emptyState(), trace: [] }
  const feeder = shadowFeeder(world, watch)
  try {
    for (const command of setup(u)) {
      world.trace.push(`run ${JSON.stringify(command)}`)
      h.run(command)
      feeder()
    }
    const it = { nextItem: 0 }
    for (const step of steps) {
      interpret(world, u, step, watch, it)
      feeder()
      watch.afterStep?.(h, world.shadow)
    }
    if (drain) {
      for (let i = 0; i < u.reps.length; i++) {
        const command: RoutingCommand = { _tag: "SetPresence", repId: repId(i), presenceId: "offline" }
        world.trace.push(`run ${JSON.stringify(command)}`)
        h.run(command)
        feeder()
      }
      for (let round = 0; round < 20 && h.state.offers.size > 0; round++) {
        world.trace.push("advance 600000")
        h.advance(600_000)
        feeder()
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new Error(`${message}\n--- commands (t=${h.now}) ---\n${world.trace.join("\n")}`)
  }
  return world
}

const shadowFeeder = (world: World, watch: Watch) => {
  let fed = 0
  let decided: RoutingEvent[] = []
  let offering = false
  let open = false
  const close = () => {
    if (open && !offering) watch.afterDecided?.(world.shadow, decided)
    if (open) watch.afterCommand?.(world.shadow)
    decided = []
    offering = false
    open = false
  }
  return () => {
    const log = world.h.log
    for (; fed < log.length; fed++) {
      const event = log[fed] as RoutingEvent
      if (event._tag === "OfferMade") {
        if (open && !offering) watch.afterDecided?.(world.shadow, decided)
        offering = true
        open = true
      } else {
        if (open && (offering || !continuesCommand(event, decided.at(-1)))) close()
        open = true
        decided.push(event)
      }
      watch.beforeEvent?.(world.shadow, event)
      evolve(world.shadow, event)
    }
    close()
  }
}

const at = <T>(xs: readonly T[], i: number): T | undefined =>
  xs.length === 0 ? undefined : xs[i % xs.length]

const offersOf = (h: RoutingHarness) => [...h.state.offers.values()]
const itemsOf = (h: RoutingHarness, ok: (item: ItemState) => boolean = () => true) =>
  [...h.state.items.values()].filter(ok)
const assigned = (i: ItemState) => i.status === "assigned"

type Picked = Extract<Step, { pick: number }>["kind"]

/** The valid command a picking step stands for in the live state, if there is one to pick. */
const picks: Record<
  Exclude<Picked, "invalid" | "transfer" | "offerTo">,
  (h: RoutingHarness, pick: number) => RoutingCommand | undefined
> = {
  accept: (h, pick) => {
    const o = at(offersOf(h), pick)
    return o && { _tag: "AcceptOffer", offerId: o.offerId, repId: o.rep.repId }
  },
  decline: (h, pick) => {
    const o = at(offersOf(h), pick)
    return o && { _tag: "DeclineOffer", offerId: o.offerId, repId: o.rep.repId }
  },
  complete: (h, pick) => {
    const i = at(itemsOf(h, assigned), pick)
    return i?.assignedTo ? { _tag: "CompleteWork", itemId: i.itemId, repId: i.assignedTo.repId } : undefined
  },
  abandon: (h, pick) => {
    const i = at(
      itemsOf(h, (x) => !assigned(x)),
      pick,
    )
    return i && { _tag: "AbandonItem", itemId: i.itemId }
  },
  requeue: (h, pick) => {
    const i = at(
      itemsOf(h, (x) => x.status === "escalated"),
      pick,
    )
    return i && { _tag: "RequeueItem", itemId: i.itemId }
  },
  hold: (h, pick) => {
    const i = at(itemsOf(h, assigned), pick)
    return i?.assignedTo ? { _tag: "HoldItem", itemId: i.itemId, repId: i.assignedTo.repId } : undefined
  },
  resume: (h, pick) => {
    const i = at(
      itemsOf(h, (x) => x.status === "held"),
      pick,
    )
    return i && { _tag: "ResumeItem", itemId: i.itemId }
  },
  close: (h, pick) => {
    const i = at(itemsOf(h), pick)
    return i && { _tag: "CloseItem", itemId: i.itemId, reason: "expired" }
  },
}

/** A waiting or escalated item to another queue, when there is another. */
const transfer = (
  h: RoutingHarness,
  u: Universe,
  pick: number,
  queue: number,
): RoutingCommand | undefined => {
  const i = at(
    itemsOf(h, (x) => x.status === "waiting" || x.status === "escalated"),
    pick,
  )
  const to = queueId(queue % u.queues.length)
  return i && to !== i.queue.config.queueId
    ? { _tag: "TransferItem", itemId: i.itemId, queueId: to }
    : undefined
}

const interpret = (world: World, u: Universe, step: Step, watch: Watch, it: { nextItem: number }) => {
  const { h } = world
  const run = (command: RoutingCommand | undefined) => {
    if (command === undefined) return
    world.trace.push(`run ${JSON.stringify(command)}`)
    h.run(command)
  }
  switch (step.kind) {
    case "presence": {
      const presenceId = PRESENCE_PICKS[step.presence % PRESENCE_PICKS.length] as string
      return run({ _tag: "SetPresence", repId: repId(step.rep % u.reps.length), presenceId })
    }
    case "enqueue": {
      const queue = queueId(step.queue % u.queues.length)
      return run({
        _tag: "EnqueueItem",
        itemId: `i${it.nextItem++}`,
        queueId: queue,
        priority: step.priority,
      })
    }
    case "advance":
      world.trace.push(`advance ${step.ms}`)
      h.advance(step.ms)
      return
    case "join":
    case "leave": {
      const tag = step.kind === "join" ? "AddQueueMember" : "RemoveQueueMember"
      return run({
        _tag: tag,
        queueId: queueId(step.queue % u.queues.length),
        repId: repId(step.rep % u.reps.length),
      })
    }
    case "invalid":
      return rejectInvalid(world, u, step, watch)
    case "capacity": {
      // R2: a total below the units in use is refused and changes nothing; any other applies.
      const rep = repId(step.rep % u.reps.length)
      const command: RoutingCommand = { _tag: "SetRepCapacity", repId: rep, capacity: { voice: step.voice } }
      const used = h.state.reps.get(rep)?.capacity.get("voice")?.used ?? 0
      if (step.voice >= used) return run(command)
      world.trace.push(`reject ${JSON.stringify(command)}`)
      h.reject(command)
      return
    }
    case "transfer":
      return run(transfer(h, u, step.pick, step.queue))
    case "offerTo": {
      // W1: taken when the rep can take the item now (R1, R2); else refused, changing nothing.
      const item = at(
        itemsOf(h, (x) => x.status === "waiting" || x.status === "held"),
        step.pick,
      )
      if (item === undefined) return
      const command: RoutingCommand = {
        _tag: "OfferItemTo",
        itemId: item.itemId,
        repId: repId(step.rep % u.reps.length),
      }
      if (whyRepCannotTake(h.state, item, command.repId) === undefined) return run(command)
      world.trace.push(`reject ${JSON.stringify(command)}`)
      h.reject(command)
      return
    }
    default:
      return run(picks[step.kind](h, step.pick))
  }
}

const rejectInvalid = (world: World, u: Universe, step: Extract<Step, { kind: "invalid" }>, watch: Watch) => {
  const { h } = world
  const make = INVALID[step.variant % INVALID.length] as MakeInvalid
  const bad = make(h, step.pick, (id) => otherRep(u, id, step.pick), repId(step.pick % u.reps.length))
  if (bad === undefined) return
  world.trace.push(`reject ${JSON.stringify(bad.command)}`)
  const before = fingerprint(h.state)
  const length = h.log.length
  const error = h.reject(bad.command)
  const after = fingerprint(h.state)
  watch.afterRejected?.({ ...bad, error, before, after, logGrew: h.log.length > length })
}

/** Some rep other than `id`. */
const otherRep = (u: Universe, id: string, pick: number) =>
  repId((Number(id.slice(1)) + 1 + (pick % (u.reps.length - 1))) % u.reps.length)

type Invalid = { command: RoutingCommand; expected: RoutingError["_tag"] } | undefined
type MakeInvalid = (
  h: RoutingHarness,
  pick: number,
  other: (repId: string) => string,
  anyRep: string,
) => Invalid

/** Commands the model knows must fail (N3, N4), built from the live state. */
const INVALID: readonly MakeInvalid[] = [
  (h, pick, other) => {
    const o = at(offersOf(h), pick)
    const command: RoutingCommand | undefined = o && {
      _tag: "AcceptOffer",
      offerId: o.offerId,
      repId: other(o.rep.repId),
    }
    return command && { command, expected: "NotYours" }
  },
  (h, pick) => {
    const gone = h.log.flatMap((e) => (e._tag === "OfferMade" && !h.state.offers.has(e.offerId) ? [e] : []))
    const e = at(gone, pick)
    return (
      e && {
        command: { _tag: "DeclineOffer", offerId: e.offerId, repId: e.repId },
        expected: "UnknownEntity",
      }
    )
  },
  (h, pick, _other, anyRep) => {
    const i = at(
      itemsOf(h, (x) => !assigned(x)),
      pick,
    )
    return (
      i && { command: { _tag: "CompleteWork", itemId: i.itemId, repId: anyRep }, expected: "InvalidState" }
    )
  },
  (h, pick, other) => {
    const i = at(itemsOf(h, assigned), pick)
    const command: RoutingCommand | undefined = i?.assignedTo
      ? { _tag: "CompleteWork", itemId: i.itemId, repId: other(i.assignedTo.repId) }
      : undefined
    return command && { command, expected: "NotYours" }
  },
  (h, pick) => {
    const i = at(itemsOf(h, assigned), pick)
    return i && { command: { _tag: "AbandonItem", itemId: i.itemId }, expected: "InvalidState" }
  },
  (h, pick) => {
    const i = at(
      itemsOf(h, (x) => x.status !== "escalated"),
      pick,
    )
    return i && { command: { _tag: "RequeueItem", itemId: i.itemId }, expected: "InvalidState" }
  },
  (h, pick) => {
    const i = at(itemsOf(h), pick)
    return (
      i && { command: { _tag: "EnqueueItem", itemId: i.itemId, queueId: "q0" }, expected: "AlreadyExists" }
    )
  },
  (_h, _pick, _other, anyRep) => ({
    command: { _tag: "SetPresence", repId: anyRep, presenceId: "lunch" },
    expected: "UnknownEntity",
  }),
  (_h, _pick, _other, anyRep) => ({
    command: { _tag: "AddQueueMember", queueId: "nowhere", repId: anyRep },
    expected: "UnknownEntity",
  }),
  (h, pick) => {
    const i = at(
      itemsOf(h, (x) => x.status !== "held"),
      pick,
    )
    return i && { command: { _tag: "ResumeItem", itemId: i.itemId }, expected: "InvalidState" }
  },
  (h, pick, _other, anyRep) => {
    const i = at(
      itemsOf(h, (x) => !assigned(x)),
      pick,
    )
    return i && { command: { _tag: "HoldItem", itemId: i.itemId, repId: anyRep }, expected: "InvalidState" }
  },
  (h, pick, other) => {
    const i = at(itemsOf(h, assigned), pick)
    const command: RoutingCommand | undefined = i?.assignedTo
      ? { _tag: "HoldItem", itemId: i.itemId, repId: other(i.assignedTo.repId) }
      : undefined
    return command && { command, expected: "NotYours" }
  },
  (h, pick) => {
    const i = at(itemsOf(h), pick)
    const command: RoutingCommand | undefined = i && {
      _tag: "TransferItem",
      itemId: i.itemId,
      queueId: i.queue.config.queueId,
    }
    return command && { command, expected: "InvalidField" }
  },
  (h, pick) => {
    const i = at(
      itemsOf(h, (x) => x.status === "offered" || x.status === "assigned" || x.status === "held"),
      pick,
    )
    const to = [...h.state.queues.keys()].find((q) => q !== i?.queue.config.queueId)
    if (i === undefined || to === undefined) return undefined
    return { command: { _tag: "TransferItem", itemId: i.itemId, queueId: to }, expected: "InvalidState" }
  },
  (h, pick) => {
    const finished = h.log.flatMap((e) =>
      (e._tag === "WorkCompleted" || e._tag === "ItemAbandoned" || e._tag === "ItemClosed") &&
      !h.state.items.has(e.itemId)
        ? [e]
        : [],
    )
    const e = at(finished, pick)
    return e && { command: { _tag: "AbandonItem", itemId: e.itemId }, expected: "UnknownEntity" }
  },
]

const sortedIds = (ids: Iterable<string>) => [...ids].sort()

/** An object whose keys are in order, so JSON compares equal whatever the insertion order was. */
const keyed = <T>(values: Iterable<T>, id: (t: T) => string, show: (t: T) => unknown) =>
  Object.fromEntries(
    [...values].map((t) => [id(t), show(t)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  )

/** The whole routing state as a string; heaps as sets plus their heads (their layout is free). */
export const fingerprint = (s: RouterState): string =>
  JSON.stringify({
    presences: keyed(
      s.presences.values(),
      (p) => p.presenceId,
      (p) => p,
    ),
    reps: keyed(
      s.reps.values(),
      (r) => r.repId,
      ({ membershipList, ...r }) => ({
        ...r,
        membershipList: membershipList.map((m) => m.queue.config.queueId),
        capacity: keyed(
          r.capacity,
          ([profile]) => profile,
          ([, c]) => c,
        ),
        memberships: keyed(
          r.memberships.values(),
          (m) => m.queue.config.queueId,
          (m) => [m.order, m.lastOfferSeq, m.heapIndex !== NOT_IN_HEAP],
        ),
      }),
    ),
    queues: keyed(
      s.queues.values(),
      (q) => q.config.queueId,
      (q) => ({
        ...q,
        members: sortedIds(q.members.keys()),
        waiting: sortedIds(q.waiting.unordered().map((i) => i.itemId)),
        waitingHead: q.waiting.peek()?.itemId ?? null,
        offerable: sortedIds(q.offerable.unordered().map((m) => m.rep.repId)),
        offerableHead: q.offerable.peek()?.rep.repId ?? null,
      }),
    ),
    workstreams: sortedIds(s.workstreams.keys()),
    items: keyed(
      s.items.values(),
      (i) => i.itemId,
      // queuedGen only tells live heap entries from stale ones; its count is not state.
      ({ queuedGen, ...i }) => ({
        ...i,
        queue: i.queue.config.queueId,
        queued: i.queue.waiting.has(i as ItemState),
        offer: i.offer?.offerId ?? null,
        assignedTo: i.assignedTo?.repId ?? null,
      }),
    ),
    offers: keyed(
      s.offers.values(),
      (o) => o.offerId,
      (o) => [o.item.itemId, o.rep.repId, o.at, o.expiresAt],
    ),
    counters: s.counters,
  })
