import type { Client } from "@libsql/client"
import { AuditReadModel, auditTrail, emptyAuditState, projectAudit } from "@lifeline/core/audit"
import {
  type CallbackListRecord,
  CallbackReadModel,
  callbackListPageOf,
  projectCallbackList,
} from "@lifeline/core/callback"
import { type OperatorLogEntry, OperatorLogReadModel, projectOperatorLog } from "@lifeline/core/emergency"
import { HistoryReadModel } from "@lifeline/core/history"
import {
  compareDeliveries,
  DeliveryReadModel,
  type DeliveryRecord,
  deliveryPageOf,
  projectDeliveries,
} from "@lifeline/core/outbox"
import { Store } from "@lifeline/core/ports"
import { Context, Effect, Layer } from "effect"
import { type LibsqlStoreOptions, openDatabase } from "../store/libsql/open"
import { auditProjection, libsqlAuditPage } from "./audit-libsql"
import { makeLibsqlCallbacks } from "./callbacks-libsql"
import { deliveriesProjection, libsqlDeliveryPage } from "./deliveries-libsql"
import { makeLibsqlHistory } from "./history-libsql"
import { makeMemoryHistory } from "./history-memory"
import { makeMemoryProjector } from "./memory-projector"
import { libsqlOperatorLogLatest, operatorLogProjection } from "./operator-log-libsql"
import { makeSqlProjector, type ProjectorOptions } from "./projector"

/**
 * Every read model of the center (issue 22, docs/read-models.md): call history, the audit trail,
 * B6's deliveries and the emergency operator log, each a port of the core with a libSQL
 * implementation (tables kept by the projector runner) and a memory one (the memory store's).
 */
export interface ReadModels {
  readonly history: HistoryReadModel["Service"]
  readonly audit: AuditReadModel["Service"]
  readonly deliveries: DeliveryReadModel["Service"]
  readonly operatorLog: OperatorLogReadModel["Service"]
  /** I2: every callback, open or closed (issue 20). */
  readonly callbacks: CallbackReadModel["Service"]
}

/** The read models as services, for a layer. */
export const readModelsContext = (models: ReadModels) =>
  Context.make(HistoryReadModel, models.history).pipe(
    Context.add(AuditReadModel, models.audit),
    Context.add(DeliveryReadModel, models.deliveries),
    Context.add(OperatorLogReadModel, models.operatorLog),
    Context.add(CallbackReadModel, models.callbacks),
  )

/** Every read model on one libSQL connection, each with its own projector and checkpoint. */
export const makeLibsqlReadModels = (
  client: Client,
  options: ProjectorOptions = {},
): Effect.Effect<ReadModels> =>
  Effect.gen(function* () {
    return {
      history: yield* makeLibsqlHistory(client, options),
      audit: {
        catchUp: yield* makeSqlProjector(client, auditProjection, options),
        page: libsqlAuditPage(client),
      },
      deliveries: {
        catchUp: yield* makeSqlProjector(client, deliveriesProjection, options),
        page: libsqlDeliveryPage(client),
      },
      operatorLog: {
        catchUp: yield* makeSqlProjector(client, operatorLogProjection, options),
        latest: libsqlOperatorLogLatest(client),
      },
      callbacks: yield* makeLibsqlCallbacks(client, options),
    }
  })

/** Every read model in memory, over any Store (tests, the simulator): same answers as libSQL. */
export const makeMemoryReadModels = (store: Store["Service"]): Effect.Effect<ReadModels> =>
  Effect.gen(function* () {
    const audit = yield* makeMemoryProjector(store, emptyAuditState(), (trail, events) => {
      projectAudit(events, trail)
    })
    const deliveries = yield* makeMemoryProjector(
      store,
      new Map<string, DeliveryRecord>(),
      (records, events) => {
        projectDeliveries(records, events)
      },
    )
    const operatorLog = yield* makeMemoryProjector(store, [] as OperatorLogEntry[], (log, events, first) => {
      log.push(...projectOperatorLog(events, first))
    })
    const callbacks = yield* makeMemoryProjector(
      store,
      new Map<string, CallbackListRecord>(),
      (records, events) => {
        projectCallbackList(records, events)
      },
    )
    return {
      history: yield* makeMemoryHistory(store),
      audit: { catchUp: audit.catchUp, page: (q) => audit.read((trail) => auditTrail(trail, q)) },
      deliveries: {
        catchUp: deliveries.catchUp,
        page: (query, limit, after) =>
          deliveries.read((records) =>
            deliveryPageOf([...records.values()].sort(compareDeliveries), query, limit, after),
          ),
      },
      operatorLog: {
        catchUp: operatorLog.catchUp,
        latest: (limit) => operatorLog.read((log) => log.slice(-limit).map((e) => e.record)),
      },
      callbacks: {
        catchUp: callbacks.catchUp,
        page: (query, limit, after) =>
          callbacks.read((records) => callbackListPageOf(records.values(), query, limit, after)),
      },
    }
  })

/** The libSQL read models on their own connection to the store's database (migrations applied). */
export const LibsqlReadModelsLive = (url: string, options: LibsqlStoreOptions = {}) =>
  Layer.effectContext(
    Effect.map(
      Effect.flatMap(openDatabase(url, options), (client) => makeLibsqlReadModels(client)),
      readModelsContext,
    ),
  )

/** The memory read models over the runtime's Store. */
export const MemoryReadModelsLive = Layer.effectContext(
  Effect.map(Effect.flatMap(Store, makeMemoryReadModels), readModelsContext),
)
