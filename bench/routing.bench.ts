/**
 * Routing throughput benchmark: the pure core `execute(state, command, now)` in-process, no Effect
 * engine, no store. Run with `pnpm bench:routing` from the repository root.
 *
 * Setup (deterministic, seeded): 10,000 reps (voice capacity 1, some 2), 100 queues with mixed
 * assignment methods, priorities and aging, each rep a member of 3 queues; every rep busy and
 * 100,000 items waiting.
 *
 * Figure 1, steady state: a rep completes its work -> the router offers that rep the next best
 * item (the decision) -> the rep accepts -> a new item arrives, keeping 100,000 waiting.
 * Figure 2, item-driven: items arrive while about half the capacity is free -> the router offers
 * each arrival to the best free member (the decision) -> the rep accepts -> a random busy
 * assignment completes, keeping the busy level constant.
 *
 * Figure 3, decision step: as figure 1, but only the dispatcher's work is timed (for a freed rep,
 * pick the best item across its queues and apply the offer); completions, acceptances and
 * arrivals run untimed around it.
 *
 * A decision is one OfferMade event produced by the router.
 */
import { Result } from "effect"
import type { RoutingCommand } from "../packages/core/src/routing/commands"
import { fillRep } from "../packages/core/src/routing/dispatch"
import type { RoutingEvent } from "../packages/core/src/routing/events"
import { evolve } from "../packages/core/src/routing/evolve"
import { execute } from "../packages/core/src/routing/router"
import {
  emptyState,
  type ItemState,
  type RepState,
  type RouterState,
  settle,
} from "../packages/core/src/routing/state"

const REPS = 10_000
const QUEUES = 100
const WAITING = 100_000
const QUEUES_PER_REP = 3
const SEED = 20_251_122
/** Virtual time per loop iteration (ms). */
const STEP_MS = 25
const START_AT = Date.UTC(2026, 0, 5, 9, 0, 0)

const WARMUP_DECISIONS = 300_000
const MIN_MEASURE_MS = 2_000
const MIN_MEASURE_DECISIONS = 1_000_000
const VALIDATE_ITERATIONS = 20_000

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: a tiny 32-bit seeded PRNG, uniform in [0, 1). */
const mulberry32 = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rng = () => number

const pick = <T>(rng: Rng, weighted: readonly (readonly [T, number])[]): T => {
  let total = 0
  for (const [, w] of weighted) total += w
  let r = rng() * total
  for (const [value, w] of weighted) {
    r -= w
    if (r < 0) return value
  }
  return (weighted[weighted.length - 1] as readonly [T, number])[0]
}

// ---------------------------------------------------------------------------------------------
// The scenario

interface Scenario {
  readonly repIds: readonly string[]
  readonly queueIds: readonly string[]
  /** Cumulative arrival weights per queue, for a binary-search pick. */
  readonly arrivalCdf: Float64Array
  readonly setupCommands: readonly RoutingCommand[]
}

const ITEM_PRIORITIES = [
  [0, 70],
  [1, 20],
  [2, 8],
  [5, 2],
] as const

const buildScenario = (rng: Rng): Scenario => {
  const repIds: string[] = []
  const setupCommands: RoutingCommand[] = []
  for (let r = 0; r < REPS; r++) {
    const repId = `rep-${String(r).padStart(5, "0")}`
    repIds.push(repId)
    setupCommands.push({
      _tag: "RegisterRep",
      repId,
      name: `Rep ${r}`,
      presenceId: "available",
      capacity: { voice: rng() < 0.15 ? 2 : 1 },
    })
  }
  const members: string[][] = Array.from({ length: QUEUES }, () => [])
  for (const repId of repIds) {
    const chosen = new Set<number>()
    while (chosen.size < QUEUES_PER_REP) chosen.add(Math.floor(rng() * QUEUES))
    for (const q of chosen) (members[q] as string[]).push(repId)
  }
  const queueIds: string[] = []
  const weights: number[] = []
  for (let q = 0; q < QUEUES; q++) {
    const queueId = `queue-${String(q).padStart(3, "0")}`
    queueIds.push(queueId)
    setupCommands.push({
      _tag: "CreateQueue",
      queueId,
      name: `Queue ${q}`,
      priority: pick(rng, [
        [-1, 10],
        [0, 50],
        [1, 25],
        [2, 10],
        [5, 5],
      ]),
      assignment: pick(rng, [
        ["highest_capacity", 1],
        ["round_robin", 1],
        ["most_idle", 1],
      ] as const),
      agingStepMs:
        rng() < 0.8
          ? pick(rng, [
              [30_000, 1],
              [60_000, 2],
              [120_000, 1],
            ] as const)
          : null,
      members: members[q] as string[],
    })
    // Arrival load roughly follows staffing, with noise.
    weights.push((members[q] as string[]).length * (0.5 + rng()))
  }
  const arrivalCdf = new Float64Array(QUEUES)
  let sum = 0
  for (let q = 0; q < QUEUES; q++) {
    sum += weights[q] as number
    arrivalCdf[q] = sum
  }
  for (let q = 0; q < QUEUES; q++) arrivalCdf[q] = (arrivalCdf[q] as number) / sum
  return { repIds, queueIds, arrivalCdf, setupCommands }
}

const pickQueue = (scenario: Scenario, u: number): string => {
  const cdf = scenario.arrivalCdf
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (u < (cdf[mid] as number)) hi = mid
    else lo = mid + 1
  }
  return scenario.queueIds[lo] as string
}

const itemPriority = (u: number): number => {
  // ITEM_PRIORITIES weights sum to 100.
  let r = u * 100
  for (const [p, w] of ITEM_PRIORITIES) {
    r -= w
    if (r < 0) return p
  }
  return 0
}

// ---------------------------------------------------------------------------------------------
// The driver: executes commands, accepts every offer, tracks assignments and waiting items

interface Assignment {
  readonly itemId: string
  readonly repId: string
}

class Driver {
  readonly state: RouterState = emptyState()
  now = START_AT
  /** Items waiting in queues (ItemQueued minus OfferMade). */
  waiting = 0
  /** OfferMade events seen, and how many of them each command kind produced. */
  decisions = 0
  repDriven = 0
  itemDriven = 0
  commands = 0
  accepted = 0
  nextItem = 0
  /** Assignments in progress, in no particular order (a random one completes next). */
  readonly busy: Assignment[] = []
  private readonly pendingOffers: { offerId: string; itemId: string; repId: string }[] = []

  constructor(
    readonly scenario: Scenario,
    readonly rng: Rng,
  ) {}

  run(command: RoutingCommand): readonly RoutingEvent[] {
    this.commands += 1
    const result = execute(this.state, command, this.now)
    if (Result.isFailure(result)) {
      throw new Error(`${command._tag} failed: ${result.failure._tag} ${result.failure.message}`)
    }
    this.record(result.success, command._tag === "EnqueueItem")
    return result.success
  }

  /** Count the decisions among `events` and queue their offers for acceptance. */
  record(events: readonly RoutingEvent[], fromArrival = false): void {
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as RoutingEvent
      if (event._tag === "OfferMade") {
        this.decisions += 1
        this.waiting -= 1
        if (fromArrival) this.itemDriven += 1
        else this.repDriven += 1
        this.pendingOffers.push({ offerId: event.offerId, itemId: event.itemId, repId: event.repId })
      } else if (event._tag === "ItemQueued") {
        this.waiting += 1
      }
    }
  }

  /** Every rep accepts every offer at once. */
  acceptAll(): void {
    const pending = this.pendingOffers
    while (pending.length > 0) {
      const o = pending.pop() as { offerId: string; itemId: string; repId: string }
      this.run({ _tag: "AcceptOffer", offerId: o.offerId, repId: o.repId })
      this.accepted += 1
      this.busy.push({ itemId: o.itemId, repId: o.repId })
    }
  }

  arrive(): void {
    const queueId = pickQueue(this.scenario, this.rng())
    this.run({
      _tag: "EnqueueItem",
      itemId: `item-${this.nextItem++}`,
      queueId,
      priority: itemPriority(this.rng()),
    })
  }

  /** A random busy assignment completes. */
  completeOne(): Assignment {
    const done = this.takeBusy()
    this.run({ _tag: "CompleteWork", itemId: done.itemId, repId: done.repId })
    return done
  }

  /** A random busy assignment completes, its event applied without the router's follow-up. */
  completeQuietly(): Assignment {
    const done = this.takeBusy()
    evolve(this.state, {
      _tag: "WorkCompleted",
      itemId: done.itemId,
      repId: done.repId,
      handleMs: 0,
      at: this.now,
    })
    return done
  }

  private takeBusy(): Assignment {
    const busy = this.busy
    const k = Math.floor(this.rng() * busy.length)
    const done = busy[k] as Assignment
    busy[k] = busy[busy.length - 1] as Assignment
    busy.pop()
    return done
  }

  setup(): void {
    for (const command of this.scenario.setupCommands) this.run(command)
  }
}

// ---------------------------------------------------------------------------------------------
// Checks

const fail = (message: string): never => {
  throw new Error(`routing bench: ${message}`)
}

const totalWaiting = (state: RouterState): number => {
  let n = 0
  for (const q of state.queues.values()) n += q.waiting.size
  return n
}

const unitsOf = (rep: RepState) => {
  const c = rep.capacity.get("voice")
  return c === undefined ? { total: 0, used: 0 } : c
}

/**
 * The dispatcher's invariant: no rep with free units sits beside a waiting item of one of its
 * queues (nobody declines in this bench). Returns the free units, which stay near zero because a
 * rep only idles when all of its queues are empty.
 */
const checkNothingLeftApart = (state: RouterState): number => {
  let free = 0
  for (const rep of state.reps.values()) {
    const c = unitsOf(rep)
    if (c.used === c.total) continue
    free += c.total - c.used
    for (const m of rep.memberships.values()) {
      if (m.queue.waiting.size > 0) {
        fail(
          `${rep.repId} has a free unit while ${m.queue.config.queueId} has ${m.queue.waiting.size} waiting`,
        )
      }
    }
  }
  return free
}

/**
 * R3/B4 across a rep's queues, written from the rules rather than from the router's code: higher
 * queue priority first, then higher effective priority at `now` (priority + waited / agingStepMs,
 * or the plain priority without aging), then older, then earlier arrival order. Exact (BigInt).
 */
const servedBefore = (a: ItemState, b: ItemState, now: number): boolean => {
  const qa = a.queue.config
  const qb = b.queue.config
  if (qa.priority !== qb.priority) return qa.priority > qb.priority
  const effective = (item: ItemState, step: number | null): [bigint, bigint] =>
    step === null
      ? [BigInt(item.priority), 1n]
      : [BigInt(item.priority) * BigInt(step) + BigInt(now - item.arrivedAt), BigInt(step)]
  const [na, da] = effective(a, qa.agingStepMs)
  const [nb, db] = effective(b, qb.agingStepMs)
  const diff = na * db - nb * da
  if (diff !== 0n) return diff > 0n
  return a.arrivedAt !== b.arrivedAt ? a.arrivedAt < b.arrivedAt : a.seq < b.seq
}

/**
 * The item the router should offer `rep` next at `now`: the best head among its queues (every
 * queue's own order agrees with effective priority, and all units are 1).
 */
const expectedNextFor = (rep: RepState, now: number): ItemState | undefined => {
  let best: ItemState | undefined
  for (const m of rep.memberships.values()) {
    const head = m.queue.waiting.peek()
    if (head !== undefined && (best === undefined || servedBefore(head, best, now))) best = head
  }
  return best
}

// ---------------------------------------------------------------------------------------------
// Phase 1: steady state with every rep busy and 100,000 waiting

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US")

const gc = (): void => {
  if (globalThis.gc !== undefined) globalThis.gc()
}

const steadyIteration = (d: Driver): void => {
  d.now += STEP_MS
  d.completeOne()
  d.acceptAll()
  while (d.waiting < WAITING) {
    d.arrive()
    d.acceptAll()
  }
}

/** The scenario with every rep busy and WAITING items waiting. */
const filledDriver = (): Driver => {
  const d = new Driver(buildScenario(mulberry32(SEED)), mulberry32(SEED ^ 0x9e3779b9))
  d.setup()
  // Fill: arrivals until every rep is busy and WAITING items wait (each arrival is offered while
  // a member is free; every offer is accepted at once).
  while (d.waiting < WAITING) {
    d.now += 1
    d.arrive()
    d.acceptAll()
  }
  if (checkNothingLeftApart(d.state) !== 0) fail("expected every rep busy after the fill")
  if (totalWaiting(d.state) !== WAITING) fail(`expected ${WAITING} waiting after fill`)
  return d
}

const steadyState = () => {
  const setupStart = performance.now()
  const d = filledDriver()
  const setupMs = performance.now() - setupStart

  // Warm up the JIT on the exact loop.
  const warmEnd = d.decisions + WARMUP_DECISIONS
  while (d.decisions < warmEnd) steadyIteration(d)
  gc()

  const d0 = d.decisions
  const c0 = d.commands
  const a0 = d.accepted
  const r0 = d.repDriven
  const offers0 = d.state.counters.offers
  let minWaiting = Number.POSITIVE_INFINITY
  let maxWaiting = 0
  const t0 = performance.now()
  let elapsed = 0
  for (;;) {
    for (let i = 0; i < 10_000; i++) steadyIteration(d)
    // Sampled between batches: the count is restored at the end of every iteration.
    const w = totalWaiting(d.state)
    if (w < minWaiting) minWaiting = w
    if (w > maxWaiting) maxWaiting = w
    elapsed = performance.now() - t0
    if (elapsed >= MIN_MEASURE_MS && d.decisions - d0 >= MIN_MEASURE_DECISIONS) break
  }
  const decisions = d.decisions - d0
  const commands = d.commands - c0
  const repDrivenShare = (d.repDriven - r0) / decisions

  // Cheap end-of-run checks.
  if (decisions <= 0) fail("no decisions were made")
  if (d.state.counters.offers - offers0 !== decisions) {
    fail(`OfferMade events (${decisions}) differ from offers applied (${d.state.counters.offers - offers0})`)
  }
  if (d.accepted - a0 !== decisions) fail(`accepted ${d.accepted - a0} offers, expected ${decisions}`)
  if (d.state.offers.size !== 0) fail(`${d.state.offers.size} offers left pending`)
  if (d.waiting !== WAITING || totalWaiting(d.state) !== WAITING) {
    fail(`expected ${WAITING} waiting, counted ${d.waiting}, state has ${totalWaiting(d.state)}`)
  }
  const freeUnits = checkNothingLeftApart(d.state)

  // Correctness spot check (not timed): every completion is followed by an offer of the best
  // head among that rep's queues.
  for (let i = 0; i < VALIDATE_ITERATIONS; i++) {
    d.now += STEP_MS
    const busy = d.busy
    const k = Math.floor(d.rng() * busy.length)
    const done = busy[k] as Assignment
    const rep = d.state.reps.get(done.repId) as RepState
    const expected = expectedNextFor(rep, d.now)
    busy[k] = busy[busy.length - 1] as Assignment
    busy.pop()
    const events = d.run({ _tag: "CompleteWork", itemId: done.itemId, repId: done.repId })
    const offers = events.filter((e) => e._tag === "OfferMade")
    if (expected === undefined ? offers.length !== 0 : offers.length !== 1) {
      fail(`completion by ${rep.repId} made ${offers.length} offers`)
    }
    const made = offers[0]
    if (expected !== undefined && (made === undefined || made.itemId !== expected.itemId)) {
      fail(`${rep.repId} was offered ${made?.itemId}, expected ${expected.itemId}`)
    }
    d.acceptAll()
    while (d.waiting < WAITING) {
      d.arrive()
      d.acceptAll()
    }
  }

  return {
    decisions,
    commands,
    elapsed,
    repDrivenShare,
    minWaiting,
    maxWaiting,
    freeUnits,
    setupMs,
    items: d.state.items.size,
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 2: item-driven dispatch, items arriving while reps are free

const itemDrivenIteration = (d: Driver, busyTarget: number): void => {
  d.now += STEP_MS
  d.arrive()
  d.acceptAll()
  while (d.busy.length > busyTarget) {
    d.completeOne()
    d.acceptAll()
  }
}

const itemDriven = () => {
  const d = new Driver(buildScenario(mulberry32(SEED)), mulberry32(SEED ^ 0x85ebca6b))
  d.setup()
  let capacity = 0
  for (const rep of d.state.reps.values()) capacity += unitsOf(rep).total
  // About half of all units busy: most queues have free members, so arrivals are offered at once.
  const busyTarget = Math.floor(capacity / 2)
  while (d.busy.length < busyTarget) itemDrivenIteration(d, busyTarget)

  const warmEnd = d.decisions + WARMUP_DECISIONS
  while (d.decisions < warmEnd) itemDrivenIteration(d, busyTarget)
  gc()

  const d0 = d.decisions
  const c0 = d.commands
  const i0 = d.itemDriven
  const offers0 = d.state.counters.offers
  let maxWaiting = 0
  const t0 = performance.now()
  let elapsed = 0
  for (;;) {
    for (let i = 0; i < 10_000; i++) itemDrivenIteration(d, busyTarget)
    if (d.waiting > maxWaiting) maxWaiting = d.waiting
    elapsed = performance.now() - t0
    if (elapsed >= MIN_MEASURE_MS && d.decisions - d0 >= MIN_MEASURE_DECISIONS) break
  }
  const decisions = d.decisions - d0
  const commands = d.commands - c0
  if (decisions <= 0) fail("item-driven: no decisions were made")
  if (d.state.counters.offers - offers0 !== decisions) {
    fail("item-driven: OfferMade events differ from offers applied")
  }
  if (d.state.offers.size !== 0) fail(`item-driven: ${d.state.offers.size} offers left pending`)
  if (d.waiting !== totalWaiting(d.state)) fail("item-driven: waiting count drifted")
  return {
    decisions,
    commands,
    elapsed,
    itemDrivenShare: (d.itemDriven - i0) / decisions,
    busyTarget,
    capacity,
    maxWaiting,
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 3: the decision step alone

const BATCH = 2_000

/**
 * One batch: BATCH random assignments finish (their WorkCompleted events applied untimed, as
 * replay would, with heap upkeep deferred as inside a command); then, timed, the dispatcher
 * decides for each freed rep: the best item across its queues, and the offer applied. Then,
 * untimed, the offers are accepted and arrivals restore WAITING.
 */
const decisionBatch = (d: Driver): { decisions: number; ms: number } => {
  const state = d.state
  d.now += STEP_MS
  const freed: RepState[] = []
  state.deferSettle = true
  for (let i = 0; i < BATCH; i++) {
    const done = d.completeQuietly()
    freed.push(state.reps.get(done.repId) as RepState)
  }
  const out: RoutingEvent[] = []
  const t0 = performance.now()
  for (let i = 0; i < freed.length; i++) fillRep(state, freed[i] as RepState, d.now, out)
  const ms = performance.now() - t0
  state.deferSettle = false
  settle(state)
  d.record(out)
  d.acceptAll()
  while (d.waiting < WAITING) {
    d.arrive()
    d.acceptAll()
  }
  return { decisions: out.length, ms }
}

const decisionStep = () => {
  const d = filledDriver()
  for (let warm = 0; warm < WARMUP_DECISIONS; ) warm += decisionBatch(d).decisions
  gc()
  let decisions = 0
  let ms = 0
  while (ms < MIN_MEASURE_MS || decisions < MIN_MEASURE_DECISIONS) {
    const batch = decisionBatch(d)
    decisions += batch.decisions
    ms += batch.ms
  }
  if (d.state.offers.size !== 0) fail(`decision step: ${d.state.offers.size} offers left pending`)
  if (totalWaiting(d.state) !== WAITING) fail("decision step: waiting count drifted")
  if (checkNothingLeftApart(d.state) > 0) fail("decision step: a free rep was left beside work")
  return { decisions, ms }
}
// ---------------------------------------------------------------------------------------------

const TARGET_DECISIONS_PER_S = 500_000
const TARGET_RSS_MB = 500

const main = (): void => {
  console.log(
    `routing bench: node ${process.version}, ${fmt(REPS)} reps, ${QUEUES} queues, ${fmt(WAITING)} waiting, seed ${SEED}`,
  )
  const step = decisionStep()
  const stepPerS = (step.decisions / step.ms) * 1000
  console.log(
    `routing: ${fmt(stepPerS)} assignment decisions/s (decision step: a freed rep is offered its best item ` +
      `across its queues, ${fmt(WAITING)} waiting, ${fmt(REPS)} reps, ${QUEUES} queues)`,
  )
  console.log(
    `  decision step: ${fmt(step.decisions)} decisions in ${(step.ms / 1000).toFixed(2)} s of dispatch`,
  )
  gc()
  const s = steadyState()
  const perS = (s.decisions / s.elapsed) * 1000
  const waiting =
    s.minWaiting === s.maxWaiting ? fmt(s.minWaiting) : `${fmt(s.minWaiting)}..${fmt(s.maxWaiting)}`
  console.log(
    `routing: ${fmt(perS)} assignment decisions/s (steady state, ${waiting} waiting, ${fmt(REPS)} reps, ${QUEUES} queues)`,
  )
  console.log(
    `  steady state: ${fmt(s.decisions)} decisions in ${(s.elapsed / 1000).toFixed(2)} s, ` +
      `${fmt((s.commands / s.elapsed) * 1000)} commands/s (CompleteWork + AcceptOffer + EnqueueItem), ` +
      `${(s.repDrivenShare * 100).toFixed(1)}% offered on completion, ${fmt(s.freeUnits)} units idle at the end ` +
      `(their queues empty), setup ${(s.setupMs / 1000).toFixed(2)} s`,
  )
  gc()
  const i = itemDriven()
  const itemPerS = (i.decisions / i.elapsed) * 1000
  console.log(
    `routing: ${fmt(itemPerS)} assignment decisions/s (item-driven, arrivals while reps are free, ` +
      `${fmt(i.busyTarget)} of ${fmt(i.capacity)} units busy, ${fmt(REPS)} reps, ${QUEUES} queues)`,
  )
  console.log(
    `  item-driven: ${fmt(i.decisions)} decisions in ${(i.elapsed / 1000).toFixed(2)} s, ` +
      `${fmt((i.commands / i.elapsed) * 1000)} commands/s (EnqueueItem + AcceptOffer + CompleteWork), ` +
      `at most ${fmt(i.maxWaiting)} waiting, ${(i.itemDrivenShare * 100).toFixed(1)}% offered on arrival`,
  )
  const rssMb = process.resourceUsage().maxRSS / 1024
  console.log(`peak RSS: ${fmt(rssMb)} MB`)
  const misses: string[] = []
  if (stepPerS < TARGET_DECISIONS_PER_S) misses.push(`decision step below ${fmt(TARGET_DECISIONS_PER_S)}/s`)
  if (perS < TARGET_DECISIONS_PER_S) {
    misses.push(`full command loop ${fmt(perS)} decisions/s, below ${fmt(TARGET_DECISIONS_PER_S)}/s`)
  }
  if (rssMb > TARGET_RSS_MB) misses.push(`peak RSS above ${TARGET_RSS_MB} MB`)
  console.log(misses.length === 0 ? "targets: met" : `targets: MISSED (${misses.join("; ")})`)
}

main()
