import { Result } from "effect"
import { callbackModule } from "../callback/module"
import { emergencyModule } from "../emergency/module"
import { outboxModule } from "../outbox/module"
import type { TimerChange } from "../ports/timer"
import { InvalidField } from "../routing/errors"
import type { RoutingEvent } from "../routing/events"
import { settle } from "../routing/state"
import { type CenterCommand, PROVIDER_COMMAND_TAGS, type ProviderCommand } from "./commands"
import type { CenterError } from "./errors"
import { CENTER_EVENT_TAGS, type CenterEvent } from "./events"
import { decideProviderDefault, linesModule } from "./lines"
import { type CenterDecision, type CenterModule, covers } from "./module"
import { routingModule } from "./routing-module"
import { type CenterState, SEEN_PROVIDER_EVENTS } from "./state"

/** Every module, in the order they see each event. */
export const CENTER_MODULES: readonly CenterModule[] = [
  routingModule,
  outboxModule,
  emergencyModule,
  callbackModule,
  linesModule,
]
/** The modules that may claim a provider event before plain routing does (E6 before C3). */
const PROVIDER_CLAIMS: readonly CenterModule[] = [emergencyModule, callbackModule]

const BY_COMMAND = new Map<string, CenterModule>()
for (const m of CENTER_MODULES) for (const tag of m.commands) BY_COMMAND.set(tag, m)

/** Every command tag the center takes. */
export const CENTER_COMMAND_TAGS: readonly string[] = [...BY_COMMAND.keys(), ...PROVIDER_COMMAND_TAGS]

const guardsOf = (tag: string | undefined): readonly CenterModule[] =>
  CENTER_MODULES.filter((m) => m.guard !== undefined && covers(m.interests?.guard, tag))
/** Per command tag, the modules whose guard may refuse it (module.ts `interests.guard`). */
const GUARDS = new Map(CENTER_COMMAND_TAGS.map((tag) => [tag, guardsOf(tag)]))
const EVERY_GUARD = guardsOf(undefined)

/** Which modules act on events of one tag, in `CENTER_MODULES` order, by their declared interests. */
interface Route {
  readonly evolve: readonly CenterModule[]
  /** The router applies its own offers as it makes them: the other modules still have to see them. */
  readonly evolveButRouting: readonly CenterModule[]
  readonly routingFollowUp: boolean
  readonly followUp: readonly CenterModule[]
  readonly timers: readonly CenterModule[]
}

const routeOf = (tag: string | undefined): Route => {
  const acts = (kind: "evolve" | "followUp" | "timers") => (m: CenterModule) =>
    covers(m.interests?.[kind], tag)
  const evolve = CENTER_MODULES.filter(acts("evolve"))
  return {
    evolve,
    evolveButRouting: evolve.filter((m) => m !== routingModule),
    routingFollowUp: acts("followUp")(routingModule),
    followUp: CENTER_MODULES.filter((m) => m.followUp !== undefined).filter(acts("followUp")),
    timers: CENTER_MODULES.filter((m) => m.timersOf !== undefined).filter(acts("timers")),
  }
}

const ROUTES = new Map<string, Route>(CENTER_EVENT_TAGS.map((tag) => [tag, routeOf(tag)]))
/** A tag not in the list reaches every module. */
const EVERY_MODULE = routeOf(undefined)
const route = (tag: string): Route => ROUTES.get(tag) ?? EVERY_MODULE

const decide = (state: CenterState, command: CenterCommand, now: number): CenterDecision => {
  const guards = GUARDS.get(command._tag) ?? EVERY_GUARD
  for (let i = 0; i < guards.length; i++) {
    const refused = (guards[i] as CenterModule).guard?.(state, command, now)
    if (refused !== undefined) return Result.fail(refused)
  }
  if (PROVIDER_COMMAND_TAGS.has(command._tag)) return decideProvider(state, command as ProviderCommand, now)
  const module = BY_COMMAND.get(command._tag)
  if (module === undefined) {
    return Result.fail(new InvalidField({ field: "_tag", message: `unknown command '${command._tag}'` }))
  }
  return module.decide(state, command, now)
}

/** N2: a provider event is acted on once; a repeat (same event id) changes nothing. */
const decideProvider = (state: CenterState, command: ProviderCommand, now: number): CenterDecision => {
  if (state.seenProviderEvents.has(command.eventId)) return Result.succeed([])
  let decided: CenterDecision | undefined
  for (const m of PROVIDER_CLAIMS) {
    decided = m.onProvider?.(state, command, now)
    if (decided !== undefined) break
  }
  decided ??= decideProviderDefault(state, command, now)
  if (Result.isFailure(decided) || decided.success.length === 0) return decided
  return Result.succeed([
    { _tag: "ProviderEventHandled", eventId: command.eventId, at: now },
    ...decided.success,
  ])
}

const evolveCenter = (state: CenterState, event: CenterEvent): void => {
  if (event._tag !== "ProviderEventHandled") return
  const seen = state.seenProviderEvents
  seen.add(event.eventId)
  if (seen.size > SEEN_PROVIDER_EVENTS) {
    const oldest = seen.values().next()
    if (oldest.done !== true) seen.delete(oldest.value)
  }
}

/** Apply one event to every module's part of the state. */
export const evolveCenterState = (state: CenterState, event: CenterEvent): void => {
  evolveCenter(state, event)
  const modules = route(event._tag).evolve
  for (let i = 0; i < modules.length; i++) (modules[i] as CenterModule).evolve(state, event)
}

/**
 * One command, start to finish: decide, apply, then run every module's follow-ups until none
 * emits more (offers the router makes, emails an emergency queues, a dial after a callback is
 * accepted). Returns every event in application order, which is what the store appends and
 * replay applies. On error nothing was applied.
 */
export const executeCenter = (
  state: CenterState,
  command: CenterCommand,
  now: number,
): Result.Result<CenterEvent[], CenterError> => {
  const decided = decide(state, command, now)
  if (Result.isFailure(decided)) return Result.fail(decided.failure)
  const out: CenterEvent[] = []
  const apply = (event: CenterEvent) => {
    evolveCenterState(state, event)
    out.push(event)
  }
  const routed: RoutingEvent[] = []
  state.routing.deferSettle = true
  try {
    for (const event of decided.success) apply(event)
    for (let i = 0; i < out.length; i++) {
      const event = out[i] as CenterEvent
      const { routingFollowUp, followUp } = route(event._tag)
      if (routingFollowUp) {
        routed.length = 0
        routingModule.followUpApplied(state, event, now, routed)
        for (const r of routed) {
          evolveCenter(state, r)
          const others = route(r._tag).evolveButRouting
          for (let j = 0; j < others.length; j++) (others[j] as CenterModule).evolve(state, r)
          out.push(r)
        }
      }
      for (let j = 0; j < followUp.length; j++)
        (followUp[j] as CenterModule).followUp?.(state, event, now, apply)
    }
  } finally {
    state.routing.deferSettle = false
    settle(state.routing)
  }
  return Result.succeed(out)
}

export const replayCenter = (state: CenterState, events: Iterable<CenterEvent>): CenterState => {
  for (const event of events) evolveCenterState(state, event)
  return state
}

export const centerTimers = (event: CenterEvent): readonly TimerChange<CenterCommand>[] => {
  let all: readonly TimerChange<CenterCommand>[] = NO_TIMERS
  const modules = route(event._tag).timers
  for (let i = 0; i < modules.length; i++) {
    const timers = (modules[i] as CenterModule).timersOf?.(event)
    if (timers !== undefined && timers.length > 0) all = all.length === 0 ? timers : [...all, ...timers]
  }
  return all
}

const NO_TIMERS: readonly TimerChange<CenterCommand>[] = []
