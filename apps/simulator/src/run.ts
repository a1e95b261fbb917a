import { MemoryStoreLive, VirtualClock, VirtualClockLive } from "@lifeline/adapters"
import { Routing, type RoutingCommand, RoutingLive } from "@lifeline/core"
import { Effect, Layer } from "effect"
import { Agenda, type SimEvent } from "./agenda"
import { exponentialMs, mulberry32, type Random } from "./random"
import { BUILT_IN_SCENARIO, type Scenario, type ScenarioQueue } from "./scenario"
import { type CallOutcome, CallStats, type QueueSummary } from "./stats"

export type { CallOutcome, QueueSummary } from "./stats"

/** Virtual time starts here (a Monday, 08:00 UTC); only differences matter to the results. */
export const SIM_START = Date.UTC(2025, 0, 6, 8, 0)
const HOUR = 3_600_000

/** The simulator's composition root: the real router on an in-memory store and a virtual clock. */
const SimulatorLive = RoutingLive.pipe(
  Layer.provideMerge(Layer.merge(MemoryStoreLive, VirtualClockLive(SIM_START))),
)

export interface RunOptions {
  readonly seed: number
  readonly hours: number
  readonly scenario?: Scenario
  /** Service-level threshold (default 20 s). */
  readonly slThresholdMs?: number
  /** Called as each call is answered or abandoned, in virtual-time order (for batch means). */
  readonly onOutcome?: (outcome: CallOutcome) => void
}

export interface Summary {
  readonly scenario: string
  readonly seed: number
  readonly hours: number
  /** Calls that arrived, and simulator events handled (arrivals, completions, patience ends). */
  readonly calls: number
  readonly events: number
  readonly queues: readonly QueueSummary[]
}

interface Sim {
  readonly routing: Routing["Type"]
  readonly clock: VirtualClock["Type"]
  readonly random: Random
  readonly agenda: Agenda
  readonly queues: ReadonlyMap<string, ScenarioQueue>
  readonly stats: CallStats
  calls: number
  events: number
}

const setupCommands = (scenario: Scenario): RoutingCommand[] => [
  ...scenario.reps.map(
    (rep): RoutingCommand => ({
      _tag: "RegisterRep",
      repId: rep.repId,
      name: rep.repId,
      presenceId: "available",
      capacity: { voice: 1 },
    }),
  ),
  ...scenario.queues.map(
    (queue): RoutingCommand => ({
      _tag: "CreateQueue",
      queueId: queue.queueId,
      name: queue.name,
      assignment: queue.assignment,
      members: scenario.reps.filter((r) => r.queues.includes(queue.queueId)).map((r) => r.repId),
      defaultHandleTimeMs: Math.round(queue.meanHandleMs),
    }),
  ),
]

// A command the scenario sends is well-formed; a refusal is a simulator bug.
const run = (sim: Sim, command: RoutingCommand) => sim.routing.execute(command).pipe(Effect.orDie)

const queueOf = (sim: Sim, queueId: string): ScenarioQueue => {
  const queue = sim.queues.get(queueId)
  if (queue === undefined) throw new Error(`no queue ${queueId} in the scenario`)
  return queue
}

const scheduleArrival = (sim: Sim, queue: ScenarioQueue, after: number) =>
  sim.agenda.schedule(after + exponentialMs(sim.random, queue.meanInterArrivalMs), {
    _tag: "Arrival",
    queueId: queue.queueId,
  })

/** Every rep accepts every offer the moment it is made, and the call then lasts a random while. */
const answerOffers = (sim: Sim) =>
  Effect.gen(function* () {
    const offers = yield* sim.routing.read((state) =>
      [...state.offers.values()].map((o) => ({ offerId: o.offerId, repId: o.rep.repId })),
    )
    for (const { offerId, repId } of offers) {
      for (const e of yield* run(sim, { _tag: "AcceptOffer", offerId, repId })) {
        if (e._tag !== "OfferAccepted") continue
        const queue = queueOf(sim, sim.stats.answered(e.itemId, e.at))
        const handleMs = exponentialMs(sim.random, queue.meanHandleMs)
        sim.agenda.schedule(e.at + handleMs, { _tag: "Completion", itemId: e.itemId, repId: e.repId })
      }
    }
  })

/** Move virtual time to `at`; core timers due on the way fire, and their offers are answered. */
const advanceTo = (sim: Sim, at: number) =>
  Effect.gen(function* () {
    for (;;) {
      const due = yield* sim.clock.nextDueAt
      if (due === undefined || due > at) break
      yield* sim.clock.runNext
      yield* answerOffers(sim)
    }
    yield* sim.clock.advanceTo(at)
  })

/** A caller still waiting when patience ends hangs up: the core's AbandonItem removes the call. */
const patienceEnds = (sim: Sim, itemId: string, at: number) => {
  if (!sim.stats.isWaiting(itemId)) return Effect.void
  sim.stats.abandoned(itemId, at)
  return run(sim, { _tag: "AbandonItem", itemId })
}

const arrive = (sim: Sim, queue: ScenarioQueue, at: number) => {
  const itemId = `call-${++sim.calls}`
  sim.stats.arrived(itemId, queue.queueId, at)
  scheduleArrival(sim, queue, at)
  if (queue.meanPatienceMs !== undefined) {
    const patienceMs = exponentialMs(sim.random, queue.meanPatienceMs)
    sim.agenda.schedule(at + patienceMs, { _tag: "PatienceEnds", itemId })
  }
  return run(sim, { _tag: "EnqueueItem", itemId, queueId: queue.queueId })
}

const happen = (sim: Sim, at: number, event: SimEvent) => {
  sim.events += 1
  switch (event._tag) {
    case "Completion":
      return run(sim, { _tag: "CompleteWork", itemId: event.itemId, repId: event.repId })
    case "PatienceEnds":
      return patienceEnds(sim, event.itemId, at)
    case "Arrival":
      return arrive(sim, queueOf(sim, event.queueId), at)
  }
}

type SimOptions = Required<Omit<RunOptions, "onOutcome">> & {
  readonly onOutcome: RunOptions["onOutcome"] | undefined
}

const simulate = (options: SimOptions) =>
  Effect.gen(function* () {
    const { scenario, seed, hours } = options
    const sim: Sim = {
      routing: yield* Routing,
      clock: yield* VirtualClock,
      random: mulberry32(seed),
      agenda: new Agenda(),
      queues: new Map(scenario.queues.map((q) => [q.queueId, q])),
      stats: new CallStats(scenario.queues, options.slThresholdMs, options.onOutcome),
      calls: 0,
      events: 0,
    }
    const end = SIM_START + hours * HOUR
    for (const command of setupCommands(scenario)) yield* run(sim, command)
    for (const queue of scenario.queues) scheduleArrival(sim, queue, SIM_START)
    for (let next = sim.agenda.next(end); next !== undefined; next = sim.agenda.next(end)) {
      yield* advanceTo(sim, next.at)
      yield* happen(sim, next.at, next.event)
      yield* answerOffers(sim)
    }
    yield* advanceTo(sim, end)
    return {
      scenario: scenario.name,
      seed,
      hours,
      calls: sim.calls,
      events: sim.events,
      queues: sim.stats.summary(),
    }
  })

/**
 * Run a scenario through the real core for `hours` of virtual time. Arrivals stop at the end;
 * calls still waiting then count as offered, neither answered nor abandoned. Synchronous.
 */
export const runSimulation = ({
  seed,
  hours,
  scenario = BUILT_IN_SCENARIO,
  slThresholdMs = 20_000,
  onOutcome,
}: RunOptions): Summary =>
  simulate({ seed, hours, scenario, slThresholdMs, onOutcome }).pipe(
    Effect.provide(SimulatorLive),
    Effect.runSync,
  )
