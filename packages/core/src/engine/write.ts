import { Effect, Predicate, Schedule } from "effect"
import type { Clock } from "../ports/clock"
import { type Store, StoreUnavailable, VersionConflict } from "../ports/store"
import type { SharedStore, StoreWriter } from "../ports/store-powers"
import { type Decidable, decideGroup } from "./decide-group"
import type { FanOut } from "./fan-out"
import type { Replica } from "./replica"
import type { Domain } from "./types"

/** How many tries a group gets in all before the store is called down. */
const MAX_ATTEMPTS = 20
/** Tries that race optimistically; later ones take the store's write lock when it has one. */
const OPTIMISTIC_ATTEMPTS = 3

/**
 * Optimistic retry: a group that lost the race (a version conflict) is tried again at once, up
 * to MAX_ATTEMPTS tries in all; a store that is down ends it.
 */
const onVersionConflict = Schedule.recurs(MAX_ATTEMPTS - 1).pipe(
  Schedule.while(({ input }) => !Predicate.isTagged(input, "StoreUnavailable")),
)

/** Which try of `onVersionConflict` this is: 1 for the first. */
const attemptNumber = Effect.gen(function* () {
  return (yield* Schedule.CurrentMetadata).attempt + 1
})

/**
 * Decide a group and store it in one append, retried on a lost race: the first try decides on
 * the state as it is; a retry first catches up with a shared store (or reloads a store only
 * this engine writes), and from the fourth try on it does so holding the store's write lock.
 * Once stored, the replica takes the group's timers and the listeners hear its events.
 */
export const makeGroupWriter = <S, C, E, Err, R>(
  domain: Domain<S, C, E, Err, R>,
  replica: Replica<S, C, E, Err, R>,
  fanOut: FanOut<E>,
  clock: Clock["Service"],
  store: Store["Service"],
  shared: SharedStore["Service"] | undefined,
) => {
  /** Decide, then append through `append`; with nothing to store, check a refusal was fresh. */
  const decideAndStore = (group: readonly Decidable<C>[], fresh: boolean, append: StoreWriter["append"]) =>
    Effect.gen(function* () {
      const decided = yield* decideGroup(domain, replica, clock, group)
      const before = replica.version
      if (decided.events.length > 0 || decided.changes.length > 0) {
        const after = yield* append(domain.stream, before, decided.events, decided.changes).pipe(
          Effect.withSpan(`${domain.stream}.append`, {
            attributes: { "lifeline.commands": group.length, "lifeline.events": decided.events.length },
          }),
        )
        return { decided, before, after }
      }
      if (decided.refused && !fresh) {
        // Another node may have written what a refused command needs: refuse only on fresh state.
        const latest = yield* store.version(domain.stream)
        if (latest !== before) {
          return yield* new VersionConflict({ stream: domain.stream, expected: before, actual: latest })
        }
      }
      return { decided, before, after: before }
    })

  const attempt = (group: readonly Decidable<C>[]) =>
    Effect.gen(function* () {
      const n = yield* attemptNumber
      // State read after every command of the group arrived is fresh enough to refuse on.
      const fresh = replica.stale || (n > 1 && shared !== undefined)
      if (replica.stale) yield* replica.reload
      const exclusive = n > OPTIMISTIC_ATTEMPTS ? shared?.exclusive : undefined
      const written =
        exclusive !== undefined
          ? yield* exclusive((locked) =>
              Effect.andThen(replica.catchUp(locked), decideAndStore(group, true, locked.append)),
            )
          : yield* Effect.andThen(
              n > 1 && shared !== undefined ? replica.catchUp(shared) : Effect.void,
              decideAndStore(group, fresh, store.append),
            )
      yield* replica.stored(written.after, written.decided.changes)
      fanOut.publish(written.decided.outcomes, written.before)
      return written.decided.outcomes
    })

  /** Run a group to its outcomes: the store's failures are the only failures. */
  return (group: readonly Decidable<C>[]) =>
    Effect.retryOrElse(
      attempt(group).pipe(
        // Behind the store: without a shared store to catch up from, reload before the next try.
        Effect.tapError((error) =>
          error._tag !== "StoreUnavailable" && shared === undefined
            ? Effect.sync(replica.markStale)
            : Effect.void,
        ),
      ),
      onVersionConflict,
      (error) =>
        error._tag === "StoreUnavailable"
          ? Effect.fail(error)
          : Effect.fail(new StoreUnavailable({ message: `gave up after ${MAX_ATTEMPTS} write conflicts` })),
    )
}
