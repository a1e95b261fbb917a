import type { Result } from "effect"
import type { TimerChange } from "../ports/timer"
import type { Handlers } from "./handlers"

type Tagged = { readonly _tag: string }

/**
 * What a decision gives when it has an answer beyond its events (the model: Emmett's workflow
 * `Reply`): the events to append, and the reply the driver hands to the caller, so nobody
 * rebuilds the answer by scanning the events.
 */
export interface Replied<E, A> {
  readonly events: readonly E[]
  readonly reply: A
}

/**
 * A refusal that is still recorded (E1, E3, B5: a refused emergency dial is logged for the
 * operator): the decision's events are stored, and the caller is answered with the typed error,
 * never with a success. Given as a decision's reply; the engine turns it into the failure.
 */
export class Refusal<Err> {
  readonly _tag = "Refused"
  constructor(readonly error: Err) {}
}

/** A module's decision: the events to append (with a reply, for commands that have one), or a typed error. */
export type Decision<E, Err, A = unknown> = Result.Result<readonly E[] | Replied<E, A>, Err>

/**
 * How a command's answer is read (issue 20): from the state once the decision's events and every
 * follow-up they set off are applied, so it is what the caller would read right after (an
 * enqueued item's position, which depends on whether the router offered it at once).
 */
export type ReadReply<S, A> = (after: S, now: number) => A

/** The events of a decision, whether or not it carries a reply. */
export const eventsOf = <E, A>(decided: readonly E[] | Replied<E, A>): readonly E[] =>
  isReplied(decided) ? decided.events : decided

export const isReplied = <E, A>(decided: readonly E[] | Replied<E, A>): decided is Replied<E, A> =>
  !Array.isArray(decided)

/** Emit a follow-up event: the center applies it at once and appends it after the command's. */
export type Emit<E> = (event: E) => void

/**
 * One capability of the contact center (routing, emergency, callback, outbox) as the center
 * runs it. Every part is pure; the center owns the loop (decide, apply, follow up) and the
 * state is one value with a slice per module, so a command that touches several modules (an
 * emergency dial sets presence and queues an email) is one atomic append.
 *
 * - `decide` answers the commands whose tags are in `commands`; it only reads the state. When it
 *   needs another module to act, it asks through `asks` (a command to that module), never by
 *   calling that module's decide.
 * - `evolve`, `followUp`, `timers` and `guards` are handlers registered by tag: the center calls
 *   each for the tags it was registered for and no other (a big center's day is millions of
 *   events, most of no concern to most modules). The registration is the declaration.
 * - `evolve` updates the module's own slice of the state.
 * - `followUp` reacts to an event after it was applied, emitting further events (pure).
 * - `onProvider` may claim a provider event; undefined means "not mine".
 * - `guards` may refuse a command before it is decided (e.g. no presence change by hand while
 *   an emergency call is up); undefined lets it through.
 * - `replies` says what a command answers its caller (issue 20), from the state it is decided
 *   on (an offer, gone once accepted), as a `ReadReply` the center reads after the follow-ups.
 *   A decision may instead carry its reply itself (`Replied`, e.g. the emergency dial's
 *   outcome). Only a driver that answers a caller asks for replies (the API, `Engine.run`), so
 *   one that answers nobody (the simulator) pays nothing for them.
 *
 * `K` is what the center lets modules ask of each other (see `Ask`).
 */
export interface Module<S, C extends Tagged, E extends Tagged, Err, P, K> {
  readonly name: string
  readonly commands: ReadonlySet<string>
  readonly decide: (state: S, command: C, now: number, asks: K) => Decision<E, Err>
  readonly evolve: Handlers<E, [state: S], void>
  readonly followUp?: Handlers<E, [state: S, now: number, emit: Emit<E>, asks: K], void>
  readonly timers?: Handlers<E, [], readonly TimerChange<C>[]>
  readonly guards?: Handlers<C, [state: S, now: number], Err | undefined>
  readonly replies?: Handlers<C, [state: S], ReadReply<S, unknown> | undefined>
  readonly onProvider?: (state: S, command: P, now: number, asks: K) => Decision<E, Err> | undefined
}

/**
 * How a module asks another to act: the command goes to the module that answers it, and its
 * decision (events, or the refusal as a typed error) comes back. The asker appends the events
 * or surfaces the refusal; it never drops it.
 */
export type Ask<S, C, E, Err> = (state: S, command: C, now: number) => Result.Result<readonly E[], Err>
