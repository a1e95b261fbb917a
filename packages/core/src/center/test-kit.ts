import { Result } from "effect"
import type { Timer } from "../ports/timer"
import type { CenterCommand } from "./commands"
import type { CenterError } from "./errors"
import type { CenterEvent } from "./events"
import { centerTimers, executeCenter } from "./execute"
import { type CenterState, emptyCenterState } from "./state"

/**
 * A pure harness for center rules: the real `executeCenter`, a hand-moved time, and the durable
 * timers the events arm, fired in due order (ties in arming order) as the engine would fire
 * them on a virtual clock. Tests read `state`, `log` and `timers`.
 */
export const centerHarness = (startAt = 0) => {
  const state: CenterState = emptyCenterState()
  const log: CenterEvent[] = []
  const timers = new Map<string, Timer<CenterCommand>>()
  let now = startAt

  const record = (events: readonly CenterEvent[]) => {
    log.push(...events)
    for (const e of events) {
      for (const change of centerTimers(e)) {
        if (change._tag === "Arm") {
          timers.delete(change.timer.timerId)
          timers.set(change.timer.timerId, change.timer)
        } else timers.delete(change.timerId)
      }
    }
  }
  const attempt = (command: CenterCommand): Result.Result<CenterEvent[], CenterError> => {
    const result = executeCenter(state, command, now)
    if (Result.isSuccess(result)) record(result.success)
    return result
  }
  const run = (command: CenterCommand): CenterEvent[] => {
    const result = attempt(command)
    if (Result.isFailure(result))
      throw new Error(`${command._tag} failed: ${result.failure._tag} ${result.failure.message}`)
    return result.success
  }
  const reject = (command: CenterCommand): CenterError => {
    const result = attempt(command)
    if (Result.isSuccess(result)) throw new Error(`${command._tag} was expected to fail`)
    return result.failure
  }
  /** Move time forward by `ms`, firing every timer that comes due on the way. */
  const advance = (ms: number): CenterEvent[] => advanceTo(now + ms)
  const advanceTo = (target: number): CenterEvent[] => {
    const fired: CenterEvent[] = []
    for (;;) {
      let next: Timer<CenterCommand> | undefined
      for (const t of timers.values())
        if (t.dueAt <= target && (next === undefined || t.dueAt < next.dueAt)) next = t
      if (next === undefined) break
      timers.delete(next.timerId)
      now = Math.max(now, next.dueAt)
      const result = attempt(next.command)
      if (Result.isSuccess(result)) fired.push(...result.success)
    }
    now = target
    return fired
  }
  const since = (mark: number): CenterEvent[] => log.slice(mark)
  const eventsOf = <T extends CenterEvent["_tag"]>(tag: T, events: readonly CenterEvent[] = log) =>
    events.filter((e): e is Extract<CenterEvent, { _tag: T }> => e._tag === tag)

  return {
    state,
    log,
    timers,
    run,
    reject,
    attempt,
    advance,
    advanceTo,
    since,
    eventsOf,
    get now() {
      return now
    },
  }
}

export type CenterHarness = ReturnType<typeof centerHarness>
