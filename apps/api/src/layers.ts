import {
  AzureTelephonyLive,
  CenterSnapshotsLive,
  LibsqlServiceLevelLive,
  LibsqlStoreLive,
  RecordingMailerLive,
  RepCallingIdentity,
  RepCallingIdentityLive,
  ResendMailerLive,
  SimulatedTelephonyLive,
  SystemClockLive,
  VirtualClockLive,
} from "@lifeline/adapters"
import { Center, CenterLive } from "@lifeline/core/center"
import { runOutboxDispatcher } from "@lifeline/core/outbox"
import type { Clock } from "@lifeline/core/ports"
import { Duration, Effect, Layer, Schedule } from "effect"
import { DEFAULT_IDEMPOTENCY_KEEP_MS, IdempotencyKeysLive } from "./idempotency"
import { LibsqlReadModelProjectorsLive } from "./live/history-projector"
import { tracingLayer } from "./ops/tracing"
import type { ApiSettings } from "./settings"

/** Sends what the outbox holds for as long as the runtime lives (ARCHITECTURE rule 5). */
export const OutboxDispatcherLive = Layer.effectDiscard(runOutboxDispatcher)

/** How soon a node sees what other nodes on the same store wrote (SSE, outbox, timers, reads). */
export const FOLLOW_EVERY = Duration.millis(250)

/**
 * Keeps this node's center caught up with the shared log (ARCHITECTURE, Scale): with several
 * API processes on one sqld, every node's live streams, outbox and timers see every write.
 */
export const CenterFollowerLive = Layer.effectDiscard(
  Effect.flatMap(Center, (center) =>
    center.refresh.pipe(
      Effect.catch((e) => Effect.logWarning("cannot catch up with the store", e.message)),
      Effect.repeat(Schedule.spaced(FOLLOW_EVERY)),
      Effect.forkScoped,
    ),
  ),
)

/**
 * Snapshots of the center (issue 22, docs/lifetime.md): the engine starts from the newest one it
 * can read; a worker thread writes them as the settings say (none when they say nothing).
 */
const snapshotLayer = (settings: ApiSettings) =>
  CenterSnapshotsLive({
    url: settings.db.url,
    options: settings.db.options,
    settings: settings.snapshots ?? { everyEvents: 0, everySeconds: 60 },
  })

/**
 * Azure telephony beside the reps' ACS identities (issue 19): calls to a rep go to the ACS user
 * the identity adapter stored for it, and the calling-token route issues that user's tokens.
 */
const telephonyLayer = (settings: ApiSettings) => {
  const { telephony } = settings
  if (telephony._tag !== "azure") return SimulatedTelephonyLive
  const { connectionString, allowInsecureConnection } = telephony.config
  const identities = RepCallingIdentityLive(settings.db.url, settings.db.options, {
    connectionString,
    ...(allowInsecureConnection === true ? { allowInsecureConnection } : {}),
  })
  const azure = Layer.unwrap(
    Effect.map(Effect.service(RepCallingIdentity), (identity) =>
      AzureTelephonyLive({ ...telephony.config, storedRepEndpoint: identity.endpointOf }),
    ),
  )
  return azure.pipe(Layer.provideMerge(identities))
}

const mailLayer = (settings: ApiSettings) =>
  settings.mail._tag === "resend" ? ResendMailerLive(settings.mail.config) : RecordingMailerLive

/**
 * The system clock, or a sandbox's test clock (issue 20): it starts at LIFELINE_CLOCK_START, else
 * at the real time the node starts, and moves only when an admin moves it (routes/clock.ts).
 */
const clockLayer = (settings: ApiSettings): Layer.Layer<Clock> => {
  const clock = settings.clock
  if (clock?._tag !== "virtual") return SystemClockLive
  return Layer.unwrap(Effect.sync(() => VirtualClockLive(clock.startAt ?? Date.now())))
}

/**
 * The API's composition root: the only place that picks adapters. The center on libSQL (an
 * embedded file unless LIFELINE_DB_URL names a server), the clock, and the telephony and mail
 * providers the settings name; the outbox dispatcher runs beside it, and POSTs' Idempotency-Keys
 * are kept in the same database.
 */
export const apiLayer = <C extends Clock = Clock>(
  settings: ApiSettings,
  clock: Layer.Layer<C> = clockLayer(settings) as Layer.Layer<C>,
) => {
  const ports = Layer.mergeAll(
    LibsqlStoreLive(settings.db.url, settings.db.options),
    snapshotLayer(settings),
    clock,
    telephonyLayer(settings),
    mailLayer(settings),
  )
  return Layer.mergeAll(
    OutboxDispatcherLive,
    CenterFollowerLive,
    // Every read model in SQL (history, audit, deliveries, operator log), projected on every node (issue 22).
    LibsqlReadModelProjectorsLive(settings.db.url, settings.db.options),
    // Issue 19: the supervisor's service level as one GROUP BY over call history's table.
    LibsqlServiceLevelLive(settings.db.url, settings.db.options),
    IdempotencyKeysLive(
      settings.db.url,
      settings.db.options,
      settings.idempotency?.keepMs ?? DEFAULT_IDEMPOTENCY_KEEP_MS,
    ),
  ).pipe(
    Layer.provideMerge(CenterLive),
    Layer.provideMerge(ports),
    // Built first and closed last: every span of the node reaches the collector, flushed on stop.
    Layer.provideMerge(tracingLayer(settings.tracing)),
  )
}
