import {
  AzureTelephonyLive,
  LibsqlStoreLive,
  RecordingMailerLive,
  ResendMailerLive,
  SimulatedTelephonyLive,
  SystemClockLive,
} from "@lifeline/adapters"
import { CenterLive, type Clock, runOutboxDispatcher } from "@lifeline/core"
import { Layer } from "effect"
import type { ApiSettings } from "./settings"

/** Sends what the outbox holds for as long as the runtime lives (ARCHITECTURE rule 5). */
export const OutboxDispatcherLive = Layer.scopedDiscard(runOutboxDispatcher)

const telephonyLayer = (settings: ApiSettings) =>
  settings.telephony._tag === "azure" ? AzureTelephonyLive(settings.telephony.config) : SimulatedTelephonyLive

const mailLayer = (settings: ApiSettings) =>
  settings.mail._tag === "resend" ? ResendMailerLive(settings.mail.config) : RecordingMailerLive

/**
 * The API's composition root: the only place that picks adapters. The center on libSQL (an
 * embedded file unless LIFELINE_DB_URL names a server), the system clock, and the telephony and
 * mail providers the settings name; the outbox dispatcher runs beside it.
 */
export const apiLayer = <C extends Clock = Clock>(
  settings: ApiSettings,
  clock: Layer.Layer<C> = SystemClockLive as Layer.Layer<C>,
) => {
  const ports = Layer.mergeAll(
    LibsqlStoreLive(settings.db.url, settings.db.options),
    clock,
    telephonyLayer(settings),
    mailLayer(settings),
  )
  return OutboxDispatcherLive.pipe(Layer.provideMerge(CenterLive), Layer.provideMerge(ports))
}
