import {
  CallAutomationClient,
  type CallAutomationClientOptions,
  type CallInvite,
  type TextSource,
} from "@azure/communication-call-automation"
import { createIdentifierFromRawId } from "@azure/communication-common"
import { Telephony, type TelephonyAction, TelephonyFailed } from "@lifeline/core"
import { Context, Duration, Effect, Layer } from "effect"
import type { CallEvent, IncomingCall } from "../events"
import { makeSeenIds } from "../seen-ids"
import { type CallDirectory, makeMemoryCallDirectory } from "./call-directory"
import { statusOf, toTelephonyFailed } from "./failure"
import { makeRepeatability } from "./repeatability"
import { callbackUrl } from "./webhook-token"
import { opt } from "./wire"

/** The Call Automation REST version this adapter and its stand-in are written against. */
export const ACS_API_VERSION = "2025-06-15"
const DEFAULT_VOICE = "en-US-NancyNeural"

export interface AzureTelephonyConfig {
  /** `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>`. */
  readonly connectionString: string
  /** Public URL ACS posts a call's events to; the adapter adds `callId` and `token` to it. */
  readonly callbackBaseUrl: string
  /** Secret behind the webhook tokens; the webhook parsers need the same one. */
  readonly webhookSecret: string
  /** A rep's ACS endpoint as a raw id (`8:acs:...`); undefined when the rep has none. */
  readonly repEndpoint: (repId: string) => string | undefined
  /** Caller id (E.164) for outbound calls whose action names none. */
  readonly callerId: string
  readonly sourceDisplayName?: string
  /** Text-to-speech voice for prompts (ACS needs Azure AI services linked for text prompts). */
  readonly voiceName?: string
  readonly sourceLocale?: string
  /** Where callId → ACS ids live; in memory by default (see call-directory.ts). */
  readonly directory?: CallDirectory
  /** Retries inside the SDK. Default 0: the outbox owns the retry policy (B6), one rule, one place. */
  readonly maxRetries?: number
  readonly requestTimeoutMs?: number
  /** Only for a stand-in on plain http (tests); the SDK refuses http otherwise. */
  readonly allowInsecureConnection?: boolean
  /** For `Repeatability-First-Sent`; defaults to the system clock. */
  readonly now?: () => number
}

/** What the webhook side tells the adapter, so it can map Lifeline call ids to ACS's. */
export class AzureCallRegistry extends Context.Tag("lifeline/AzureCallRegistry")<
  AzureCallRegistry,
  {
    /** An IncomingCall the driver has given Lifeline id `callId`: keeps its context and caller. */
    readonly registerIncomingCall: (callId: string, call: IncomingCall) => Effect.Effect<void>
    /** Every parsed callback event: (re)learns the call connection, forgets ended calls. */
    readonly observe: (event: CallEvent) => Effect.Effect<void>
    /** The callback URI the adapter gives ACS for `callId`. */
    readonly callbackUrl: (callId: string) => string
  }
>() {}

type Participant = CallInvite["targetParticipant"]

/** A phone number (E.164) or an ACS raw id, as the identifier the SDK wants. */
export const participantOf = (address: string): Participant | undefined => {
  if (/^\+[1-9]\d{1,14}$/.test(address)) return { phoneNumber: address }
  const identifier = createIdentifierFromRawId(address)
  return identifier.kind === "unknown" ? undefined : identifier
}

/** Lifeline action → ACS REST call through the real SDK, with the repeatability headers. */
export const makeAzureTelephony = (config: AzureTelephonyConfig) => {
  const client = new CallAutomationClient(config.connectionString, clientOptions(config))
  const directory = config.directory ?? makeMemoryCallDirectory()
  const repeatability = makeRepeatability(config.now ?? Date.now)
  // Keys done by this process: Play and Recognize have no server-side repeatability.
  const done = makeSeenIds(10_000)
  const timeoutMs = config.requestTimeoutMs ?? 10_000
  const callbackFor = (callId: string) => callbackUrl(config.callbackBaseUrl, config.webhookSecret, callId)

  const sdk = <A>(operation: string, run: (signal: AbortSignal) => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: toTelephonyFailed(operation) }).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(timeoutMs),
        onTimeout: () => failed(operation, `no answer from ACS in ${timeoutMs} ms`, true),
      }),
    )
  const repeatable = (key: string, signal: AbortSignal) => ({
    abortSignal: signal,
    requestOptions: { customHeaders: { ...repeatability.headersFor(key) } },
  })
  const speech = (text: string): TextSource => ({
    kind: "textSource",
    text,
    voiceName: config.voiceName ?? DEFAULT_VOICE,
    ...opt("sourceLocale", config.sourceLocale),
  })
  const record = (operation: string, callId: string) =>
    Effect.flatMap(directory.get(callId), (found) =>
      found === undefined ? Effect.fail(unknownCall(operation, callId, "call")) : Effect.succeed(found),
    )
  const connectionOf = (operation: string, callId: string) =>
    Effect.flatMap(record(operation, callId), (found) =>
      found.callConnectionId === undefined
        ? Effect.fail(unknownCall(operation, callId, "call connection"))
        : Effect.succeed({ ...found, callConnectionId: found.callConnectionId }),
    )
  const contextOf = (operation: string, callId: string) =>
    Effect.flatMap(record(operation, callId), (found) =>
      found.incomingCallContext === undefined
        ? Effect.fail(unknownCall(operation, callId, "incoming-call context"))
        : Effect.succeed(found.incomingCallContext),
    )
  const repOf = (operation: string, repId: string) => {
    const raw = config.repEndpoint(repId)
    const participant = raw === undefined ? undefined : participantOf(raw)
    return participant === undefined
      ? Effect.fail(failed(operation, `rep ${repId} has no ACS endpoint`, false))
      : Effect.succeed(participant)
  }

  const handlers: {
    readonly [T in TelephonyAction["_tag"]]: (
      action: Extract<TelephonyAction, { _tag: T }>,
      key: string,
    ) => Effect.Effect<void, TelephonyFailed>
  } = {
    Answer: ({ callId }, key) =>
      Effect.gen(function* () {
        const context = yield* contextOf("Answer", callId)
        const { callConnectionProperties: props } = yield* sdk("Answer", (signal) =>
          client.answerCall(context, callbackFor(callId), {
            operationContext: key,
            ...repeatable(key, signal),
          }),
        )
        yield* directory.merge(callId, {
          ...opt("callConnectionId", props.callConnectionId),
          ...opt("serverCallId", props.serverCallId),
        })
      }),
    Redirect: ({ callId, repId }, key) =>
      Effect.gen(function* () {
        const context = yield* contextOf("Redirect", callId)
        const targetParticipant = yield* repOf("Redirect", repId)
        yield* sdk("Redirect", (signal) =>
          client.redirectCall(context, { targetParticipant }, repeatable(key, signal)),
        )
        // The call is the rep's now; ACS sends Lifeline nothing more about it.
        yield* directory.forget(callId)
      }),
    Play: ({ callId, prompt }, key) =>
      Effect.gen(function* () {
        const { callConnectionId } = yield* connectionOf("Play", callId)
        const media = client.getCallConnection(callConnectionId).getCallMedia()
        yield* sdk("Play", (signal) =>
          media.playToAll([speech(prompt)], { operationContext: key, abortSignal: signal }),
        )
      }),
    CollectDigit: ({ callId, prompt, timeoutMs: silenceMs }, key) =>
      Effect.gen(function* () {
        const found = yield* connectionOf("CollectDigit", callId)
        const customer = found.customer === undefined ? undefined : participantOf(found.customer)
        if (customer === undefined)
          return yield* Effect.fail(unknownCall("CollectDigit", callId, "caller identity"))
        const media = client.getCallConnection(found.callConnectionId).getCallMedia()
        // startRecognizing takes no abort signal (SDK 1.6.0); the timeout still ends the wait.
        yield* sdk("CollectDigit", () =>
          media.startRecognizing(customer, {
            kind: "callMediaRecognizeDtmfOptions",
            maxTonesToCollect: 1,
            playPrompt: speech(prompt),
            interruptPrompt: true,
            initialSilenceTimeoutInSeconds: Math.min(300, Math.max(1, Math.ceil(silenceMs / 1000))),
            operationContext: key,
          }),
        )
      }),
    PlaceCall: ({ callId, to, from }, key) =>
      Effect.gen(function* () {
        const targetParticipant = participantOf(to)
        if (targetParticipant === undefined)
          return yield* Effect.fail(failed("PlaceCall", `cannot dial ${to}`, false))
        const invite: CallInvite = {
          targetParticipant,
          sourceCallIdNumber: { phoneNumber: from === "" ? config.callerId : from },
          ...opt("sourceDisplayName", config.sourceDisplayName),
        }
        const { callConnectionProperties: props } = yield* sdk("PlaceCall", (signal) =>
          client.createCall(invite, callbackFor(callId), {
            operationContext: key,
            ...repeatable(key, signal),
          }),
        )
        yield* directory.merge(callId, {
          ...opt("callConnectionId", props.callConnectionId),
          customer: to,
          ...opt("serverCallId", props.serverCallId),
        })
      }),
    Connect: ({ callId, repId }, key) =>
      Effect.gen(function* () {
        const { callConnectionId } = yield* connectionOf("Connect", callId)
        const targetParticipant = yield* repOf("Connect", repId)
        const connection = client.getCallConnection(callConnectionId)
        yield* sdk("Connect", (signal) =>
          connection.addParticipant(
            { targetParticipant },
            { operationContext: key, ...repeatable(key, signal) },
          ),
        )
      }),
    HangUp: ({ callId }, key) =>
      Effect.gen(function* () {
        const found = yield* directory.get(callId)
        if (found?.callConnectionId !== undefined) {
          const connection = client.getCallConnection(found.callConnectionId)
          // Terminate for everyone; a call ACS no longer knows (404) is already down.
          yield* sdk("HangUp", (signal) =>
            connection.hangUp(true, repeatable(key, signal)).catch(ignoreStatus(404)),
          )
        } else if (found?.incomingCallContext !== undefined) {
          const context = found.incomingCallContext
          yield* sdk("HangUp", (signal) =>
            client.rejectCall(context, { callRejectReason: "none", ...repeatable(key, signal) }),
          )
        }
        // Unknown: ended already (CallDisconnected forgot it) or forgotten on restart; nothing to do.
        yield* directory.forget(callId)
      }),
  }

  const telephony: Telephony["Type"] = {
    perform: (action, idempotencyKey) =>
      Effect.suspend(() => {
        if (done.has(idempotencyKey)) return Effect.void
        const handler = handlers[action._tag] as (
          a: TelephonyAction,
          k: string,
        ) => Effect.Effect<void, TelephonyFailed>
        return handler(action, idempotencyKey).pipe(Effect.tap(() => void done.firstSight(idempotencyKey)))
      }),
  }

  const registry: AzureCallRegistry["Type"] = {
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

const failed = (operation: string, message: string, retryable: boolean) =>
  new TelephonyFailed({ operation, message: `ACS ${operation}: ${message}`, retryable })

/** Not retryable: nothing will teach this process the mapping by the time the outbox retries. */
const unknownCall = (operation: string, callId: string, what: string) =>
  failed(
    operation,
    `no ${what} known for call ${callId} (not registered, ended, or forgotten on restart)`,
    false,
  )

const ignoreStatus =
  (status: number) =>
  (error: unknown): void => {
    if (statusOf(error) !== status) throw error
  }
