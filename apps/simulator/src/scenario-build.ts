import { DEFAULT_REGIONS, dialDigits, numberKind, regionOf, regionTable } from "@lifeline/core/emergency"
import { BASE_PRESENCES } from "@lifeline/core/routing"
import { Result } from "effect"
import { type Distribution, distributionMean as meanOf } from "./distributions"
import { type ArrivalProfile, BUILT_IN_PROFILES, DAY_MS } from "./profile"
import type {
  Scenario,
  ScenarioBreak,
  ScenarioEmergency,
  ScenarioOfferAnswer,
  ScenarioOverflow,
  ScenarioPresence,
  ScenarioQueue,
  ScenarioRep,
  ScenarioScheduledCallbacks,
  ScenarioSimulation,
} from "./scenario"
import type { DistributionFile, QueueFile, RepFile, ScenarioFile } from "./scenario-file"

/** One problem with a scenario file, at a field path such as `queues[2].handleTime.mean`. */
export interface Issue {
  readonly path: string
  readonly message: string
}

const SECOND = 1000
const MINUTE = 60_000
export const DEFAULT_BREAK_PRESENCE = "break"
const DEFAULT_RING_TIME: Distribution = { _tag: "Deterministic", value: 10 * SECOND }
const DEFAULT_THINK_TIME: Distribution = { _tag: "Deterministic", value: 3 * SECOND }
const DEFAULT_PSAP_CALL: Distribution = { _tag: "Exponential", mean: 5 * MINUTE }

/** "08:30" → 8.5 h in ms (the schema has checked the form). */
export const clockMs = (clock: string): number => {
  const [h, m] = clock.split(":").map(Number)
  return ((h as number) * 60 + (m as number)) * MINUTE
}

/** The checks and conversions of one file; each problem is pushed with its path. */
class Builder {
  readonly issues: Issue[] = []

  issue(path: string, message: string): void {
    this.issues.push({ path, message })
  }

  distribution(d: DistributionFile, path: string): Distribution {
    switch (d.type) {
      case "exponential":
        return { _tag: "Exponential", mean: d.mean * SECOND }
      case "deterministic":
        return { _tag: "Deterministic", value: d.value * SECOND }
      case "lognormal":
        return { _tag: "Lognormal", mean: d.mean * SECOND, sd: d.sd * SECOND }
      case "erlang":
        return { _tag: "Erlang", k: d.k, mean: d.mean * SECOND }
      case "uniform":
        if (d.max < d.min) this.issue(`${path}.max`, "must be >= min")
        return { _tag: "Uniform", min: d.min * SECOND, max: d.max * SECOND }
      case "empirical": {
        const values = d.values.map((v) => v * SECOND)
        if (d.weights === undefined) return { _tag: "Empirical", values }
        if (d.weights.length !== d.values.length)
          this.issue(`${path}.weights`, `must have one weight per value (${d.values.length})`)
        else if (!d.weights.some((w) => w > 0)) this.issue(`${path}.weights`, "must not all be 0")
        return { _tag: "Empirical", values, weights: d.weights }
      }
    }
  }

  profile(p: NonNullable<QueueFile["arrivals"]["profile"]>, path: string): ArrivalProfile | undefined {
    if (typeof p === "string") {
      const builtIn = BUILT_IN_PROFILES[p]
      if (builtIn === undefined)
        this.issue(path, `unknown profile '${p}'; built-in: ${Object.keys(BUILT_IN_PROFILES).join(", ")}`)
      return builtIn
    }
    const intervalMs =
      p.intervalMinutes === undefined ? DAY_MS / p.factors.length : p.intervalMinutes * MINUTE
    if (!Number.isInteger(intervalMs) || p.factors.length * intervalMs !== DAY_MS) {
      const minutes = Number((intervalMs / MINUTE).toFixed(2))
      this.issue(`${path}.factors`, `${p.factors.length} factors of ${minutes} min do not make 24 h`)
    } else if (!p.factors.some((f) => f > 0)) this.issue(`${path}.factors`, "must not all be 0")
    return { intervalMs, factors: p.factors }
  }

  overflow(q: QueueFile, path: string, queueIds: ReadonlySet<string>): ScenarioOverflow | undefined {
    const o = q.overflow
    if (o === undefined) return undefined
    for (const [i, rule] of o.rules.entries()) {
      if (rule.action._tag !== "TransferToQueue") continue
      const target = `${path}.overflow.rules[${i}].action.queueId`
      if (rule.action.queueId === q.id) this.issue(target, "a queue cannot overflow to itself")
      else if (!queueIds.has(rule.action.queueId))
        this.issue(target, `no queue '${rule.action.queueId}' in the scenario`)
    }
    return {
      settings: o.retry === undefined ? { rules: o.rules } : { rules: o.rules, retry: o.retry },
      pressOneProbability: o.pressOneProbability,
      callbackAnswerProbability: o.callbackAnswerProbability ?? 1,
      callbackRingTime:
        o.callbackRingTime === undefined
          ? DEFAULT_RING_TIME
          : this.distribution(o.callbackRingTime, `${path}.overflow.callbackRingTime`),
    }
  }

  queue(q: QueueFile, path: string, queueIds: ReadonlySet<string>): ScenarioQueue {
    const handleTime = this.distribution(q.handleTime, `${path}.handleTime`)
    const patience = q.patience === undefined ? undefined : this.distribution(q.patience, `${path}.patience`)
    const profile =
      q.arrivals.profile === undefined
        ? undefined
        : this.profile(q.arrivals.profile, `${path}.arrivals.profile`)
    const overflow = this.overflow(q, path, queueIds)
    const scheduledCallbacks = this.scheduledCallbacks(q, path)
    return {
      queueId: q.id,
      name: q.name ?? q.id,
      assignment: q.assignment ?? "most_idle",
      meanInterArrivalMs: 3_600_000 / q.arrivals.callsPerHour,
      meanHandleMs: meanOf(handleTime),
      handleTime,
      ...(patience === undefined ? {} : { patience, meanPatienceMs: meanOf(patience) }),
      ...(profile === undefined ? {} : { profile }),
      ...(overflow === undefined ? {} : { overflow }),
      ...(scheduledCallbacks === undefined ? {} : { scheduledCallbacks }),
    }
  }

  scheduledCallbacks(q: QueueFile, path: string): ScenarioScheduledCallbacks | undefined {
    const s = q.scheduledCallbacks
    if (s === undefined) return undefined
    const at = `${path}.scheduledCallbacks`
    return {
      meanInterArrivalMs: 3_600_000 / s.callsPerHour,
      windowStart: this.distribution(s.windowStart, `${at}.windowStart`),
      windowLength: this.distribution(s.windowLength, `${at}.windowLength`),
      answerProbability: s.answerProbability ?? 1,
      ringTime:
        s.ringTime === undefined ? DEFAULT_RING_TIME : this.distribution(s.ringTime, `${at}.ringTime`),
    }
  }

  offers(r: RepFile, path: string): ScenarioOfferAnswer | undefined {
    const o = r.offers
    if (o === undefined) return undefined
    const declineProbability = o.declineProbability ?? 0
    const noAnswerProbability = o.noAnswerProbability ?? 0
    if (declineProbability + noAnswerProbability > 1)
      this.issue(
        `${path}.offers.noAnswerProbability`,
        "declineProbability + noAnswerProbability must be <= 1",
      )
    return {
      declineProbability,
      noAnswerProbability,
      thinkTime:
        o.thinkTime === undefined
          ? DEFAULT_THINK_TIME
          : this.distribution(o.thinkTime, `${path}.offers.thinkTime`),
    }
  }

  breaks(
    r: RepFile,
    path: string,
    shift: ScenarioRep["shift"],
    presences: ReadonlySet<string>,
  ): ScenarioBreak[] {
    const breaks: ScenarioBreak[] = []
    for (const [i, b] of (r.breaks ?? []).entries()) {
      const at = clockMs(b.at)
      const item = {
        atMs: at,
        durationMs: Math.round(b.minutes * MINUTE),
        presenceId: b.presence ?? DEFAULT_BREAK_PRESENCE,
      }
      const field = `${path}.breaks[${i}]`
      const previous = breaks[breaks.length - 1]
      if (!presences.has(item.presenceId))
        this.issue(
          `${field}.presence`,
          `no presence '${item.presenceId}': a base presence or one of presences`,
        )
      if (shift !== undefined && (at < shift.startMs || at + item.durationMs > shift.endMs))
        this.issue(`${field}.at`, "the break must lie inside the shift")
      if (previous !== undefined && at < previous.atMs + previous.durationMs)
        this.issue(`${field}.at`, "breaks must be in clock order and not overlap")
      breaks.push(item)
    }
    return breaks
  }

  /** One listed rep or a group, expanded. */
  reps(
    r: RepFile,
    path: string,
    queueIds: ReadonlySet<string>,
    presences: ReadonlySet<string>,
  ): ScenarioRep[] {
    if (r.queues.length === 0) this.issue(`${path}.queues`, "must name at least one queue")
    for (const [i, queueId] of r.queues.entries())
      if (!queueIds.has(queueId)) this.issue(`${path}.queues[${i}]`, `no queue '${queueId}' in the scenario`)
    let shift: ScenarioRep["shift"]
    if (r.shift !== undefined) {
      shift = { startMs: clockMs(r.shift.start), endMs: clockMs(r.shift.end) }
      if (shift.endMs <= shift.startMs) this.issue(`${path}.shift.end`, "must be after the start")
      else if (shift.endMs - shift.startMs > DAY_MS)
        this.issue(`${path}.shift.end`, "a shift lasts at most 24 h")
    }
    const breaks = this.breaks(r, path, shift, presences)
    const offers = this.offers(r, path)
    const base = {
      queues: r.queues,
      ...(offers === undefined ? {} : { offers }),
      ...(r.capacity === undefined ? {} : { capacity: r.capacity }),
      ...(shift === undefined ? {} : { shift }),
      ...(breaks.length === 0 ? {} : { breaks }),
    }
    if (r.id !== undefined) {
      if (r.count !== undefined || r.prefix !== undefined)
        this.issue(`${path}.id`, "a rep has an id; a group has count and prefix, not both")
      return [{ repId: r.id, ...base }]
    }
    if (r.count === undefined || r.prefix === undefined) {
      this.issue(path, "must have an id (one rep) or a count and a prefix (a group)")
      return []
    }
    const prefix = r.prefix
    return Array.from({ length: r.count }, (_, i) => ({ repId: `${prefix}${i + 1}`, ...base }))
  }

  simulation(s: ScenarioFile["simulation"]): ScenarioSimulation {
    const startMs = clockMs(s?.start ?? "00:00")
    let endMs = startMs + (s?.hours ?? 24) * 3_600_000
    if (s?.end !== undefined) {
      if (s.hours !== undefined) this.issue("simulation.end", "give hours or end, not both")
      endMs = clockMs(s.end)
      if (endMs <= startMs) this.issue("simulation.end", "must be after the start")
    }
    return {
      startMs,
      endMs: Math.round(endMs),
      slThresholdMs: Math.round((s?.slThresholdSeconds ?? 20) * SECOND),
      seed: s?.seed ?? 1,
    }
  }

  emergency(e: NonNullable<ScenarioFile["emergency"]>): ScenarioEmergency {
    const dialString = e.dialString ?? "911"
    const region = e.region ?? "US"
    const policy = regionOf(regionTable(DEFAULT_REGIONS), region)
    const digits = dialDigits(dialString)
    if (policy === undefined) this.issue("emergency.region", `'${region}' is not a supported region (E1)`)
    else if (digits === undefined || numberKind(policy, digits) === undefined)
      this.issue(
        "emergency.dialString",
        `'${dialString}' is not an emergency or test number in ${region} (E1)`,
      )
    const psap = e.psapCallback
    return {
      callsPerDay: e.callsPerDay,
      duration: this.distribution(e.duration, "emergency.duration"),
      dialString,
      region,
      ...(e.dropProbability === undefined ? {} : { dropProbability: e.dropProbability }),
      ...(psap === undefined
        ? {}
        : {
            psapCallback: {
              probability: psap.probability,
              delay: this.distribution(psap.delay, "emergency.psapCallback.delay"),
              duration:
                psap.duration === undefined
                  ? DEFAULT_PSAP_CALL
                  : this.distribution(psap.duration, "emergency.psapCallback.duration"),
            },
          }),
    }
  }
}

const presencesOf = (b: Builder, file: ScenarioFile): ScenarioPresence[] => {
  const presences: ScenarioPresence[] = []
  for (const [i, p] of (file.presences ?? []).entries()) {
    if ((BASE_PRESENCES as readonly string[]).includes(p.id) || presences.some((q) => q.presenceId === p.id))
      b.issue(`presences[${i}].id`, `'${p.id}' is already a presence`)
    presences.push({ presenceId: p.id, label: p.label ?? p.id, base: p.base })
  }
  const usesDefault = file.reps.some((r) => (r.breaks ?? []).some((x) => x.presence === undefined))
  if (usesDefault && !presences.some((p) => p.presenceId === DEFAULT_BREAK_PRESENCE))
    presences.push({ presenceId: DEFAULT_BREAK_PRESENCE, label: "Break", base: "away" })
  return presences
}

/** The cross-field checks, then the runner's `Scenario`; every problem at once, or the scenario. */
export const scenarioOf = (file: ScenarioFile): Result.Result<Scenario, Issue[]> => {
  const b = new Builder()
  const queueIds = new Set<string>()
  for (const [i, q] of file.queues.entries()) {
    if (queueIds.has(q.id)) b.issue(`queues[${i}].id`, `duplicate queue id '${q.id}'`)
    queueIds.add(q.id)
  }
  const presences = presencesOf(b, file)
  const presenceIds = new Set<string>([...BASE_PRESENCES, ...presences.map((p) => p.presenceId)])
  const reps: ScenarioRep[] = []
  const repIds = new Set<string>()
  for (const [i, r] of file.reps.entries()) {
    for (const rep of b.reps(r, `reps[${i}]`, queueIds, presenceIds)) {
      if (repIds.has(rep.repId)) b.issue(`reps[${i}]`, `duplicate rep id '${rep.repId}'`)
      repIds.add(rep.repId)
      reps.push(rep)
    }
  }
  const queues = file.queues.map((q, i) => b.queue(q, `queues[${i}]`, queueIds))
  for (const [i, q] of queues.entries()) {
    const offersCallbacks =
      q.overflow?.settings.rules.some((r) => r.action._tag === "DirectCallback") ?? false
    if (offersCallbacks && !reps.some((r) => r.queues.includes(q.queueId)))
      b.issue(`queues[${i}].overflow.rules`, "a queue offering callbacks needs reps") // C9
  }
  const simulation = b.simulation(file.simulation)
  const emergency = file.emergency === undefined ? undefined : b.emergency(file.emergency)
  if (b.issues.length > 0) return Result.fail(b.issues)
  return Result.succeed({
    name: file.name,
    queues,
    reps,
    simulation,
    ...(presences.length === 0 ? {} : { presences }),
    ...(emergency === undefined ? {} : { emergency }),
  })
}
