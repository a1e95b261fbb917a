import { Effect, Either } from "effect"
import { Clock } from "./ports/clock"
import { Store, StoreUnavailable, VersionConflict } from "./ports/store"
import type { Timer, TimerChange } from "./ports/timer"

/**
 * The Effect program around a pure domain (ARCHITECTURE, data flow): load, decide, append
 * events and timers in one write, arm the clock. Commands run one at a time per process; a
 * writer that loses the optimistic-concurrency race reloads and decides again. Timers that come
 * due run their command through the same path, so a timer is consumed exactly when its
 * command's events are stored.
 */
export interface Domain<S, C, E, Err> {
  readonly stream: string
  readonly empty: () => S
  readonly replay: (state: S, events: readonly E[]) => S
  readonly execute: (state: S, command: C, now: number) => Either.Either<readonly E[], Err>
  readonly timersOf: (event: E) => readonly TimerChange<C>[]
}

export interface Engine<S, C, E, Err> {
  readonly execute: (command: C) => Effect.Effect<readonly E[], Err | StoreUnavailable>
  /** Read the current state with the current time; the reader must not change the state. */
  readonly read: <A>(reader: (state: S, now: number) => A) => Effect.Effect<A>
  /** Timers armed and not yet fired or disarmed. */
  readonly pendingTimers: Effect.Effect<readonly Timer<C>[]>
  /**
   * Hear every batch of events this engine appends, with the stream version after it, in append
   * order (SSE, the outbox dispatcher, projections). Listeners run inside the command's lock and
   * must only record or fork: they must not run engine commands themselves. Returns unsubscribe.
   */
  readonly subscribe: (listener: AppendListener<E>) => Effect.Effect<() => void>
}

export type AppendListener<E> = (events: readonly E[], version: number) => void

/** How often a command is decided again after losing a race before the store is called down. */
const MAX_ATTEMPTS = 20

export const makeEngine = <S, C, E, Err>(domain: Domain<S, C, E, Err>) =>
  Effect.gen(function* () {
    const store = yield* Store
    const clock = yield* Clock
    const lock = yield* Effect.makeSemaphore(1)
    let state = domain.empty()
    let version = 0
    /** Set when a write failed after the state took the events: rebuild before deciding. */
    let stale = false
    const timers = new Map<string, Timer<C>>()
    const listeners = new Set<AppendListener<E>>()
    const published = (events: readonly E[]) => {
      for (const listener of listeners) listener(events, version)
    }

    const reload = Effect.gen(function* () {
      const snapshot = yield* store.load<E, C>(domain.stream)
      state = domain.replay(domain.empty(), snapshot.events)
      version = snapshot.version
      stale = false
      const before = [...timers.keys()]
      timers.clear()
      for (const t of snapshot.timers) timers.set(t.timerId, t)
      for (const id of before) if (!timers.has(id)) yield* clock.disarm(id)
      for (const t of snapshot.timers) yield* clock.arm(t.timerId, t.dueAt)
    })

    const applyTimers = (changes: readonly TimerChange<C>[]) =>
      Effect.forEach(
        changes,
        (change) => {
          if (change._tag === "Arm") {
            timers.set(change.timer.timerId, change.timer)
            return clock.arm(change.timer.timerId, change.timer.dueAt)
          }
          timers.delete(change.timerId)
          return clock.disarm(change.timerId)
        },
        { discard: true },
      )

    const attempt = (command: C, consumed: readonly TimerChange<C>[]) =>
      Effect.gen(function* () {
        if (stale) yield* reload
        const now = yield* clock.now
        const decided = domain.execute(state, command, now)
        if (Either.isLeft(decided)) {
          // Another node may have written what this command needs: refuse only on fresh state.
          const latest = yield* store.version(domain.stream)
          if (latest !== version) {
            stale = true
            return yield* new VersionConflict({ stream: domain.stream, expected: version, actual: latest })
          }
          // A timer whose command is refused is still consumed, or it would never fire again.
          if (consumed.length > 0) {
            version = yield* store.append(domain.stream, version, [], consumed)
            yield* applyTimers(consumed)
          }
          return Either.left(decided.left)
        }
        const events = decided.right
        const changes = [...consumed, ...events.flatMap(domain.timersOf)]
        if (events.length === 0 && changes.length === 0) return Either.right(events)
        // The state already holds the events: if the write fails it must be rebuilt.
        stale = true
        version = yield* store.append(domain.stream, version, events, changes)
        stale = false
        yield* applyTimers(changes)
        if (events.length > 0) published(events)
        return Either.right(events)
      })

    const runUnlocked = (command: C, consumed: readonly TimerChange<C>[]) =>
      Effect.gen(function* () {
        for (let i = 1; ; i++) {
          const result = yield* attempt(command, consumed).pipe(
            Effect.map(Either.right),
            Effect.catchTag("VersionConflict", (conflict: VersionConflict) =>
              Effect.succeed(Either.left(conflict)),
            ),
          )
          if (Either.isRight(result)) {
            const decided = result.right
            return yield* Either.isLeft(decided) ? Effect.fail(decided.left) : Effect.succeed(decided.right)
          }
          if (i >= MAX_ATTEMPTS) {
            return yield* new StoreUnavailable({ message: `gave up after ${i} write conflicts` })
          }
        }
      })

    const fire = (timerId: string) =>
      Effect.gen(function* () {
        const timer = timers.get(timerId)
        if (timer === undefined) return
        yield* runUnlocked(timer.command, [{ _tag: "Disarm", timerId }])
      }).pipe(
        Effect.catchAll((error) => Effect.logWarning("timer command failed", { timerId, error })),
        lock.withPermits(1),
      )

    yield* reload
    yield* clock.onDue(fire)

    const engine: Engine<S, C, E, Err> = {
      execute: (command) => runUnlocked(command, []).pipe(lock.withPermits(1)),
      read: (reader) => Effect.map(clock.now, (now) => reader(state, now)).pipe(lock.withPermits(1)),
      pendingTimers: Effect.sync(() => [...timers.values()]),
      subscribe: (listener) =>
        Effect.sync(() => {
          listeners.add(listener)
          return () => listeners.delete(listener)
        }),
    }
    return engine
  })
