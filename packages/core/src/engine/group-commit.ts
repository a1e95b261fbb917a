import { Deferred, Effect, Exit, Result, type Semaphore } from "effect"
import type { StoreUnavailable } from "../ports/store"
import type { Decidable } from "./decide-group"
import type { Outcome } from "./types"

/** A command waiting for its group, and where its caller hears the result. */
interface Submission<C, E, Err> extends Decidable<C> {
  readonly done: Deferred.Deferred<readonly E[], Err | StoreUnavailable>
}

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

/**
 * Group commit: commands wait in arrival order; those that arrive while a group is being
 * written are run together next (up to `maxGroup`, after `gather`), under `lock`. Each caller
 * hears its own result once its group's run ends.
 */
export const makeGroupCommit = <C, E, Err>(options: {
  readonly maxGroup: number
  readonly gather: Effect.Effect<void>
  readonly lock: Semaphore.Semaphore
  readonly run: (
    group: readonly Decidable<C>[],
  ) => Effect.Effect<readonly Outcome<E, Err>[], StoreUnavailable>
}) => {
  const maxGroup = Math.max(1, options.maxGroup)
  const pending: Submission<C, E, Err>[] = []

  /** Take the commands waiting now (up to a group), run them, hand each caller its result. */
  const runPending = Effect.gen(function* () {
    yield* options.gather
    const group = pending.splice(0, maxGroup)
    const exit = yield* Effect.exit(options.run(group))
    for (const [i, s] of group.entries()) yield* Deferred.done(s.done, resultOf(exit, i))
  }).pipe(Effect.uninterruptible, options.lock.withPermits(1))

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

  return {
    submit,
    /** Commands waiting for a group. */
    get waiting() {
      return pending.length
    },
  }
}
