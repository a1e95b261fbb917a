import type { CenterCommand, CenterEvent } from "@lifeline/core"
import { centerDomain, routingDomain } from "./engine/domains"
import { type Core, type CoreDriver, FastDriver } from "./engine/driver"
import type { EventSink } from "./engine/event-log"
import { type EmergencyTally, Simulation } from "./engine/simulation"
import { WaitingWatch } from "./engine/waiting-watch"
import { IntervalStats } from "./interval-stats"
import { BUILT_IN_SCENARIO, type Scenario } from "./scenario"
import { presenceChanges, SIM_DAY, setupCommands } from "./scenario-setup"
import type { CallOutcome, QueueSummary } from "./stats"

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
  /** Called after each simulator event (progress bar). */
  readonly onStep?: ((sim: Simulation) => void) | undefined
  /** Collect per-interval statistics for the plots, with intervals of this length. */
  readonly intervalMs?: number | undefined
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
  /** E1/E4: emergency calls reps dialled; absent when the scenario has none. */
  readonly emergency?: EmergencyTally
  /** Per-interval statistics, when `intervalMs` was given. */
  readonly intervals?: IntervalStats
  /** Virtual time the run started (ms since the epoch). */
  readonly startAt: number
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

/** Where a run starts (offset from SIM_DAY) and how long it lasts: `hours`, else the scenario's window, else 1 h. */
export const runWindow = (scenario: Scenario, hours: number | undefined) => {
  const window = scenario.simulation
  return {
    startMs: window?.startMs ?? DEFAULT_START_MS,
    runHours: hours ?? (window === undefined ? 1 : (window.endMs - window.startMs) / HOUR),
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
  onStep,
  intervalMs,
}: RunOptions): Summary => {
  const window = scenario.simulation
  const { startMs, runHours } = runWindow(scenario, hours)
  const start = SIM_DAY + startMs
  const end = start + runHours * HOUR
  const threshold = slThresholdMs ?? window?.slThresholdMs ?? 20_000
  const driver = typeof core === "string" ? fastCore(core) : core
  const intervals =
    intervalMs === undefined
      ? undefined
      : new IntervalStats(
          scenario.queues.map((q) => q.queueId),
          start,
          intervalMs,
          threshold,
        )
  const outcome =
    intervals === undefined
      ? onOutcome
      : (call: CallOutcome) => {
          intervals.settled(call.queueId, call.arrivedAt, call.waitMs, call.answered)
          onOutcome?.(call)
        }
  const step =
    intervals === undefined
      ? onStep
      : (s: Simulation) => {
          const event = s.lastEvent
          if (event?._tag === "Arrival") intervals.arrived(event.queueId, s.now)
          onStep?.(s)
        }
  const sim = new Simulation(
    scenario,
    start,
    seed,
    threshold,
    outcome,
    driver,
    events,
    step,
    intervals === undefined ? undefined : new WaitingWatch(intervals, driver.router),
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
    sim.scheduleEmergency(start)
    sim.run(end)
    intervals?.finish(end)
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
    ...(scenario.emergency === undefined ? {} : { emergency: sim.emergency }),
    ...(intervals === undefined ? {} : { intervals }),
    startAt: start,
  }
}
