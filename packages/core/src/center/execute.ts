import { Result } from "effect"
import { callbackModule } from "../callback/module"
import type { CallbackReply } from "../callback/replies"
import { callsModule } from "../calls/module"
import type { CallView } from "../calls/views"
import type { DialOutcome } from "../emergency/dial-outcome"
import { emergencyModule } from "../emergency/module"
import type { EmergencyReply } from "../emergency/replies"
import { InvalidField } from "../kernel/errors"
import type { AnyHandler } from "../kernel/handlers"
import { type Decision, eventsOf, isReplied, type ReadReply, type Replied } from "../kernel/module"
import { tagTable } from "../kernel/tags"
import { type DeliveryRetried, outboxModule } from "../outbox/module"
import type { TimerChange } from "../ports/timer"
import type { RoutingEvent } from "../routing/events"
import { askRouting, routingModule, withSettlingHeld } from "../routing/module"
import type { RoutingReply } from "../routing/replies"
import { type CenterCommand, PROVIDER_COMMAND_TAGS, type ProviderCommand } from "./commands"
import type { CenterError } from "./errors"
import { CENTER_EVENT_TAGS, type CenterEvent } from "./events"
import { decideProviderDefault, linesModule } from "./lines"
import type { CenterAsks, CenterModule, Emit } from "./module"
import { type CenterState, SEEN_PROVIDER_EVENTS } from "./state"

/** Every module, in the order they see each event. */
export const CENTER_MODULES: readonly CenterModule[] = [
  routingModule,
  outboxModule,
  emergencyModule,
  callbackModule,
  callsModule,
  linesModule,
]
/** The modules that may claim a provider event before plain routing does (E6 before C3). */
const PROVIDER_CLAIMS: readonly CenterModule[] = [emergencyModule, callbackModule]

const BY_COMMAND = new Map<string, CenterModule>()
for (const m of CENTER_MODULES) for (const tag of m.commands) BY_COMMAND.set(tag, m)

/** Every command tag the center takes. */
export const CENTER_COMMAND_TAGS: readonly string[] = [...BY_COMMAND.keys(), ...PROVIDER_COMMAND_TAGS]

type Guard = AnyHandler<CenterCommand, [CenterState, number], CenterError | undefined>

/**
 * What the center does with a command of one tag, found with one lookup: the guards that may
 * refuse it (in `CENTER_MODULES` order), then the module that decides it, or the provider path.
 */
interface CommandRoute {
  readonly guards: readonly Guard[]
  readonly decider: CenterModule | "provider"
}
const COMMAND_ROUTES = tagTable<CommandRoute>(
  CENTER_COMMAND_TAGS.map((tag) => [
    tag,
    {
      guards: CENTER_MODULES.flatMap((m) => m.guards?.of(tag) ?? []),
      decider: PROVIDER_COMMAND_TAGS.has(tag) ? "provider" : (BY_COMMAND.get(tag) as CenterModule),
    },
  ]),
)

/** What the center calls for events of one tag, in `CENTER_MODULES` order, from the modules' registrations. */
interface Route {
  readonly evolve: readonly EvolveHandler[]
  /** The router applies its own offers as it makes them: the other modules still have to see them. */
  readonly evolveButRouting: readonly EvolveHandler[]
  readonly routingFollowUp: readonly RoutingFollowUp[]
  readonly followUp: readonly FollowUpHandler[]
  readonly timers: readonly TimersHandler[]
}
type EvolveHandler = AnyHandler<CenterEvent, [CenterState], void>
type RoutingFollowUp = AnyHandler<CenterEvent, [CenterState, number, RoutingEvent[]], void>
type FollowUpHandler = AnyHandler<CenterEvent, [CenterState, number, Emit, CenterAsks], void>
type TimersHandler = AnyHandler<CenterEvent, [], readonly TimerChange<CenterCommand>[]>

const routeOf = (tag: string): Route => ({
  evolve: CENTER_MODULES.flatMap((m) => m.evolve.of(tag)),
  evolveButRouting: CENTER_MODULES.filter((m) => m !== routingModule).flatMap((m) => m.evolve.of(tag)),
  routingFollowUp: routingModule.followUpApplied.of(tag),
  followUp: CENTER_MODULES.flatMap((m) => m.followUp?.of(tag) ?? []),
  timers: CENTER_MODULES.flatMap((m) => m.timers?.of(tag) ?? []),
})
const ROUTES = tagTable(CENTER_EVENT_TAGS.map((tag) => [tag, routeOf(tag)]))
/** A tag no module registered: nothing acts on it. */
const NO_ROUTE = routeOf("")
const route = (tag: string): Route => ROUTES(tag) ?? NO_ROUTE

/** What modules may ask of each other: the same function for every command (no closure per call). */
const ASKS: CenterAsks = { routing: askRouting }

type Replier = AnyHandler<CenterCommand, [CenterState], ReadReply<CenterState, unknown> | undefined>
/** Per command tag, what it answers its caller (the module owning the tag registers it). */
const REPLIERS = tagTable<Replier>(
  CENTER_COMMAND_TAGS.flatMap((tag) => {
    const [replier] = CENTER_MODULES.flatMap((m) => m.replies?.of(tag) ?? [])
    return replier === undefined ? [] : [[tag, replier] as const]
  }),
)

type CenterDecided = Decision<CenterEvent, CenterError>

const decide = (state: CenterState, command: CenterCommand, now: number): CenterDecided => {
  const routed = COMMAND_ROUTES(command._tag)
  if (routed === undefined) {
    return Result.fail(new InvalidField({ field: "_tag", message: `unknown command '${command._tag}'` }))
  }
  const guards = routed.guards
  for (let i = 0; i < guards.length; i++) {
    const refused = (guards[i] as Guard)(command, state, now)
    if (refused !== undefined) return Result.fail(refused)
  }
  const decider = routed.decider
  if (decider === "provider") return decideProvider(state, command as ProviderCommand, now)
  return decider.decide(state, command, now, ASKS)
}

/** N2: a provider event is acted on once; a repeat (same event id) changes nothing. */
const decideProvider = (state: CenterState, command: ProviderCommand, now: number): CenterDecided => {
  if (state.seenProviderEvents.has(command.eventId)) return Result.succeed([])
  let decided: CenterDecided | undefined
  for (const m of PROVIDER_CLAIMS) {
    decided = m.onProvider?.(state, command, now, ASKS)
    if (decided !== undefined) break
  }
  decided ??= decideProviderDefault(state, command, now, ASKS)
  if (Result.isFailure(decided)) return decided
  const events = eventsOf(decided.success)
  if (events.length === 0) return decided
  return Result.succeed([{ _tag: "ProviderEventHandled", eventId: command.eventId, at: now }, ...events])
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
  const evolve = route(event._tag).evolve
  for (let i = 0; i < evolve.length; i++) (evolve[i] as EvolveHandler)(event, state)
}

/**
 * What the caller of a command is answered instead of its events (issue 20): the reply each
 * module's decision gives (routing's views, the emergency dial's outcome and session, the
 * settings as stored); undefined for the commands nobody answers (timers, provider events).
 */
export type CenterReply =
  | RoutingReply
  | EmergencyReply
  | DialOutcome
  | DeliveryRetried
  | CallbackReply
  | CallView
  | null
  | undefined

/**
 * One command, start to finish: decide, apply, then run every module's follow-ups until none
 * emits more (offers the router makes, emails an emergency queues, a dial after a callback is
 * accepted), then read the reply. Returns every event in application order, which is what the
 * store appends and replay applies, with the decision's reply. On error nothing was applied.
 */
export const executeCenterReplied = (
  state: CenterState,
  command: CenterCommand,
  now: number,
): Result.Result<Replied<CenterEvent, CenterReply>, CenterError> => {
  const decided = decide(state, command, now)
  if (Result.isFailure(decided)) return Result.fail(decided.failure)
  const given = decided.success
  // Asked on the state the command was decided on (an accepted offer is gone after), read after.
  const read = isReplied(given) ? undefined : REPLIERS(command._tag)?.(command, state)
  const events = applyDecided(state, eventsOf(given), now)
  const reply = isReplied(given) ? given.reply : read?.(state, now)
  return Result.succeed({ events, reply: reply as CenterReply })
}

/**
 * `executeCenterReplied` for drivers that answer nobody (the simulator, test kits): the events
 * only, and no reply is asked for.
 */
export const executeCenter = (
  state: CenterState,
  command: CenterCommand,
  now: number,
): Result.Result<CenterEvent[], CenterError> => {
  const decided = decide(state, command, now)
  if (Result.isFailure(decided)) return Result.fail(decided.failure)
  return Result.succeed(applyDecided(state, eventsOf(decided.success), now))
}

/** Apply a decision's events and their follow-ups; every event in application order. */
const applyDecided = (state: CenterState, decided: readonly CenterEvent[], now: number): CenterEvent[] => {
  const out: CenterEvent[] = []
  const apply: Emit = (event) => {
    evolveCenterState(state, event)
    out.push(event)
  }
  withSettlingHeld(state, () => {
    for (let i = 0; i < decided.length; i++) apply(decided[i] as CenterEvent)
    followUps(state, out, now, apply)
  })
  return out
}

/** Every applied event's follow-ups, in order, including those of the follow-ups themselves. */
const followUps = (state: CenterState, out: CenterEvent[], now: number, apply: Emit): void => {
  // A fresh array only once one was used: truncating with `length = 0` is a runtime call.
  let offers: RoutingEvent[] = []
  for (let i = 0; i < out.length; i++) {
    const event = out[i] as CenterEvent
    const { routingFollowUp, followUp } = route(event._tag)
    for (let j = 0; j < routingFollowUp.length; j++) {
      if (offers.length > 0) offers = []
      ;(routingFollowUp[j] as RoutingFollowUp)(event, state, now, offers)
      for (let k = 0; k < offers.length; k++) {
        const r = offers[k] as RoutingEvent
        evolveCenter(state, r)
        const others = route(r._tag).evolveButRouting
        for (let m = 0; m < others.length; m++) (others[m] as EvolveHandler)(r, state)
        out.push(r)
      }
    }
    for (let j = 0; j < followUp.length; j++) (followUp[j] as FollowUpHandler)(event, state, now, apply, ASKS)
  }
}

export const replayCenter = (state: CenterState, events: Iterable<CenterEvent>): CenterState => {
  for (const event of events) evolveCenterState(state, event)
  return state
}

export const centerTimers = (event: CenterEvent): readonly TimerChange<CenterCommand>[] => {
  let all: readonly TimerChange<CenterCommand>[] = NO_TIMERS
  const handlers = route(event._tag).timers
  for (let i = 0; i < handlers.length; i++) {
    const timers = (handlers[i] as TimersHandler)(event)
    if (timers.length > 0) all = all.length === 0 ? timers : [...all, ...timers]
  }
  return all
}

const NO_TIMERS: readonly TimerChange<CenterCommand>[] = []
