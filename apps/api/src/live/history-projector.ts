import { LibsqlHistoryLive, type LibsqlStoreOptions } from "@lifeline/adapters"
import { Center, HistoryReadModel } from "@lifeline/core"
import { Duration, Effect, Layer, Queue } from "effect"

/** How often a node projects what any node stored, when its own appends do not nudge it sooner. */
export const HISTORY_POLL = Duration.millis(250)

/**
 * Runs the call-history projector on this node for as long as the runtime lives (issue 22): every
 * `HISTORY_POLL`, and at once after the center appends or catches up, it projects the stored
 * events after the read model's durable checkpoint. Every node runs it; the checkpoint's guard
 * keeps two of them from applying an event twice, so each node's reads converge on the same rows
 * within a poll, whether or not it writes itself.
 */
export const HistoryProjectorLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const history = yield* HistoryReadModel
    const center = yield* Center
    const nudges = yield* Queue.dropping<void>(1)
    // Listeners run inside the engine's lock: only record that there is something to project.
    const unsubscribe = yield* center.subscribe(() => {
      Queue.offerUnsafe(nudges, undefined)
    })
    yield* Effect.addFinalizer(() => Effect.sync(unsubscribe))
    const project = history.catchUp.pipe(
      Effect.catch((e) => Effect.logWarning("call history cannot catch up with the store", e.message)),
    )
    yield* Effect.race(Queue.take(nudges), Effect.sleep(HISTORY_POLL)).pipe(
      Effect.andThen(project),
      Effect.forever,
      Effect.forkScoped,
    )
  }),
)

/** The libSQL read model and its projector, on the store's database. */
export const LibsqlHistoryProjectorLive = (url: string, options: LibsqlStoreOptions = {}) =>
  HistoryProjectorLive.pipe(Layer.provideMerge(LibsqlHistoryLive(url, options)))
