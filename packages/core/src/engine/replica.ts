import { Effect, Result } from "effect"
import { isReplied, type Replied } from "../kernel/module"
import type { Clock } from "../ports/clock"
import type { StoreWriter } from "../ports/store-powers"
import type { TimerChange } from "../ports/timer"
import type { FanOut } from "./fan-out"
import type { Loader } from "./load"
import { TimerTable } from "./timer-table"
import type { Domain, Outcome, Stored } from "./types"

/**
 * This engine's copy of the stream: the state, the version it holds, and the timers it armed on
 * the clock. It follows the store by a reload (a start, or after a lost race on a store only
 * this engine writes) or by catching up with what other nodes stored (a shared store).
 */
export const makeReplica = <S, C, E, Err, R>(
  domain: Domain<S, C, E, Err, R>,
  clock: Clock["Service"],
  loader: Loader<S, C, E>,
  fanOut: FanOut<E>,
) => {
  let state = domain.empty()
  let version = 0
  /** Set while the state may hold events that are not stored: rebuild before deciding. */
  let stale = false
  const timers = new TimerTable<C>({ dueOrder: false })

  const reload = Effect.gen(function* () {
    const seen = version
    const loaded = yield* loader.latest
    state = loaded.state
    version = loaded.version
    stale = false
    // A reload after a lost race also takes what other nodes stored meanwhile: the listeners
    // (live feeds, the outbox sender, metrics) hear those events as a catch-up would tell them.
    if (fanOut.size > 0 && version > seen) fanOut.tell(yield* loader.storedSince(seen, loaded), version)
    const { gone } = timers.replaceAll(loaded.timers)
    for (const id of gone) yield* clock.disarm(id)
    for (const t of loaded.timers) yield* clock.arm(t.timerId, t.dueAt)
  })

  /** Take the events others stored since `version` (the state must hold no unstored ones). */
  const catchUp = (from: StoreWriter) =>
    Effect.gen(function* () {
      const newer = yield* from.loadAfter<E, C>(domain.stream, version)
      stale = true
      state = domain.replay(state, newer.events)
      version = newer.version
      stale = false
      fanOut.tell(newer.events, version)
      const { gone, moved } = timers.replaceAll(newer.timers)
      for (const id of gone) yield* clock.disarm(id)
      for (const t of moved) yield* clock.arm(t.timerId, t.dueAt)
    })

  return {
    get state() {
      return state
    },
    get version() {
      return version
    },
    get stale() {
      return stale
    },
    timers,
    reload,
    catchUp,
    /** The state takes the events as they are decided: until they are stored it is ahead. */
    decide: (command: C, now: number): Outcome<E, Err, R> => {
      const wasStale = stale
      stale = true
      const decided = Result.map(domain.execute(state, command, now), withReply)
      if (Result.isFailure(decided) || decided.success.events.length === 0) stale = wasStale
      return decided
    },
    /** Lost a race: what the state holds beyond the store must go before the next decision. */
    markStale: () => {
      stale = true
    },
    /** The group's events and timers are stored, at `after`. */
    stored: (after: number, changes: readonly TimerChange<C>[]) =>
      Effect.suspend(() => {
        version = after
        stale = false
        return Effect.forEach(
          changes,
          (change) => {
            timers.apply(change)
            return change._tag === "Arm"
              ? clock.arm(change.timer.timerId, change.timer.dueAt)
              : clock.disarm(change.timerId)
          },
          { discard: true },
        )
      }),
  }
}

export type Replica<S, C, E, Err, R> = ReturnType<typeof makeReplica<S, C, E, Err, R>>

/** A decision given as its events alone replies nothing. */
const withReply = <E, R>(decided: readonly E[] | Replied<E, R>): Stored<E, R> =>
  isReplied(decided) ? decided : { events: decided, reply: undefined }
