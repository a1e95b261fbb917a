import {
  LibsqlReadModelsLive,
  type LibsqlStoreOptions,
  LibsqlWebhooksLive,
  WebhookSenderLive,
} from "@lifeline/adapters"
import { AuditReadModel } from "@lifeline/core/audit"
import { CallbackReadModel } from "@lifeline/core/callback"
import { Center } from "@lifeline/core/center"
import { OperatorLogReadModel } from "@lifeline/core/emergency"
import { HistoryReadModel } from "@lifeline/core/history"
import { DeliveryReadModel } from "@lifeline/core/outbox"
import type { StoreUnavailable } from "@lifeline/core/ports"
import { Duration, Effect, Layer, Queue } from "effect"

/** How often a node projects what any node stored, when its own appends do not nudge it sooner. */
export const PROJECTOR_POLL = Duration.millis(250)

/** Catch one read model up; a failure is logged and the next round tries again. */
const catchUpOne = (name: string, catchUp: Effect.Effect<number, StoreUnavailable>) =>
  catchUp.pipe(Effect.catch((e) => Effect.logWarning(`${name} cannot catch up with the store`, e.message)))

/**
 * Runs every read model's projector on this node for as long as the runtime lives (issue 22):
 * call history, the audit trail, B6's deliveries and the emergency operator log, one after the
 * other, every `PROJECTOR_POLL` and at once after the center appends or catches up. Every node
 * runs them; each checkpoint's guard keeps two nodes from applying an event twice, so each node's
 * reads converge on the same rows within a poll, whether or not it writes itself. Projectors run
 * after appends, never inside them: the command path does not wait for them.
 */
export const ReadModelProjectorsLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const models = [
      ["call history", (yield* HistoryReadModel).catchUp],
      ["the audit trail", (yield* AuditReadModel).catchUp],
      ["deliveries", (yield* DeliveryReadModel).catchUp],
      ["the operator log", (yield* OperatorLogReadModel).catchUp],
      ["the callback list", (yield* CallbackReadModel).catchUp],
    ] as const
    const center = yield* Center
    const nudges = yield* Queue.dropping<void>(1)
    // Listeners run inside the engine's lock: only record that there is something to project.
    const unsubscribe = yield* center.subscribe(() => {
      Queue.offerUnsafe(nudges, undefined)
    })
    yield* Effect.addFinalizer(() => Effect.sync(unsubscribe))
    const project = Effect.forEach(models, ([name, catchUp]) => catchUpOne(name, catchUp), { discard: true })
    yield* Effect.race(Queue.take(nudges), Effect.sleep(PROJECTOR_POLL)).pipe(
      Effect.andThen(project),
      Effect.forever,
      Effect.forkScoped,
    )
  }),
)

/**
 * The libSQL read models and their projectors, on the store's database, and the outbound webhooks
 * (SPEC I3): their projector and sender run on every node beside the read models'.
 */
export const LibsqlReadModelProjectorsLive = (url: string, options: LibsqlStoreOptions = {}) =>
  Layer.mergeAll(
    ReadModelProjectorsLive.pipe(Layer.provideMerge(LibsqlReadModelsLive(url, options))),
    WebhookSenderLive.pipe(Layer.provideMerge(LibsqlWebhooksLive(url, options))),
  )
