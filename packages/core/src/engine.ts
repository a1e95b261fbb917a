import { Deferred, Effect, Exit, Option, Result, Semaphore } from "effect"
import { Clock } from "./ports/clock"
import {
  ArchivedEvents,
  archivedEventsMessage,
  SnapshotDecoder,
  type SnapshotInfo,
  Snapshots,
  Store,
  StoreUnavailable,
  VersionConflict,
} from "./ports/store"
import { GroupCommit, SharedStore, type StoreWriter } from "./ports/store-powers"
import type { Timer, TimerChange } from "./ports/timer"

/**
 * The Effect program around a pure domain (ARCHITECTURE, data flow): load, decide, append
 * events and timers in one write, arm the clock. A writer that loses the optimistic-concurrency
 * race reloads and decides again. Timers that come due run their command through the same path,
 * so a timer is consumed exactly when its command's events are stored.
 *
 * Group commit: commands are decided one at a time, in arrival order, each on the state the one
 * before it left; those that arrive while a write is in flight are decided together next and
 * stored in one append. Each caller hears its own result only once that append is durable. If
 * the append loses a race, the whole group is decided again on the reloaded state (on a shared
 * store: caught up just before, and after three lost races under the store's write lock).
 */
export interface Domain<S, C, E, Err> {
  readonly stream: string
  readonly empty: () => S
  readonly replay: (state: S, events: readonly E[]) => S
  /** Decide and apply: on success the state already holds the returned events. */
  readonly execute: (state: S, command: C, now: number) => Result.Result<readonly E[], Err>
  readonly timersOf: (event: E) => readonly TimerChange<C>[]
}

export interface Engine<S, C, E, Err> {
  readonly execute: (command: C) => Effect.Effect<readonly E[], Err | StoreUnavailable>
  /** Read the current state with the current time; the reader must not change the state. */
  readonly read: <A>(reader: (state: S, now: number) => A) => Effect.Effect<A>
  /** Timers armed and not yet fired or disarmed. */
  readonly pendingTimers: Effect.Effect<readonly Timer<C>[]>
  /**
   * Hear the events of every command this engine stores, with the stream version after them, in
   * append order, once they are durable (SSE, the outbox dispatcher, projections). Listeners run
   * inside the engine's lock and must only record or fork: they must not run engine commands
   * themselves. Returns unsubscribe. Events other nodes stored reach listeners too, when this
   * engine catches up with them (`refresh`, or a lost race).
   */
  readonly subscribe: (listener: AppendListener<E>) => Effect.Effect<() => void>
  /**
   * Catch up with what other nodes stored since this engine's version (ARCHITECTURE, Scale):
   * their events reach the state and the listeners, their timers are armed here too. Nothing to
   * do with a store only this engine writes. Returns the version after.
   */
  readonly refresh: Effect.Effect<number, StoreUnavailable>
}

/**
 * What a span may say about a command: its tag only. Never its fields, which may hold a dialled
 * number, contact addresses or notes (E8, N4).
 */
const tagOf = (command: unknown): string =>
  typeof command === "object" && command !== null && "_tag" in command && typeof command._tag === "string"
    ? command._tag
    : "command"

export type AppendListener<E> = (events: readonly E[], version: number) => void

/** How often a group is decided again after losing a race before the store is called down. */
const MAX_ATTEMPTS = 20
/** Tries that race optimistically; later ones take the store's write lock when it has one. */
const OPTIMISTIC_ATTEMPTS = 3
const DEFAULT_MAX_GROUP = 256

/** A command waiting for its group; `timerId` is set when a timer fired it. */
interface Submission<C, E, Err> {
  readonly command: C
  readonly timerId: string | null
  readonly done: Deferred.Deferred<readonly E[], Err | StoreUnavailable>
}

type Outcome<E, Err> = Result.Result<readonly E[], Err>

/** One caller's share of its group's run. */
const resultOf = <E, Err, X>(
  exit: Exit.Exit<readonly Outcome<E, Err>[], X>,
  i: number,
): Exit.Exit<readonly E[], Err | X> => {
  if (Exit.isFailure(exit)) return Exit.failCause(exit.cause)
  const outcome = exit.value[i]
  if (outcome === undefined) return Exit.die(new Error(`no outcome for command ${i} of its group`))
  return Result.isSuccess(outcome) ? Exit.succeed(outcome.success) : Exit.fail(outcome.failure)
}

export const makeEngine = <S, C, E, Err>(domain: Domain<S, C, E, Err>) =>
  Effect.gen(function* () {
    const store = yield* Store
    const clock = yield* Clock
    const grouping = Option.getOrElse(yield* Effect.serviceOption(GroupCommit), () => ({
      maxGroup: DEFAULT_MAX_GROUP,
      gather: Effect.void,
    }))
    const maxGroup = Math.max(1, grouping.maxGroup)
    const shared = Option.getOrUndefined(yield* Effect.serviceOption(SharedStore))
    const snapshots = Option.getOrUndefined(yield* Effect.serviceOption(Snapshots))
    const decoder = Option.getOrUndefined(
      Option.filter(yield* Effect.serviceOption(SnapshotDecoder), (d) => d.stream === domain.stream),
    )
    const archive = Option.getOrUndefined(yield* Effect.serviceOption(ArchivedEvents))
    const lock = yield* Semaphore.make(1)
    let state = domain.empty()
    let version = 0
    /** Set while the state may hold events that are not stored: rebuild before deciding. */
    let stale = false
    const timers = new Map<string, Timer<C>>()
    const listeners = new Set<AppendListener<E>>()
    const pending: Submission<C, E, Err>[] = []

    /**
     * The state as stored (issue 22, N1): from the newest snapshot this build can decode and the
     * events after it, or from the whole log when there is none. A snapshot that cannot be read
     * (incomplete, another encoding, a schema version this build does not know) is skipped with a
     * warning and the next older one tried: a start never fails on a snapshot.
     *
     * After an archive (`admin archive`, issue 22 Retention) the stored events start after
     * `archived`: only a snapshot at or after it can be completed from the store, and without one
     * the start fails with what to do, rather than build a state from a log with a hole.
     */
    const skip = (info: SnapshotInfo, reason: string) =>
      Effect.logWarning("snapshot skipped", {
        stream: domain.stream,
        version: info.version,
        schemaVersion: info.schemaVersion,
        reason,
      })
    const loadLatest = Effect.gen(function* () {
      const archived = archive === undefined ? 0 : yield* archive.archivedUpTo(domain.stream)
      if (snapshots !== undefined && decoder !== undefined) {
        const infos = yield* snapshots
          .list(domain.stream)
          .pipe(
            Effect.catch((error) =>
              Effect.as(Effect.logWarning("cannot list snapshots", { stream: domain.stream, error }), []),
            ),
          )
        for (const info of infos) {
          if (info.version < archived) {
            yield* skip(info, `older than the archived events 1..${archived}`)
            continue
          }
          const payload = yield* snapshots
            .read(domain.stream, info.id)
            .pipe(Effect.catch(() => Effect.succeed(undefined)))
          const decoded =
            payload === undefined ? Result.fail("incomplete or gone") : decoder.decode(payload, info)
          if (Result.isFailure(decoded)) {
            yield* skip(info, decoded.failure)
            continue
          }
          const tail = yield* snapshots.loadAfter<E, C>(domain.stream, info.version)
          if (tail.version < info.version) continue
          return {
            state: domain.replay(decoded.success as S, tail.events),
            version: tail.version,
            timers: tail.timers,
            from: info.version,
            events: tail.events,
          }
        }
      }
      if (archived > 0)
        return yield* new StoreUnavailable({ message: archivedEventsMessage(domain.stream, archived) })
      const all = yield* store.load<E, C>(domain.stream)
      return {
        state: domain.replay(domain.empty(), all.events),
        version: all.version,
        timers: all.timers,
        from: 0,
        events: all.events,
      }
    })

    /**
     * The events others stored after `seen` (the version the listeners last heard), from what a
     * reload read: its tail when its base is not newer than `seen`, else read again.
     */
    const storedSince = (seen: number, loaded: { readonly from: number; readonly events: readonly E[] }) =>
      loaded.from <= seen || snapshots === undefined
        ? Effect.succeed(loaded.events.slice(Math.max(0, seen - loaded.from)))
        : Effect.map(snapshots.loadAfter<E, C>(domain.stream, seen), (tail) => tail.events)

    const reload = Effect.gen(function* () {
      const seen = version
      const snapshot = yield* loadLatest
      state = snapshot.state
      version = snapshot.version
      stale = false
      // A reload after a lost race also takes what other nodes stored meanwhile: the listeners
      // (live feeds, the outbox sender, metrics) hear those events as a catch-up would tell them.
      if (listeners.size > 0 && version > seen) {
        const missed = yield* storedSince(seen, snapshot)
        if (missed.length > 0) for (const listener of listeners) listener(missed, version)
      }
      const before = [...timers.keys()]
      timers.clear()
      for (const t of snapshot.timers) timers.set(t.timerId, t)
      for (const id of before) if (!timers.has(id)) yield* clock.disarm(id)
      for (const t of snapshot.timers) yield* clock.arm(t.timerId, t.dueAt)
    })

    /** Take the events others stored since `version` (the state must hold no unstored ones). */
    const catchUp = (from: StoreWriter) =>
      Effect.gen(function* () {
        const newer = yield* from.loadAfter<E, C>(domain.stream, version)
        stale = true
        state = domain.replay(state, newer.events)
        version = newer.version
        stale = false
        if (newer.events.length > 0) for (const listener of listeners) listener(newer.events, version)
        const armed = new Map(newer.timers.map((t) => [t.timerId, t]))
        for (const id of timers.keys()) if (!armed.has(id)) yield* clock.disarm(id)
        for (const t of newer.timers) {
          if (timers.get(t.timerId)?.dueAt !== t.dueAt) yield* clock.arm(t.timerId, t.dueAt)
        }
        timers.clear()
        for (const t of newer.timers) timers.set(t.timerId, t)
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

    /** Decide every command of the group in order; the state takes the events as they come. */
    const decideGroup = (group: readonly Submission<C, E, Err>[]) =>
      Effect.gen(function* () {
        const outcomes: Outcome<E, Err>[] = []
        const events: E[] = []
        const changes: TimerChange<C>[] = []
        /** Timers armed (or disarmed: null) by earlier commands of this group. */
        const changed = new Map<string, Timer<C> | null>()
        let refused = false
        for (const { command, timerId } of group) {
          let consumed: readonly TimerChange<C>[] = []
          let toRun = command
          if (timerId !== null) {
            const timer = changed.has(timerId) ? changed.get(timerId) : timers.get(timerId)
            // Fired already, or disarmed since it came due: nothing to do.
            if (timer === undefined || timer === null) {
              outcomes.push(Result.succeed([]))
              continue
            }
            consumed = [{ _tag: "Disarm", timerId }]
            toRun = timer.command
          }
          const now = yield* clock.now
          // The state takes the events as they are decided: until they are stored it is ahead.
          const wasStale = stale
          stale = true
          const decided = domain.execute(state, toRun, now)
          if (Result.isFailure(decided) || decided.success.length === 0) stale = wasStale
          // A timer whose command is refused is still consumed, or it would fire forever.
          const own = Result.isFailure(decided)
            ? consumed
            : [...consumed, ...decided.success.flatMap(domain.timersOf)]
          if (Result.isFailure(decided)) refused = true
          else events.push(...decided.success)
          for (const change of own) {
            changes.push(change)
            if (change._tag === "Arm") changed.set(change.timer.timerId, change.timer)
            else changed.set(change.timerId, null)
          }
          outcomes.push(decided)
        }
        return { outcomes, events, changes, refused }
      })

    /** Decide the group, then store it in one append through `writer` (or check freshness). */
    const decideAndStore = (
      group: readonly Submission<C, E, Err>[],
      fresh: boolean,
      append: StoreWriter["append"],
    ) =>
      Effect.gen(function* () {
        const { outcomes, events, changes, refused } = yield* decideGroup(group)
        const before = version
        if (events.length > 0 || changes.length > 0) {
          version = yield* append(domain.stream, before, events, changes).pipe(
            Effect.withSpan(`${domain.stream}.append`, {
              attributes: { "lifeline.commands": group.length, "lifeline.events": events.length },
            }),
          )
        } else if (refused && !fresh) {
          // Another node may have written what a refused command needs: refuse only on fresh state.
          const latest = yield* store.version(domain.stream)
          if (latest !== version) {
            return yield* new VersionConflict({ stream: domain.stream, expected: version, actual: latest })
          }
        }
        return { outcomes, before, changes }
      })

    /**
     * One try at the group. The first decides on the state as it is; a retry first catches up
     * with the store, and from the fourth on it does so holding the store's write lock.
     */
    const attempt = (group: readonly Submission<C, E, Err>[], n: number) =>
      Effect.gen(function* () {
        // State read after every command of the group arrived is fresh enough to refuse on.
        const fresh = stale || (n > 1 && shared !== undefined)
        if (stale) yield* reload
        const exclusive = n > OPTIMISTIC_ATTEMPTS ? shared?.exclusive : undefined
        const written =
          exclusive !== undefined
            ? yield* exclusive((locked) =>
                Effect.andThen(catchUp(locked), decideAndStore(group, true, locked.append)),
              )
            : yield* Effect.andThen(
                n > 1 && shared !== undefined ? catchUp(shared) : Effect.void,
                decideAndStore(group, fresh, store.append),
              )
        stale = false
        yield* applyTimers(written.changes)
        publish(written.outcomes, written.before)
        return written.outcomes
      })

    const publish = (outcomes: readonly Outcome<E, Err>[], before: number) => {
      let at = before
      for (const outcome of outcomes) {
        if (Result.isFailure(outcome) || outcome.success.length === 0) continue
        at += outcome.success.length
        for (const listener of listeners) listener(outcome.success, at)
      }
    }

    const runGroup = (group: readonly Submission<C, E, Err>[]) =>
      Effect.gen(function* () {
        for (let i = 1; ; i++) {
          const result = yield* Effect.result(attempt(group, i))
          if (Result.isSuccess(result)) return result.success
          if (result.failure._tag === "StoreUnavailable") return yield* result.failure
          // Behind the store: catch up before the next try, or reload when the store cannot say.
          if (shared === undefined) stale = true
          if (i >= MAX_ATTEMPTS) {
            return yield* new StoreUnavailable({ message: `gave up after ${i} write conflicts` })
          }
        }
      })

    /** Take the commands waiting now (up to a group), run them, hand each caller its result. */
    const runPending = Effect.gen(function* () {
      yield* grouping.gather
      const group = pending.splice(0, maxGroup)
      const exit = yield* Effect.exit(runGroup(group))
      for (const [i, s] of group.entries()) yield* Deferred.done(s.done, resultOf(exit, i))
    }).pipe(Effect.uninterruptible, lock.withPermits(1))

    /**
     * The writer runs groups while commands wait, then ends; the next command starts another.
     * It is not a caller, so no caller waits on others' commands after its own is stored.
     */
    let writing = false
    const writer = Effect.gen(function* () {
      while (pending.length > 0) yield* runPending
    }).pipe(
      Effect.ensuring(
        Effect.sync(() => {
          writing = false
        }),
      ),
    )

    const submit = (command: C, timerId: string | null) =>
      Effect.flatMap(Deferred.make<readonly E[], Err | StoreUnavailable>(), (done) => {
        const submission = { command, timerId, done }
        pending.push(submission)
        const start = writing ? Effect.void : Effect.asVoid(Effect.forkDetach(writer))
        writing = true
        return Effect.andThen(start, Deferred.await(done)).pipe(
          Effect.onInterrupt(() =>
            Effect.sync(() => {
              const at = pending.indexOf(submission)
              if (at >= 0) pending.splice(at, 1)
            }),
          ),
        )
      })

    const fire = (timerId: string) =>
      Effect.suspend(() => {
        const timer = timers.get(timerId)
        if (timer === undefined) return Effect.void
        // A clock that wakes early would spend the timer on a no-op: arm it again instead.
        return Effect.flatMap(clock.now, (now) =>
          now < timer.dueAt
            ? clock.arm(timerId, timer.dueAt)
            : submit(timer.command, timerId).pipe(
                Effect.withSpan(`${domain.stream}.timer`, {
                  root: true,
                  attributes: { "lifeline.command": tagOf(timer.command) },
                }),
              ),
        )
      }).pipe(Effect.catch((error) => Effect.logWarning("timer command failed", { timerId, error })))

    yield* reload
    yield* clock.onDue(fire)

    const engine: Engine<S, C, E, Err> = {
      execute: (command) =>
        submit(command, null).pipe(
          Effect.withSpan(`${domain.stream}.execute`, { attributes: { "lifeline.command": tagOf(command) } }),
        ),
      read: (reader) => Effect.map(clock.now, (now) => reader(state, now)).pipe(lock.withPermits(1)),
      pendingTimers: Effect.sync(() => [...timers.values()]),
      refresh: Effect.suspend(() =>
        shared === undefined || stale || pending.length > 0
          ? Effect.succeed(version)
          : catchUp(shared).pipe(Effect.as(version)),
      ).pipe(lock.withPermits(1)),
      subscribe: (listener) =>
        Effect.sync(() => {
          listeners.add(listener)
          return () => listeners.delete(listener)
        }),
    }
    return engine
  })
