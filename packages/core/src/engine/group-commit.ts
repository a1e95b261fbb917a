import { Deferred, Effect, Exit, Result, type Semaphore } from "effect"
import { Refusal } from "../kernel/module"
import type { StoreUnavailable } from "../ports/store"
import type { Decidable } from "./decide-group"
import type { Answer, Outcome, Stored } from "./types"

/** A command waiting for its group, and where its caller hears the result. */
interface Submission<C, E, Err, R> extends Decidable<C> {
  readonly done: Deferred.Deferred<Stored<E, Answer<R>>, Err | StoreUnavailable>
}

/**
 * One caller's share of its group's run: its events and reply, or its refusal (a recorded one
 * too: its events are stored by now).
 */
const resultOf = <E, Err, R, X>(
  exit: Exit.Exit<readonly Outcome<E, Err, R>[], X>,
  i: number,
): Exit.Exit<Stored<E, Answer<R>>, Err | X> => {
  if (Exit.isFailure(exit)) return Exit.failCause(exit.cause)
  const outcome = exit.value[i]
  if (outcome === undefined) return Exit.die(new Error(`no outcome for command ${i} of its group`))
  if (Result.isFailure(outcome)) return Exit.fail(outcome.failure)
  const stored = outcome.success
  // The domain only records refusals of its own error type.
  if (stored.reply instanceof Refusal) return Exit.fail(stored.reply.error as Err)
  return Exit.succeed(stored as Stored<E, Answer<R>>)
}

/**
 * Group commit: commands wait in arrival order; those that arrive while a group is being
 * written are run together next (up to `maxGroup`, after `gather`), under `lock`. Each caller
 * hears its own result once its group's run ends.
 */
export const makeGroupCommit = <C, E, Err, R>(options: {
  readonly maxGroup: number
  readonly gather: Effect.Effect<void>
  readonly lock: Semaphore.Semaphore
  readonly run: (
    group: readonly Decidable<C>[],
  ) => Effect.Effect<readonly Outcome<E, Err, R>[], StoreUnavailable>
}) => {
  const maxGroup = Math.max(1, options.maxGroup)
  const pending: Submission<C, E, Err, R>[] = []

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
    Effect.flatMap(Deferred.make<Stored<E, Answer<R>>, Err | StoreUnavailable>(), (done) => {
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
