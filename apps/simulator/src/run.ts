import {
  type CenterCommand,
  type CenterEvent,
  ewtAtPosition,
  type RoutingCommand,
  staffing,
} from "@lifeline/core"
import { Agenda, type SimEvent } from "./agenda"
import { centerDomain, routingDomain } from "./engine/domains"
import { type Core, type CoreDriver, FastDriver } from "./engine/driver"
import type { EventSink } from "./engine/event-log"
import { exponentialMs, mulberry32, type Random } from "./random"
import { BUILT_IN_SCENARIO, type Scenario, type ScenarioQueue } from "./scenario"
import { type CallOutcome, CallStats, type QueueSummary } from "./stats"

export type { CallOutcome, QueueSummary } from "./stats"

/** Virtual time starts here (a Monday, 08:00 UTC); only differences matter to the results. */
export const SIM_START = Date.UTC(2025, 0, 6, 8, 0)
const HOUR = 3_600_000

/**
 * Which core drives the run. `center` (default): the whole center's pure domain, driven directly.
 * `routing`: the router's pure domain alone. `effect`: the center behind the Effect engine, store
 * and virtual clock, as the API runs it (slow; the cross-check that `center` is the real core).
 * Pass the effect core as `effectCore(SIM_START)` from ./engine/effect-driver, so a plain run
 * does not load the Effect engine's adapters.
 */
export type CoreKind = "center" | "routing" | "effect"

export interface RunOptions {
  readonly seed: number
  readonly hours: number
  readonly scenario?: Scenario
  /** Service-level threshold (default 20 s). */
  readonly slThresholdMs?: number
  /** Called as each call is answered or abandoned, in virtual-time order (for batch means). */
  readonly onOutcome?: (outcome: CallOutcome) => void
  readonly core?: "center" | "routing" | Core
  /** Every simulator and core event, as JSON lines with the virtual time (SPEC B7 event log). */
  readonly events?: EventSink | undefined
}

export interface Summary {
  readonly scenario: string
  readonly seed: number
  readonly hours: number
  /** Calls that arrived, and simulator events handled (arrivals, completions, patience ends). */
  readonly calls: number
  readonly events: number
  /** Events the core emitted, and core timers that fired. */
  readonly coreEvents: number
  readonly timersFired: number
  readonly queues: readonly QueueSummary[]
}

/** The fast drivers over the core's pure domains; the Effect engine comes from ./engine/effect-driver. */
const fastCore = (kind: "center" | "routing"): Core => {
  if (kind === "routing") {
    const driver = new FastDriver(routingDomain)
    // The router takes routing commands only; the simulator sends no others without callbacks.
    return {
      kind,
      driver: driver as unknown as CoreDriver<CenterCommand, CenterEvent>,
      router: () => driver.state,
      dispose: () => {},
    }
  }
  const driver = new FastDriver(centerDomain)
  return { kind, driver, router: () => driver.state.routing, dispose: () => {} }
}

class Simulation {
  readonly agenda = new Agenda()
  readonly random: Random
  readonly queues: ReadonlyMap<string, ScenarioQueue>
  readonly stats: CallStats
  now = SIM_START
  calls = 0
  events = 0
  coreEvents = 0
  timersFired = 0

  constructor(
    readonly scenario: Scenario,
    seed: number,
    slThresholdMs: number,
    onOutcome: RunOptions["onOutcome"],
    readonly core: Core,
    readonly log: EventSink | undefined,
  ) {
    this.random = mulberry32(seed)
    this.queues = new Map(scenario.queues.map((q) => [q.queueId, q]))
    this.stats = new CallStats(scenario.queues, slThresholdMs, onOutcome)
  }

  /** Run a command at the current virtual time and react to what the core did. */
  send(command: RoutingCommand): void {
    this.react(this.core.driver.execute(command, this.now))
  }

  /** Every rep accepts every offer the moment it is made; the call then lasts a random while. */
  react(events: readonly CenterEvent[]): void {
    this.coreEvents += events.length
    const log = this.log
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as CenterEvent
      if (log !== undefined) log.line(`{"at":${this.now},"core":${JSON.stringify(event)}}`)
      if (event._tag === "OfferMade") {
        this.send({ _tag: "AcceptOffer", offerId: event.offerId, repId: event.repId })
      } else if (event._tag === "OfferAccepted") {
        const queue = this.queueOf(this.stats.answered(event.itemId, event.at))
        const handleMs = exponentialMs(this.random, queue.meanHandleMs)
        this.agenda.schedule(event.at + handleMs, {
          _tag: "Completion",
          itemId: event.itemId,
          repId: event.repId,
        })
      }
    }
  }

  queueOf(queueId: string): ScenarioQueue {
    const queue = this.queues.get(queueId)
    if (queue === undefined) throw new Error(`no queue ${queueId} in the scenario`)
    return queue
  }

  scheduleArrival(queue: ScenarioQueue, after: number): void {
    this.agenda.schedule(after + exponentialMs(this.random, queue.meanInterArrivalMs), {
      _tag: "Arrival",
      queueId: queue.queueId,
    })
  }

  /** R5: what the core would tell this caller now: the EWT of the next place in line. */
  ewtForNewCaller(queueId: string): number | null {
    const queue = this.core.router().queues.get(queueId)
    return queue === undefined ? null : ewtAtPosition(staffing(queue), queue.waiting.size + 1)
  }

  arrive(queue: ScenarioQueue): void {
    const itemId = `call-${++this.calls}`
    this.stats.arrived(itemId, queue.queueId, this.now, this.ewtForNewCaller(queue.queueId))
    this.scheduleArrival(queue, this.now)
    this.send({ _tag: "EnqueueItem", itemId, queueId: queue.queueId })
    // Patience matters only to a caller who has to wait (most calls of a day are answered at once).
    if (queue.meanPatienceMs !== undefined && this.stats.isWaiting(itemId)) {
      const patienceMs = exponentialMs(this.random, queue.meanPatienceMs)
      this.agenda.schedule(this.now + patienceMs, { _tag: "PatienceEnds", itemId })
    }
  }

  happen(event: SimEvent): void {
    this.events += 1
    if (this.log !== undefined) this.log.line(`{"at":${this.now},"sim":${JSON.stringify(event)}}`)
    switch (event._tag) {
      case "Completion":
        this.send({ _tag: "CompleteWork", itemId: event.itemId, repId: event.repId })
        return
      case "PatienceEnds":
        // A caller still waiting when patience ends hangs up: the core's AbandonItem.
        if (!this.stats.isWaiting(event.itemId)) return
        this.stats.abandoned(event.itemId, this.now)
        this.send({ _tag: "AbandonItem", itemId: event.itemId })
        return
      case "Arrival":
        this.arrive(this.queueOf(event.queueId))
        return
    }
  }

  /** Core timers and simulator events in time order up to `end`; a timer first on a tie. */
  run(end: number): void {
    const driver = this.core.driver
    for (;;) {
      const timerAt = driver.nextTimerAt()
      const eventAt = this.agenda.peekAt()
      if (timerAt !== undefined && timerAt <= end && (eventAt === undefined || timerAt <= eventAt)) {
        this.now = Math.max(this.now, timerAt)
        this.timersFired += 1
        this.react(driver.fireNextTimer())
        continue
      }
      const next = this.agenda.next(end)
      if (next === undefined) break
      this.now = next.at
      this.happen(next.event)
    }
    this.now = end
  }
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
  core = "center",
  events,
}: RunOptions): Summary => {
  const sim = new Simulation(
    scenario,
    seed,
    slThresholdMs,
    onOutcome,
    typeof core === "string" ? fastCore(core) : core,
    events,
  )
  try {
    for (const command of setupCommands(scenario)) sim.send(command)
    for (const queue of scenario.queues) sim.scheduleArrival(queue, SIM_START)
    sim.run(SIM_START + hours * HOUR)
  } finally {
    sim.core.dispose()
  }
  return {
    scenario: scenario.name,
    seed,
    hours,
    calls: sim.calls,
    events: sim.events,
    coreEvents: sim.coreEvents,
    timersFired: sim.timersFired,
    queues: sim.stats.summary(),
  }
}
