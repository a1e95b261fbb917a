import { makeMemoryReadModels, type ReadModels } from "@lifeline/adapters"
import { AuditReadModel } from "@lifeline/core/audit"
import { CallbackReadModel } from "@lifeline/core/callback"
import { OperatorLogReadModel } from "@lifeline/core/emergency"
import { HistoryReadModel } from "@lifeline/core/history"
import { DeliveryReadModel } from "@lifeline/core/outbox"
import { Store } from "@lifeline/core/ports"
import { Effect, Option } from "effect"

/** The memory read models of each memory store, made once per runtime (the store is its key). */
const memoryModels = new WeakMap<object, ReadModels>()

/**
 * The read models the routes answer from (issue 22): the runtime's (libSQL, kept by the
 * projectors in `history-projector.ts`), or, on a runtime without them (the memory store of
 * tests), the in-memory ones over the store's log, made on first use and kept for the store.
 */
export const readModels: Effect.Effect<ReadModels> = Effect.gen(function* () {
  const history = yield* Effect.serviceOption(HistoryReadModel)
  const audit = yield* Effect.serviceOption(AuditReadModel)
  const deliveries = yield* Effect.serviceOption(DeliveryReadModel)
  const operatorLog = yield* Effect.serviceOption(OperatorLogReadModel)
  const callbacks = yield* Effect.serviceOption(CallbackReadModel)
  if (
    Option.isSome(history) &&
    Option.isSome(audit) &&
    Option.isSome(deliveries) &&
    Option.isSome(operatorLog) &&
    Option.isSome(callbacks)
  )
    return {
      history: history.value,
      audit: audit.value,
      deliveries: deliveries.value,
      operatorLog: operatorLog.value,
      callbacks: callbacks.value,
    }
  const store = yield* Effect.serviceOption(Store)
  if (Option.isNone(store)) return yield* Effect.die(new Error("no read models and no store to project"))
  const known = memoryModels.get(store.value)
  if (known !== undefined) return known
  const made = yield* makeMemoryReadModels(store.value)
  memoryModels.set(store.value, made)
  return made
})
