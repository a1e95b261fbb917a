import { Effect, Result } from "effect"
import type { Clock } from "../ports/clock"
import type { Timer, TimerChange } from "../ports/timer"
import type { Replica } from "./replica"
import { decisionTimers } from "./timer-table"
import type { Domain, Outcome } from "./types"

/** A command of a group; `timerId` is set when a timer fired it. */
export interface Decidable<C> {
  readonly command: C
  readonly timerId: string | null
}

export interface DecidedGroup<C, E, Err, R> {
  readonly outcomes: readonly Outcome<E, Err, R>[]
  readonly events: readonly E[]
  readonly changes: readonly TimerChange<C>[]
  readonly refused: boolean
}

/** A timer's command that no longer runs: nothing stored, nothing to reply. */
const NOTHING_TO_DO = Result.succeed({ events: [], reply: undefined })

/**
 * Decide every command of the group in order, each on the state the one before it left (the
 * replica takes the events as they come). A timer's command runs only if the timer is still
 * armed after the commands before it: fired already, or disarmed since it came due, it does
 * nothing.
 */
export const decideGroup = <S, C, E, Err, R>(
  domain: Domain<S, C, E, Err, R>,
  replica: Replica<S, C, E, Err, R>,
  clock: Clock["Service"],
  group: readonly Decidable<C>[],
) =>
  Effect.gen(function* () {
    const outcomes: Outcome<E, Err, R>[] = []
    const events: E[] = []
    const changes: TimerChange<C>[] = []
    /** Timers armed (or disarmed: null) by earlier commands of this group. */
    const changed = new Map<string, Timer<C> | null>()
    const record = (change: TimerChange<C>) => {
      changes.push(change)
      if (change._tag === "Arm") changed.set(change.timer.timerId, change.timer)
      else changed.set(change.timerId, null)
    }
    let refused = false
    const armed = (timerId: string) =>
      changed.has(timerId) ? changed.get(timerId) : replica.timers.get(timerId)
    for (const { command, timerId } of group) {
      let toRun = command
      if (timerId !== null) {
        const timer = armed(timerId)
        if (timer === undefined || timer === null) {
          outcomes.push(NOTHING_TO_DO)
          continue
        }
        toRun = timer.command
      }
      const decided = replica.decide(toRun, yield* clock.now)
      decisionTimers(domain.timersOf, timerId, decided, record)
      if (Result.isFailure(decided)) refused = true
      else events.push(...decided.success.events)
      outcomes.push(decided)
    }
    const decidedGroup: DecidedGroup<C, E, Err, R> = { outcomes, events, changes, refused }
    return decidedGroup
  })
