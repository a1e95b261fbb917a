import { type CenterCommand, type CenterEvent, ewtAtPosition, staffing } from "@lifeline/core"
import { Agenda, type SimEvent } from "./agenda"
import { type Distribution, type Sampler, samplerOf, wholeMs } from "./distributions"
import { centerDomain, routingDomain } from "./engine/domains"
import { type Core, type CoreDriver, FastDriver } from "./engine/driver"
import type { EventSink } from "./engine/event-log"
import { nextArrival } from "./profile"
import { mulberry32, type Random } from "./random"
import { BUILT_IN_SCENARIO, type Scenario, type ScenarioQueue } from "./scenario"
import { presenceChanges, SIM_DAY, setupCommands } from "./scenario-setup"
import { type CallOutcome, CallStats, type QueueSummary } from "./stats"

export type { CallOutcome, QueueSummary } from "./stats"

/** Virtual time starts here (a Monday, 08:00 UTC) unless the scenario says otherwise. */
export const SIM_START = Date.UTC(2025, 0, 6, 8, 0)
const HOUR = 3_600_000
const DEFAULT_START_MS = SIM_START - SIM_DAY

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
  /** Virtual hours from the start; default: the scenario's own simulation window, else 1. */
  readonly hours?: number | undefined
  readonly scenario?: Scenario
  /** Service-level threshold (default: the scenario's, else 20 s). */
  readonly slThresholdMs?: number | undefined
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

/** A queue with its samplers worked out once. */
interface QueueRun {
  readonly queue: ScenarioQueue
  readonly ratePerMs: number
  readonly handle: Sampler
  readonly patience: Sampler | undefined
}

const exponential = (mean: number): Distribution => ({ _tag: "Exponential", mean })

const queueRun = (queue: ScenarioQueue): QueueRun => {
  const patience =
    queue.patience ?? (queue.meanPatienceMs === undefined ? undefined : exponential(queue.meanPatienceMs))
  return {
    queue,
    ratePerMs: 1 / queue.meanInterArrivalMs,
    handle: samplerOf(queue.handleTime ?? exponential(queue.meanHandleMs)),
    patience: patience === undefined ? undefined : samplerOf(patience),
  }
}

class Simulation {
  readonly agenda = new Agenda()
  readonly random: Random
  readonly queues: ReadonlyMap<string, QueueRun>
  readonly stats: CallStats
  now: number
  calls = 0
  events = 0
  coreEvents = 0
  timersFired = 0

  constructor(
    readonly scenario: Scenario,
    readonly start: number,
    seed: number,
    slThresholdMs: number,
    onOutcome: RunOptions["onOutcome"],
    readonly core: Core,
    readonly log: EventSink | undefined,
  ) {
    this.now = start
    this.random = mulberry32(seed)
    this.queues = new Map(scenario.queues.map((q) => [q.queueId, queueRun(q)]))
    this.stats = new CallStats(scenario.queues, slThresholdMs, onOutcome)
  }

  /** Run a command at the current virtual time and react to what the core did. */
  send(command: CenterCommand): void {
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
        const run = this.queueOf(this.stats.answered(event.itemId, event.at))
        const handleMs = wholeMs(run.handle(this.random))
        this.agenda.schedule(event.at + handleMs, {
          _tag: "Completion",
          itemId: event.itemId,
          repId: event.repId,
        })
      }
    }
  }

  queueOf(queueId: string): QueueRun {
    const queue = this.queues.get(queueId)
    if (queue === undefined) throw new Error(`no queue ${queueId} in the scenario`)
    return queue
  }

  scheduleArrival(run: QueueRun, after: number): void {
    const at = nextArrival(this.random, run.queue.profile, run.ratePerMs, after)
    if (at !== Number.POSITIVE_INFINITY)
      this.agenda.schedule(at, { _tag: "Arrival", queueId: run.queue.queueId })
  }

  /** R5: what the core would tell this caller now: the EWT of the next place in line. */
  ewtForNewCaller(queueId: string): number | null {
    const queue = this.core.router().queues.get(queueId)
    return queue === undefined ? null : ewtAtPosition(staffing(queue), queue.waiting.size + 1)
  }

  arrive(run: QueueRun): void {
    const queueId = run.queue.queueId
    const itemId = `call-${++this.calls}`
    this.stats.arrived(itemId, queueId, this.now, this.ewtForNewCaller(queueId))
    this.scheduleArrival(run, this.now)
    this.send({ _tag: "EnqueueItem", itemId, queueId })
    // Patience matters only to a caller who has to wait (most calls of a day are answered at once).
    if (run.patience !== undefined && this.stats.isWaiting(itemId)) {
      const patienceMs = wholeMs(run.patience(this.random))
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
      case "PresenceChange":
        this.send({ _tag: "SetPresence", repId: event.repId, presenceId: event.presenceId })
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

/**
 * Run a scenario through the real core for `hours` of virtual time. Arrivals stop at the end;
 * calls still waiting then count as offered, neither answered nor abandoned. Synchronous.
 */
export const runSimulation = ({
  seed,
  hours,
  scenario = BUILT_IN_SCENARIO,
  slThresholdMs,
  onOutcome,
  core = "center",
  events,
}: RunOptions): Summary => {
  const window = scenario.simulation
  const startMs = window?.startMs ?? DEFAULT_START_MS
  const runHours = hours ?? (window === undefined ? 1 : (window.endMs - window.startMs) / HOUR)
  const start = SIM_DAY + startMs
  const end = start + runHours * HOUR
  const sim = new Simulation(
    scenario,
    start,
    seed,
    slThresholdMs ?? window?.slThresholdMs ?? 20_000,
    onOutcome,
    typeof core === "string" ? fastCore(core) : core,
    events,
  )
  try {
    for (const command of setupCommands(scenario)) sim.send(command)
    for (const change of presenceChanges(scenario, startMs, startMs + runHours * HOUR))
      sim.agenda.schedule(SIM_DAY + change.atMs, {
        _tag: "PresenceChange",
        repId: change.repId,
        presenceId: change.presenceId,
      })
    for (const run of sim.queues.values()) sim.scheduleArrival(run, start)
    sim.run(end)
  } finally {
    sim.core.dispose()
  }
  return {
    scenario: scenario.name,
    seed,
    hours: runHours,
    calls: sim.calls,
    events: sim.events,
    coreEvents: sim.coreEvents,
    timersFired: sim.timersFired,
    queues: sim.stats.summary(),
  }
}
