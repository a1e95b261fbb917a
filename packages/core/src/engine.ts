import { Effect, Option, Semaphore } from "effect"
import { FanOut } from "./engine/fan-out"
import { makeGroupCommit } from "./engine/group-commit"
import { makeLoader } from "./engine/load"
import { makeReplica } from "./engine/replica"
import type { Domain, Engine } from "./engine/types"
import { makeGroupWriter } from "./engine/write"
import { Clock } from "./ports/clock"
import { Store } from "./ports/store"
import { GroupCommit, SharedStore } from "./ports/store-powers"

export * from "./engine/timer-table"
export type { Answer, AppendListener, Domain, Engine, Stored } from "./engine/types"

const DEFAULT_MAX_GROUP = 256

/**
 * What a span may say about a command: its tag only. Never its fields, which may hold a dialled
 * number, contact addresses or notes (E8, N4).
 */
const tagOf = (command: unknown): string =>
  typeof command === "object" && command !== null && "_tag" in command && typeof command._tag === "string"
    ? command._tag
    : "command"

/**
 * The Effect program around a pure domain (ARCHITECTURE, data flow): load, decide, append
 * events and timers in one write, arm the clock. Its parts (engine/): the replica (the state,
 * version and timers this engine holds, reloaded or caught up with the store), group commit
 * (commands that arrive while a write is in flight are decided together next and stored in one
 * append), the group writer (optimistic retry on a version conflict, under the store's write
 * lock after three lost races), the timer table (the timer rules, shared with the simulator's
 * fast driver) and the fan-out to listeners. Timers that come due run their command through the
 * same path, so a timer is consumed exactly when its command's events are stored.
 */
export const makeEngine = <S, C, E, Err, R = never>(domain: Domain<S, C, E, Err, R>) =>
  Effect.gen(function* () {
    const store = yield* Store
    const clock = yield* Clock
    const grouping = Option.getOrElse(yield* Effect.serviceOption(GroupCommit), () => ({
      maxGroup: DEFAULT_MAX_GROUP,
      gather: Effect.void,
    }))
    const shared = Option.getOrUndefined(yield* Effect.serviceOption(SharedStore))
    const lock = yield* Semaphore.make(1)
    const fanOut = new FanOut<E>()
    const replica = makeReplica(domain, clock, yield* makeLoader(domain), fanOut)
    const commits = makeGroupCommit<C, E, Err, R>({
      maxGroup: grouping.maxGroup,
      gather: grouping.gather,
      lock,
      run: makeGroupWriter(domain, replica, fanOut, clock, store, shared),
    })

    const fire = (timerId: string) =>
      Effect.suspend(() => {
        const timer = replica.timers.get(timerId)
        if (timer === undefined) return Effect.void
        // A clock that wakes early would spend the timer on a no-op: arm it again instead.
        return Effect.flatMap(clock.now, (now) =>
          now < timer.dueAt
            ? clock.arm(timerId, timer.dueAt)
            : commits.submit(timer.command, timerId).pipe(
                Effect.withSpan(`${domain.stream}.timer`, {
                  root: true,
                  attributes: { "lifeline.command": tagOf(timer.command) },
                }),
              ),
        )
      }).pipe(Effect.catch((error) => Effect.logWarning("timer command failed", { timerId, error })))

    /**
     * A write that failed leaves its decisions in the state (the replica is stale until the next
     * command reloads it): a read must not show them, so it reloads first. A store that cannot
     * even be read leaves the state as it is, said in the log.
     */
    const dropUnstored = Effect.suspend(() =>
      replica.stale
        ? replica.reload.pipe(
            Effect.catch((error) =>
              Effect.logWarning("read with decisions the store did not take", { error }),
            ),
          )
        : Effect.void,
    )

    yield* replica.reload
    yield* clock.onDue(fire)

    const run: Engine<S, C, E, Err, R>["run"] = (command) =>
      commits.submit(command, null).pipe(
        Effect.withSpan(`${domain.stream}.execute`, {
          attributes: { "lifeline.command": tagOf(command) },
        }),
      )
    const engine: Engine<S, C, E, Err, R> = {
      run,
      execute: (command) => Effect.map(run(command), (stored) => stored.events),
      read: (reader) =>
        Effect.andThen(
          dropUnstored,
          Effect.map(clock.now, (now) => reader(replica.state, now)),
        ).pipe(lock.withPermits(1)),
      pendingTimers: Effect.sync(() => replica.timers.timers()),
      refresh: Effect.suspend(() =>
        shared === undefined || replica.stale || commits.waiting > 0
          ? Effect.succeed(replica.version)
          : replica.catchUp(shared).pipe(Effect.map(() => replica.version)),
      ).pipe(lock.withPermits(1)),
      subscribe: (listener) => Effect.sync(() => fanOut.subscribe(listener)),
    }
    return engine
  })
