import { CallAutomationClient, type CallAutomationClientOptions } from "@azure/communication-call-automation"
import { Telephony, type TelephonyAction, type TelephonyFailed } from "@lifeline/core/ports"
import { Context, Duration, Effect, Layer } from "effect"
import type { CallEvent, IncomingCall } from "../events"
import { makeSeenIds } from "../seen-ids"
import { actionHandlers, failed } from "./call-actions"
import { makeMemoryCallDirectory } from "./call-directory"
import { ACS_API_VERSION, type AzureTelephonyConfig } from "./config"
import { toTelephonyFailed } from "./failure"
import { makeRepeatability } from "./repeatability"
import { callbackUrl } from "./webhook-token"
import { opt } from "./wire"

export { participantOf } from "./call-actions"
export * from "./config"

/** What the webhook side tells the adapter, so it can map Lifeline call ids to ACS's. */
export class AzureCallRegistry extends Context.Service<
  AzureCallRegistry,
  {
    /** An IncomingCall the driver has given Lifeline id `callId`: keeps its context and caller. */
    readonly registerIncomingCall: (callId: string, call: IncomingCall) => Effect.Effect<void>
    /** Every parsed callback event: (re)learns the call connection, forgets ended calls. */
    readonly observe: (event: CallEvent) => Effect.Effect<void>
    /** The callback URI the adapter gives ACS for `callId`. */
    readonly callbackUrl: (callId: string) => string
  }
>()("lifeline/AzureCallRegistry") {}

/**
 * The Telephony port on ACS Call Automation through the real SDK. Each action goes out with the
 * idempotency key as its operation context (echoed in the events it causes) and, where ACS
 * supports it, as the Repeatability-Request-ID (see repeatability.ts), so a replay after a crash
 * is done once by ACS. Play and Recognize have no repeatability at ACS: a repeat within this
 * process is dropped here, a repeat after a restart plays the prompt again.
 */
export const makeAzureTelephony = (config: AzureTelephonyConfig) => {
  const client = new CallAutomationClient(config.connectionString, clientOptions(config))
  const directory = config.directory ?? makeMemoryCallDirectory()
  const repeatability = makeRepeatability(config.now ?? Date.now)
  const done = makeSeenIds(10_000)
  const timeoutMs = config.requestTimeoutMs ?? 10_000
  const callbackFor = (callId: string) => callbackUrl(config.callbackBaseUrl, config.webhookSecret, callId)

  const handlers = actionHandlers({
    config,
    client,
    directory,
    callbackFor,
    sdk: (operation, run) =>
      Effect.tryPromise({ try: run, catch: toTelephonyFailed(operation) }).pipe(
        Effect.timeoutOrElse({
          duration: Duration.millis(timeoutMs),
          orElse: () => Effect.fail(failed(operation, `no answer from ACS in ${timeoutMs} ms`, true)),
        }),
      ),
    repeatable: (key, signal) => ({
      abortSignal: signal,
      requestOptions: { customHeaders: { ...repeatability.headersFor(key) } },
    }),
  })

  const telephony: Telephony["Service"] = {
    perform: (action, idempotencyKey) =>
      Effect.suspend(() => {
        if (done.has(idempotencyKey)) return Effect.void
        const handler = handlers[action._tag] as (
          a: TelephonyAction,
          k: string,
        ) => Effect.Effect<void, TelephonyFailed>
        return Effect.map(handler(action, idempotencyKey), () => void done.firstSight(idempotencyKey))
      }),
  }

  const registry: AzureCallRegistry["Service"] = {
    registerIncomingCall: (callId, call) =>
      directory.merge(callId, {
        incomingCallContext: call.incomingCallContext,
        serverCallId: call.serverCallId,
        customer: call.from.rawId,
      }),
    observe: (event) => {
      switch (event._tag) {
        case "CallDisconnected":
        case "CreateCallFailed":
        case "AnswerFailed":
          return directory.forget(event.callId)
        default:
          return directory.merge(event.callId, {
            callConnectionId: event.callConnectionId,
            ...opt("serverCallId", event.serverCallId),
          })
      }
    },
    callbackUrl: callbackFor,
  }

  return { telephony, registry }
}

/** Provides the Telephony port and the registry the webhook routes talk to. */
export const AzureTelephonyLive = (config: AzureTelephonyConfig) =>
  Layer.effectContext(
    Effect.sync(() => {
      const { telephony, registry } = makeAzureTelephony(config)
      return Context.make(Telephony, telephony).pipe(Context.add(AzureCallRegistry, registry))
    }),
  )

const clientOptions = (config: AzureTelephonyConfig): CallAutomationClientOptions => {
  // `apiVersion` is not in the SDK's public options type, but the SDK hands its options to the
  // generated client, which pins the query's api-version with it (its own default is 2026-03-12).
  const options = {
    apiVersion: ACS_API_VERSION,
    retryOptions: { maxRetries: config.maxRetries ?? 0 },
    ...(config.allowInsecureConnection === true ? { allowInsecureConnection: true } : {}),
  }
  return options
}
