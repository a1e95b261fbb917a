import type { CenterCommand, CenterEvent } from "@lifeline/core/center"
import type { SimEvent } from "./agenda"
import { centerDomain, routingDomain } from "./engine/domains"
import { type Core, type CoreDriver, FastDriver } from "./engine/driver"
import type { EventSink } from "./engine/event-log"
import { runLockstep } from "./engine/lockstep"
import { mergeRealism, type RealismTally } from "./engine/realism"
import { type ArrivalBudget, type EmergencyTally, Simulation, type TalkHook } from "./engine/simulation"
import { IntervalStats } from "./interval-stats"
import { type Component, componentPrefix, componentSeed, partition } from "./partition"
import { IntervalWatch, talkHook } from "./report/interval-watch"
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

/**
 * A core drives one component of the center (partition.ts): pass a `Core` only for a scenario of
 * one component, or a function that makes one per component (`(k) => effectCore(SIM_START)`).
 */
export type CoreChoice = "center" | "routing" | Core | ((component: number) => Core)

/** What a step callback sees: the run's virtual time and counts so far (a simulation, or all of them). */
export interface SimProgress {
  readonly now: number
  readonly start: number
  readonly calls: number
  readonly events: number
  /** The simulator event handled last. */
  readonly lastEvent: SimEvent | undefined
}

export interface RunOptions {
  readonly seed: number
  /** Virtual hours from the start; default: the scenario's own simulation window, else 1. */
  readonly hours?: number | undefined
  readonly scenario?: Scenario
  /** Service-level threshold (default: the scenario's, else 20 s). */
  readonly slThresholdMs?: number | undefined
  /** Called as each call is answered or abandoned, in virtual-time order (for batch means). */
  readonly onOutcome?: ((outcome: CallOutcome) => void) | undefined
  readonly core?: CoreChoice
  /** Every simulator and core event, as JSON lines with the virtual time (SPEC B7 event log). */
  readonly events?: EventSink | undefined
  /** Called after each simulator event (progress bar). */
  readonly onStep?: ((sim: SimProgress) => void) | undefined
  /** Collect per-interval statistics (the interval report), with intervals of this length. */
  readonly intervalMs?: number | undefined
  /**
   * Stop rule (issue 17): no more than this many calls arrive in the whole center. Without
   * `hours`, the run goes on until they have (the scenario's window no longer ends it).
   */
  readonly arrivals?: number | undefined
  /**
   * After the arrivals stop (at `hours`, or the `arrivals`-th call), run on until every call
   * still waiting has been answered or has hung up (at most a day), so a measurement has the
   * outcome of every call that arrived in it.
   */
  readonly drain?: boolean | undefined
  /** Called as a rep starts talking to a call (occupancy). */
  readonly onTalk?: TalkHook | undefined
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
  /** Issue 17 Build 7: offers declined or let ring, PSAP callbacks, scheduled callbacks; absent without them. */
  readonly realism?: RealismTally
  /** Per-interval statistics, when `intervalMs` was given. */
  readonly intervals?: IntervalStats
  /** Virtual time the run started (ms since the epoch). */
  readonly startAt: number
  /** With a stop rule or drain: when the last call arrived, and when the run ended. */
  readonly arrivalsStoppedAt?: number
  readonly endAt?: number
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

/** A run worked out: its window, threshold and components. */
export interface RunPlan {
  readonly scenario: Scenario
  readonly seed: number
  readonly startMs: number
  readonly runHours: number
  readonly start: number
  readonly end: number
  readonly threshold: number
  readonly components: readonly Component[]
}

export const planRun = (options: RunOptions): RunPlan => {
  const scenario = options.scenario ?? BUILT_IN_SCENARIO
  const { startMs, runHours } = runWindow(scenario, options.hours)
  const start = SIM_DAY + startMs
  return {
    scenario,
    seed: options.seed,
    startMs,
    runHours,
    start,
    end: start + runHours * HOUR,
    threshold: options.slThresholdMs ?? scenario.simulation?.slThresholdMs ?? 20_000,
    components: partition(scenario),
  }
}

/** What one component's run produced: plain data (it crosses worker threads). */
export interface ComponentResult
  extends Pick<
    Summary,
    "calls" | "events" | "coreEvents" | "timersFired" | "queues" | "emergency" | "realism"
  > {
  readonly index: number
}

interface Hooks {
  /** Schedule the reps' presence changes up to here (offset from SIM_DAY); default: the run's end. */
  readonly scheduleToMs?: number | undefined
  readonly onOutcome?: ((outcome: CallOutcome) => void) | undefined
  readonly events?: EventSink | undefined
  readonly onStep?: ((sim: Simulation) => void) | undefined
  readonly intervalMs?: number | undefined
  readonly onTalk?: TalkHook | undefined
}

interface Prepared {
  readonly sim: Simulation
  readonly intervals: IntervalStats | undefined
}

/**
 * Component `k`'s simulation, set up and with its first events scheduled, on its own core. With
 * one component: the run's own seed and plain ids; with more: a seed mixed from the run's seed
 * and `k`, and ids prefixed `c<k+1>-` so no two calls of the run share one.
 */
const prepare = (plan: RunPlan, k: number, core: Core, hooks: Hooks): Prepared => {
  const components = plan.components.length
  const scenario = (plan.components[k] as Component).scenario
  const intervals =
    hooks.intervalMs === undefined
      ? undefined
      : new IntervalStats(
          scenario.queues.map((q) => q.queueId),
          plan.start,
          hooks.intervalMs,
          plan.threshold,
        )
  const onOutcome = hooks.onOutcome
  const outcome =
    intervals === undefined
      ? onOutcome
      : (call: CallOutcome) => {
          intervals.settled(call.queueId, call.arrivedAt, call.waitMs, call.answered)
          onOutcome?.(call)
        }
  const onStep = hooks.onStep
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
    plan.start,
    components === 1 ? plan.seed : componentSeed(plan.seed, k),
    plan.threshold,
    outcome,
    core,
    hooks.events,
    step,
    intervals === undefined ? undefined : new IntervalWatch(intervals, core.router),
    componentPrefix(k, components),
  )
  sim.onTalk = talkHook(intervals, hooks.onTalk)
  for (const command of setupCommands(scenario)) sim.send(command)
  schedulePresence(sim, plan.startMs, hooks.scheduleToMs ?? plan.startMs + plan.runHours * HOUR)
  for (const run of sim.queues.values()) sim.scheduleArrival(run, plan.start)
  sim.scheduleEmergency(plan.start)
  for (const run of sim.queues.values()) sim.scheduleRequest(run, plan.start)
  return { sim, intervals }
}

/** The reps' scheduled presence changes after `fromMs` up to `toMs` (offsets from SIM_DAY) on the agenda. */
const schedulePresence = (sim: Simulation, fromMs: number, toMs: number): void => {
  for (const change of presenceChanges(sim.scenario, fromMs, toMs))
    sim.agenda.schedule(SIM_DAY + change.atMs, {
      _tag: "PresenceChange",
      repId: change.repId,
      presenceId: change.presenceId,
    })
}

const resultOf = (k: number, sim: Simulation): ComponentResult => ({
  index: k,
  calls: sim.calls,
  events: sim.events,
  coreEvents: sim.coreEvents,
  timersFired: sim.timersFired,
  queues: sim.stats.summary(),
  ...(sim.scenario.emergency === undefined ? {} : { emergency: sim.emergency }),
  ...(sim.realism === undefined ? {} : { realism: sim.realism }),
})

const coreMaker = (core: CoreChoice, components: number): ((k: number) => Core) => {
  if (typeof core === "string") return () => fastCore(core)
  if (typeof core === "function") return core
  if (components > 1)
    throw new Error(
      `this scenario is ${components} independent components, each on its own core: pass a function that makes a core per component`,
    )
  return () => core
}

/**
 * Component `k` run on its own from start to end, on a fast core: what a worker thread does
 * (./workers.ts), and what a plain run does one component after another.
 */
export const runComponent = (plan: RunPlan, k: number, core: "center" | "routing"): ComponentResult => {
  const driver = fastCore(core)
  try {
    const { sim } = prepare(plan, k, driver, {})
    sim.run(plan.end)
    return resultOf(k, sim)
  } finally {
    driver.dispose()
  }
}

/** Each component's interval statistics closed at `at`, merged into one (none when not asked for). */
const finishIntervals = (plan: RunPlan, parts: readonly (IntervalStats | undefined)[], at: number) => {
  for (const p of parts) p?.finish(at)
  const kept = parts.filter((p): p is IntervalStats => p !== undefined)
  return kept.length <= 1
    ? kept[0]
    : IntervalStats.merge(
        plan.scenario.queues.map((q) => q.queueId),
        kept,
      )
}

/** The center's summary from its components' results (any order; each queue in exactly one). */
export const mergeResults = (
  plan: RunPlan,
  results: readonly ComponentResult[],
  intervals?: IntervalStats,
): Summary => {
  const byQueue = new Map<string, QueueSummary>()
  for (const r of results) for (const q of r.queues) byQueue.set(q.queueId, q)
  const sum = (field: "calls" | "events" | "coreEvents" | "timersFired") =>
    results.reduce((n, r) => n + r[field], 0)
  const emergency = results.find((r) => r.emergency !== undefined)?.emergency
  const realism = mergeRealism(results.map((r) => r.realism))
  return {
    scenario: plan.scenario.name,
    seed: plan.seed,
    hours: plan.runHours,
    calls: sum("calls"),
    events: sum("events"),
    coreEvents: sum("coreEvents"),
    timersFired: sum("timersFired"),
    queues: plan.scenario.queues.map((q) => {
      const summary = byQueue.get(q.queueId)
      if (summary === undefined) throw new Error(`no component ran queue ${q.queueId}`)
      return summary
    }),
    ...(emergency === undefined ? {} : { emergency }),
    ...(realism === undefined ? {} : { realism }),
    ...(intervals === undefined ? {} : { intervals }),
    startAt: plan.start,
  }
}

/** Progress over all the components together, for the step callback of a lockstep run. */
const progressOver = (start: number, onStep: (p: SimProgress) => void): ((s: Simulation) => void) => {
  const total = { now: start, start, calls: 0, events: 0, lastEvent: undefined as SimEvent | undefined }
  return (s) => {
    total.now = s.now
    total.events += 1
    total.lastEvent = s.lastEvent
    if (s.lastEvent?._tag === "Arrival") total.calls += 1
    onStep(total)
  }
}

/**
 * Run a scenario through the real core for `hours` of virtual time. Arrivals stop at the end;
 * calls still waiting then count as offered, neither answered nor abandoned. Synchronous.
 *
 * The scenario's independent components (partition.ts) each run on their own core. One
 * component runs exactly as a whole center always did. Several run one after another, or, when
 * an event log, a step or an outcome callback is asked for, in lockstep (always the earliest next
 * step of any, ties to the lower index) so those see one run in virtual-time order. Either way,
 * and in worker threads (./workers.ts), every component gives the same result.
 */
export const runSimulation = (options: RunOptions): Summary => {
  if (options.arrivals !== undefined || options.drain === true) return runStopped(options)
  const plan = planRun(options)
  const { components } = plan
  const makeCore = coreMaker(options.core ?? "center", components.length)
  const lockstep =
    components.length > 1 &&
    (options.events !== undefined || options.onStep !== undefined || options.onOutcome !== undefined)
  const onStep = options.onStep
  const hooks: Hooks = {
    onOutcome: options.onOutcome,
    events: options.events,
    onStep: onStep === undefined || components.length === 1 ? onStep : progressOver(plan.start, onStep),
    intervalMs: options.intervalMs,
    onTalk: options.onTalk,
  }
  const cores: Core[] = []
  try {
    const parts: (IntervalStats | undefined)[] = []
    let results: ComponentResult[]
    if (lockstep) {
      const sims: Simulation[] = []
      for (let k = 0; k < components.length; k++) {
        cores.push(makeCore(k))
        const { sim, intervals } = prepare(plan, k, cores[k] as Core, hooks)
        sims.push(sim)
        parts.push(intervals)
      }
      runLockstep(sims, plan.end)
      results = sims.map((sim, k) => resultOf(k, sim))
    } else {
      results = []
      for (let k = 0; k < components.length; k++) {
        // A component done is let go (its core's state is large): only its summary and interval
        // statistics are kept.
        const core = makeCore(k)
        try {
          const { sim, intervals } = prepare(plan, k, core, hooks)
          sim.run(plan.end)
          results.push(resultOf(k, sim))
          parts.push(intervals)
        } finally {
          core.dispose()
        }
      }
    }
    return mergeResults(plan, results, finishIntervals(plan, parts, plan.end))
  } finally {
    for (const core of cores) core.dispose()
  }
}

/** How far a run with a stop rule goes at a time: the reps' schedule is laid out a day ahead. */
const CHUNK_MS = 24 * HOUR
/** The longest a run drains after its arrivals stop. */
const DRAIN_MS = 24 * HOUR

/**
 * A run with a stop rule (`arrivals`) or a drain (issue 17): every component in one thread, in
 * lockstep (the arrival budget is the center's, so the first N calls are taken in time order),
 * a day at a time until the arrivals stop, then on until no call is left waiting.
 */
const runStopped = (options: RunOptions): Summary => {
  const plan = planRun(options)
  const end =
    options.hours === undefined && options.arrivals !== undefined ? Number.POSITIVE_INFINITY : plan.end
  const budget: ArrivalBudget = {
    left: options.arrivals ?? Number.POSITIVE_INFINITY,
    until: end,
    stoppedAt: undefined,
  }
  const makeCore = coreMaker(options.core ?? "center", plan.components.length)
  const onStep = options.onStep
  const hooks: Hooks = {
    // Nothing yet: each chunk lays out its own part of the schedule.
    scheduleToMs: plan.startMs,
    onOutcome: options.onOutcome,
    events: options.events,
    onStep: onStep === undefined || plan.components.length === 1 ? onStep : progressOver(plan.start, onStep),
    intervalMs: options.intervalMs,
    onTalk: options.onTalk,
  }
  const cores: Core[] = []
  try {
    const sims: Simulation[] = []
    const parts: (IntervalStats | undefined)[] = []
    for (let k = 0; k < plan.components.length; k++) {
      cores.push(makeCore(k))
      const { sim, intervals } = prepare(plan, k, cores[k] as Core, hooks)
      sim.budget = budget
      sims.push(sim)
      parts.push(intervals)
    }
    // Changes in (from, to]: presenceChanges leaves out both ends, and times are whole ms.
    const advance = (from: number, to: number) => {
      for (const sim of sims) schedulePresence(sim, from - SIM_DAY, to + 1 - SIM_DAY)
      if (sims.length === 1) (sims[0] as Simulation).run(to)
      else runLockstep(sims, to)
    }
    let at = plan.start
    while (budget.left > 0 && at < end) {
      const to = Math.min(end, at + CHUNK_MS)
      advance(at, to)
      at = to
    }
    const stoppedAt = budget.stoppedAt ?? Math.min(at, end)
    const drainEnd = at + DRAIN_MS
    while (options.drain === true && at < drainEnd && sims.some((s) => s.stats.waitingCount > 0)) {
      const to = Math.min(drainEnd, at + HOUR)
      advance(at, to)
      at = to
    }
    const intervals = finishIntervals(plan, parts, at)
    const merged = mergeResults(
      plan,
      sims.map((sim, k) => resultOf(k, sim)),
      intervals,
    )
    return { ...merged, hours: (stoppedAt - plan.start) / HOUR, arrivalsStoppedAt: stoppedAt, endAt: at }
  } finally {
    for (const core of cores) core.dispose()
  }
}
