import type { Result } from "effect"
import type { TimerChange } from "../ports/timer"
import type { CenterCommand, ProviderCommand } from "./commands"
import type { CenterError } from "./errors"
import type { CenterEvent, CenterEventTag } from "./events"
import type { CenterState } from "./state"

export type CenterDecision = Result.Result<readonly CenterEvent[], CenterError>

/** Emit a follow-up event: the center applies it at once and appends it after the command's. */
export type Emit = (event: CenterEvent) => void

/**
 * One capability of the contact center (emergency, callback, outbox) as the center runs it.
 * All parts share one state and one event stream, so a command that touches several (an
 * emergency dial sets presence and queues an email) is one atomic append.
 *
 * - `decide` answers the commands whose tags are in `commands`; it only reads the state.
 * - `evolve` sees every event of the stream and updates the module's own part of the state.
 * - `followUp` reacts to any event after it was applied, emitting further events (pure).
 * - `onProvider` may claim a provider event (see commands.ts); undefined means "not mine".
 * - `guard` may refuse any command before it is decided (e.g. no presence change by hand while
 *   an emergency call is up); undefined lets it through.
 * - `interests` names the event tags `evolve`, `followUp` and `timersOf` act on; the center
 *   calls them for those tags only (a day of a big center is millions of events, most of them
 *   of no concern to most modules). Left out, or "all": every event. center/interests.test.ts
 *   checks each declaration: for any other tag the function reads nothing of the state or the
 *   event but its tag, and emits nothing.
 */
export interface CenterModule {
  readonly name: string
  readonly commands: ReadonlySet<string>
  readonly decide: (state: CenterState, command: CenterCommand, now: number) => CenterDecision
  readonly evolve: (state: CenterState, event: CenterEvent) => void
  readonly followUp?: (state: CenterState, event: CenterEvent, now: number, emit: Emit) => void
  readonly onProvider?: (
    state: CenterState,
    command: ProviderCommand,
    now: number,
  ) => CenterDecision | undefined
  readonly guard?: (state: CenterState, command: CenterCommand, now: number) => CenterError | undefined
  readonly timersOf?: (event: CenterEvent) => readonly TimerChange<CenterCommand>[]
  readonly interests?: {
    readonly evolve?: Interest
    readonly followUp?: Interest
    readonly timers?: Interest
    /** The command tags `guard` may refuse (checked the same way). */
    readonly guard?: "all" | ReadonlySet<string>
  }
}

/** The event tags a module function acts on, or every event. */
export type Interest = "all" | ReadonlySet<CenterEventTag>

/** Does a declared interest (left out: every tag) take `tag`? An undefined tag means "any tag". */
export const covers = (interest: "all" | ReadonlySet<string> | undefined, tag: string | undefined): boolean =>
  interest === undefined || interest === "all" || tag === undefined || interest.has(tag)
