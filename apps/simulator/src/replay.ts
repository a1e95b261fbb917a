import type { CenterEvent } from "@lifeline/core/center"
import { wholeMs } from "./distributions"
import { centerDomain } from "./engine/domains"
import { type Core, FastDriver } from "./engine/driver"
import type { QueueRun } from "./engine/queue-run"
import { Simulation } from "./engine/simulation"
import { mulberry32, type Random } from "./random"
import { fittedMeanPatienceMs, queuesOf, type RecordedDay, type RecordedOutcome } from "./replay-day"
import type { Scenario } from "./scenario"
import { presenceChanges, SIM_DAY, setupCommands } from "./scenario-setup"
import { CallStats, type QueueSummary } from "./stats"

/**
 * Replay a real day (issue 17 Build 5, SPEC P3): the day's recorded arrivals, not sampled ones,
 * through the simulator's own driver and the real core, under the scenario's staffing and
 * overflow settings. Each call keeps its recorded handle time; a caller who hung up keeps the
 * patience they showed; a caller who was answered (whose patience the day only bounds from
 * below) gets that bound plus an exponential residual fitted to the day, or never hangs up.
 */

/** Patience of callers the day does not show hanging up (docs/simulator.md, "Replay a real day"). */
export type AnsweredPatience = "fitted" | "infinite"

export interface ReplayOptions {
  /** Queues, reps, shifts and overflow settings; its arrival rates and patience are not used. */
  readonly scenario: Scenario
  readonly seed: number
  readonly answeredPatience: AnsweredPatience
  /** Service-level threshold (default: the scenario's, else 20 s). */
  readonly slThresholdMs?: number | undefined
}

/** What became of one recorded call in the replay. */
export interface ReplayedCall {
  readonly outcome: RecordedOutcome
  /** Arrival to acceptance or hang-up; null when neither happened. */
  readonly waitMs: number | null
}

export interface ReplayResult {
  readonly day: string
  readonly scenario: string
  readonly seed: number
  readonly answeredPatience: AnsweredPatience
  /** Per queue, the day as recorded and as replayed, by the same metric definitions. */
  readonly recorded: readonly QueueSummary[]
  readonly replayed: readonly QueueSummary[]
  /** Per queue, the fitted mean patience (ms); null when nobody hung up. */
  readonly meanPatienceMs: Readonly<Record<string, number | null>>
  /** The day's calls in arrival order, as replayed. */
  readonly calls: readonly ReplayedCall[]
}

const DAY_MS = 86_400_000
/** After the day's last arrival the replay runs on this long, so every call waiting can end. */
const DRAIN_MS = DAY_MS

/** The scenario's staffing and settings for the day's queues: no sampled patience, no emergencies. */
const replayScenario = (scenario: Scenario, day: RecordedDay, slThresholdMs: number): Scenario => {
  const known = new Set(scenario.queues.map((q) => q.queueId))
  for (const queueId of queuesOf(day))
    if (!known.has(queueId))
      throw new RangeError(`queue '${queueId}' took calls on ${day.day} but is not in the scenario`)
  const { emergency: _emergency, ...rest } = scenario
  return {
    ...rest,
    queues: scenario.queues.map(({ patience: _p, meanPatienceMs: _m, ...queue }) => queue),
    simulation: { startMs: 0, endMs: DAY_MS, slThresholdMs, seed: 0 },
  }
}

/** Each caller's patience from arrival (ms); undefined: never hangs up. */
const patiences = (day: RecordedDay, mode: AnsweredPatience, random: Random): (number | undefined)[] => {
  const means = new Map(queuesOf(day).map((q) => [q, fittedMeanPatienceMs(day.calls, q)]))
  return day.calls.map((call) => {
    if (call.outcome === "abandoned" && call.waitMs !== null) return call.waitMs
    const mean = means.get(call.queueId)
    if (mode === "infinite" || mean === undefined) return undefined
    // Exponential patience is memoryless: given it outlasted the recorded wait, the rest is Exp(mean).
    return (call.waitMs ?? 0) + Math.max(1, Math.round(-mean * Math.log(1 - random())))
  })
}

/**
 * The simulator's run with the day's calls put in, through its `callTimes` hooks: each arrival
 * is matched to its recorded call (arrivals are scheduled in the day's order), gets that caller's
 * patience, and its talk lasts the recorded handle time. A call the day did not see served (it
 * is now) draws a handle time from those recorded in its queue.
 */
class ReplaySimulation extends Simulation {
  private readonly callOf = new Map<string, number>()
  readonly outcomes: ReplayedCall[]

  constructor(
    scenario: Scenario,
    seed: number,
    slThresholdMs: number,
    core: Core,
    private readonly day: RecordedDay,
    patienceMs: readonly (number | undefined)[],
  ) {
    super(scenario, SIM_DAY, seed, slThresholdMs, undefined, core, undefined)
    this.outcomes = day.calls.map(() => ({ outcome: "other", waitMs: null }))
    const recorded = new Map<string, number[]>()
    for (const call of day.calls) {
      if (call.handleMs === null) continue
      const handles = recorded.get(call.queueId)
      if (handles === undefined) recorded.set(call.queueId, [call.handleMs])
      else handles.push(call.handleMs)
    }
    this.callTimes = {
      patienceMs: (n, itemId) => {
        this.callOf.set(itemId, n - 1)
        return patienceMs[n - 1]
      },
      handleMs: (itemId, run, random) =>
        wholeMs(this.handleOf(itemId, run, recorded.get(run.queue.queueId) ?? [], random)),
    }
  }

  /** Events one at a time, so that each is seen before the simulator reacts to it. */
  override react(events: readonly CenterEvent[]): void {
    for (const event of events) {
      this.observe(event)
      super.react([event])
    }
  }

  private observe(event: CenterEvent): void {
    switch (event._tag) {
      case "OfferAccepted":
        this.settle(event.itemId, "answered")
        return
      case "ItemAbandoned":
        this.settle(event.itemId, "abandoned")
        return
      case "CallbackRequested":
      case "ItemClosed":
        this.settle(event._tag === "ItemClosed" ? event.itemId : event.callbackId, "other")
        return
      default:
        return
    }
  }

  /** The first end of a call's wait is its outcome (a callback's later acceptance is the rep's). */
  private settle(itemId: string, outcome: RecordedOutcome): void {
    const index = this.callOf.get(itemId)
    if (index === undefined || this.outcomes[index]?.waitMs !== null) return
    const arrivedAt = SIM_DAY + ((this.day.calls[index]?.arrivedAt as number) - this.day.from)
    this.outcomes[index] = { outcome, waitMs: this.now - arrivedAt }
  }

  private handleOf(itemId: string, run: QueueRun, recorded: readonly number[], random: Random): number {
    const index = this.callOf.get(itemId)
    const handleMs = index === undefined ? null : (this.day.calls[index]?.handleMs ?? null)
    if (handleMs !== null) return handleMs
    return recorded.length === 0
      ? run.handle(random)
      : (recorded[Math.floor(random() * recorded.length)] as number)
  }
}

/** The day as recorded, by the simulator's own metric definitions (stats.ts, analysis/metrics.ts). */
const recordedSummary = (scenario: Scenario, day: RecordedDay, slThresholdMs: number): QueueSummary[] => {
  const stats = new CallStats(scenario.queues, slThresholdMs)
  day.calls.forEach((call, i) => {
    const id = String(i)
    stats.arrived(id, call.queueId, call.arrivedAt)
    if (call.waitMs === null) return
    if (call.outcome === "answered") stats.answered(id, call.arrivedAt + call.waitMs)
    else if (call.outcome === "abandoned") stats.abandoned(id, call.arrivedAt + call.waitMs)
  })
  return stats.summary()
}

/** The center's pure domain driven directly, as `run` drives it (ARCHITECTURE rule 3). */
const centerCore = (): Core => {
  const driver = new FastDriver(centerDomain)
  return { kind: "center", driver, router: () => driver.state.routing, dispose: () => {} }
}

/** Run the recorded day again under `options.scenario`'s staffing and overflow settings. */
export const replayDay = (day: RecordedDay, options: ReplayOptions): ReplayResult => {
  const slThresholdMs = options.slThresholdMs ?? options.scenario.simulation?.slThresholdMs ?? 20_000
  const scenario = replayScenario(options.scenario, day, slThresholdMs)
  // Its own stream, so the scenario's streams (callers pressing 1, customers answering) stay put.
  const patienceMs = patiences(day, options.answeredPatience, mulberry32(options.seed ^ 0x5eed_da11))
  const sim = new ReplaySimulation(scenario, options.seed, slThresholdMs, centerCore(), day, patienceMs)
  for (const command of setupCommands(scenario)) sim.send(command)
  for (const change of presenceChanges(scenario, 0, DAY_MS + DRAIN_MS))
    sim.agenda.schedule(SIM_DAY + change.atMs, {
      _tag: "PresenceChange",
      repId: change.repId,
      presenceId: change.presenceId,
    })
  // The day's arrivals and no others: a stop rule that no sampled arrival passes.
  sim.budget = { left: day.calls.length, until: Number.NEGATIVE_INFINITY, stoppedAt: undefined }
  for (const call of day.calls)
    sim.agenda.schedule(SIM_DAY + (call.arrivedAt - day.from), { _tag: "Arrival", queueId: call.queueId })
  sim.run(SIM_DAY + DAY_MS + DRAIN_MS)
  return {
    day: day.day,
    scenario: options.scenario.name,
    seed: options.seed,
    answeredPatience: options.answeredPatience,
    recorded: recordedSummary(scenario, day, slThresholdMs),
    replayed: sim.stats.summary(),
    meanPatienceMs: Object.fromEntries(
      queuesOf(day).map((q) => [q, fittedMeanPatienceMs(day.calls, q) ?? null]),
    ),
    calls: sim.outcomes,
  }
}
