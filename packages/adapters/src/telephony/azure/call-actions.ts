import type { CallAutomationClient, CallInvite, TextSource } from "@azure/communication-call-automation"
import { createIdentifierFromRawId } from "@azure/communication-common"
import { type TelephonyAction, TelephonyFailed } from "@lifeline/core/ports"
import { Effect } from "effect"
import type { AcsCallRecord, CallDirectory } from "./call-directory"
import { type AzureTelephonyConfig, DEFAULT_VOICE } from "./config"
import { statusOf } from "./failure"
import { opt } from "./wire"

/** What the action handlers need from the adapter that owns them. */
export interface ActionContext {
  readonly config: AzureTelephonyConfig
  readonly client: CallAutomationClient
  readonly directory: CallDirectory
  /** Runs one SDK call with a timeout, failures mapped to TelephonyFailed. */
  readonly sdk: <A>(
    operation: string,
    run: (signal: AbortSignal) => Promise<A>,
  ) => Effect.Effect<A, TelephonyFailed>
  /** Operation options carrying the repeatability headers for `key`. */
  readonly repeatable: (
    key: string,
    signal: AbortSignal,
  ) => { abortSignal: AbortSignal; requestOptions: { customHeaders: Record<string, string> } }
  readonly callbackFor: (callId: string) => string
}

export type ActionHandlers = {
  readonly [T in TelephonyAction["_tag"]]: (
    action: Extract<TelephonyAction, { _tag: T }>,
    key: string,
  ) => Effect.Effect<void, TelephonyFailed>
}

type Participant = CallInvite["targetParticipant"]

/** A phone number (E.164) or an ACS raw id, as the identifier the SDK wants. */
export const participantOf = (address: string): Participant | undefined => {
  if (/^\+[1-9]\d{1,14}$/.test(address)) return { phoneNumber: address }
  const identifier = createIdentifierFromRawId(address)
  return identifier.kind === "unknown" ? undefined : identifier
}

export const failed = (operation: string, message: string, retryable: boolean) =>
  new TelephonyFailed({ operation, message, retryable })

/** Not retryable: nothing will teach this process the mapping by the time the outbox retries. */
const unknownCall = (operation: string, callId: string, what: string) =>
  failed(
    operation,
    `no ${what} known for call ${callId} (not registered, ended, or forgotten on restart)`,
    false,
  )

/** What a handler needs to know about a call, or the failure saying which part is missing. */
const lookups = ({ directory, config }: ActionContext) => {
  const need = <K extends keyof AcsCallRecord>(operation: string, callId: string, field: K, what: string) =>
    Effect.flatMap(directory.get(callId), (found) => {
      const value = found?.[field]
      return value === undefined
        ? Effect.fail(unknownCall(operation, callId, what))
        : Effect.succeed(value as NonNullable<AcsCallRecord[K]>)
    })
  return {
    connection: (operation: string, callId: string) =>
      need(operation, callId, "callConnectionId", "call connection"),
    context: (operation: string, callId: string) =>
      need(operation, callId, "incomingCallContext", "incoming-call context"),
    customer: (operation: string, callId: string) =>
      Effect.flatMap(need(operation, callId, "customer", "caller identity"), (raw) => {
        const participant = participantOf(raw)
        return participant === undefined
          ? Effect.fail(unknownCall(operation, callId, "caller identity"))
          : Effect.succeed(participant)
      }),
    rep: (operation: string, repId: string) =>
      storedEndpoint(config, operation, repId).pipe(
        Effect.flatMap((stored) => {
          const raw = stored ?? config.repEndpoint(repId)
          const participant = raw === undefined ? undefined : participantOf(raw)
          return participant === undefined
            ? Effect.fail(failed(operation, `rep ${repId} has no ACS endpoint`, false))
            : Effect.succeed(participant)
        }),
      ),
  }
}

/** Issue 19: the rep's stored ACS user; a store that cannot answer now is retried by the outbox. */
const storedEndpoint = (config: AzureTelephonyConfig, operation: string, repId: string) =>
  config.storedRepEndpoint === undefined
    ? Effect.succeed(undefined)
    : config
        .storedRepEndpoint(repId)
        .pipe(
          Effect.mapError((e) =>
            failed(operation, `cannot read rep ${repId}'s ACS identity: ${e.message}`, true),
          ),
        )

const speechOf =
  (config: AzureTelephonyConfig) =>
  (text: string): TextSource => ({
    kind: "textSource",
    text,
    voiceName: config.voiceName ?? DEFAULT_VOICE,
    ...opt("sourceLocale", config.sourceLocale),
  })

/** Rethrows anything but an answer with `status` (e.g. 404 from a call that is already gone). */
const ignoreStatus =
  (status: number) =>
  (error: unknown): void => {
    if (statusOf(error) !== status) throw error
  }

/** One handler per Lifeline action: which ACS operation it is and what the adapter learns from it. */
export const actionHandlers = (ctx: ActionContext): ActionHandlers => {
  const { client, directory, sdk, repeatable, callbackFor, config } = ctx
  const find = lookups(ctx)
  const speech = speechOf(config)
  return {
    Answer: ({ callId }, key) =>
      Effect.gen(function* () {
        const context = yield* find.context("Answer", callId)
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
        const context = yield* find.context("Redirect", callId)
        const targetParticipant = yield* find.rep("Redirect", repId)
        yield* sdk("Redirect", (signal) =>
          client.redirectCall(context, { targetParticipant }, repeatable(key, signal)),
        )
        // The call is the rep's now; ACS sends Lifeline nothing more about it.
        yield* directory.forget(callId)
      }),
    Play: ({ callId, prompt }, key) =>
      Effect.gen(function* () {
        const media = client.getCallConnection(yield* find.connection("Play", callId)).getCallMedia()
        yield* sdk("Play", (signal) =>
          media.playToAll([speech(prompt)], { operationContext: key, abortSignal: signal }),
        )
      }),
    CollectDigit: ({ callId, prompt, timeoutMs }, key) =>
      Effect.gen(function* () {
        const media = client.getCallConnection(yield* find.connection("CollectDigit", callId)).getCallMedia()
        const customer = yield* find.customer("CollectDigit", callId)
        // startRecognizing takes no abort signal (SDK 1.6.0); the timeout still ends the wait.
        yield* sdk("CollectDigit", () =>
          media.startRecognizing(customer, {
            kind: "callMediaRecognizeDtmfOptions",
            maxTonesToCollect: 1,
            playPrompt: speech(prompt),
            interruptPrompt: true,
            // ACS allows 0-300 s of silence after the prompt.
            initialSilenceTimeoutInSeconds: Math.min(300, Math.max(1, Math.ceil(timeoutMs / 1000))),
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
          ...opt("serverCallId", props.serverCallId),
          customer: to,
        })
      }),
    Connect: ({ callId, repId }, key) =>
      Effect.gen(function* () {
        const connection = client.getCallConnection(yield* find.connection("Connect", callId))
        const targetParticipant = yield* find.rep("Connect", repId)
        yield* sdk("Connect", (signal) =>
          connection.addParticipant(
            { targetParticipant },
            { operationContext: key, ...repeatable(key, signal) },
          ),
        )
      }),
    // W1: the caller on hold hears music; hold and unhold take no repeatability id (2025-06-15),
    // and holding a held caller again does no harm.
    Hold: ({ callId }, key) =>
      Effect.gen(function* () {
        const media = client.getCallConnection(yield* find.connection("Hold", callId)).getCallMedia()
        const customer = yield* find.customer("Hold", callId)
        yield* sdk("Hold", (signal) => media.hold(customer, { operationContext: key, abortSignal: signal }))
      }),
    Unhold: ({ callId }, key) =>
      Effect.gen(function* () {
        const media = client.getCallConnection(yield* find.connection("Unhold", callId)).getCallMedia()
        const customer = yield* find.customer("Unhold", callId)
        yield* sdk("Unhold", (signal) =>
          media.unhold(customer, { operationContext: key, abortSignal: signal }),
        )
      }),
    Mute: ({ callId, repId }, key) =>
      Effect.gen(function* () {
        const connection = client.getCallConnection(yield* find.connection("Mute", callId))
        const rep = yield* find.rep("Mute", repId)
        yield* sdk("Mute", (signal) =>
          connection.muteParticipant(rep, { operationContext: key, ...repeatable(key, signal) }),
        )
      }),
    // ACS mutes a participant from the server but has no unmute: the rep's calling client
    // unmutes its own microphone, so there is nothing to ask the provider.
    Unmute: () => Effect.void,
    // W1: to a queue the rep's participant leaves and the caller stays on Lifeline's connection
    // (routed again); to a rep the caller is transferred to that rep's endpoint.
    Transfer: ({ callId, repId, to }, key) =>
      Effect.gen(function* () {
        const connection = client.getCallConnection(yield* find.connection("Transfer", callId))
        const rep = yield* find.rep("Transfer", repId)
        if ("queueId" in to) {
          yield* sdk("Transfer", (signal) =>
            connection
              .removeParticipant(rep, { operationContext: key, ...repeatable(key, signal) })
              .catch(ignoreStatus(404)),
          )
          return
        }
        const target = yield* find.rep("Transfer", to.repId)
        const transferee = yield* find.customer("Transfer", callId)
        yield* sdk("Transfer", (signal) =>
          connection.transferCallToParticipant(target, {
            transferee,
            operationContext: key,
            ...repeatable(key, signal),
          }),
        )
      }),
    HangUp: ({ callId }, key) =>
      Effect.gen(function* () {
        const found = yield* directory.get(callId)
        const connectionId = found?.callConnectionId
        const context = found?.incomingCallContext
        if (connectionId !== undefined) {
          const connection = client.getCallConnection(connectionId)
          // Terminate for everyone; a call ACS no longer knows (404) is already down.
          yield* sdk("HangUp", (signal) =>
            connection.hangUp(true, repeatable(key, signal)).catch(ignoreStatus(404)),
          )
        } else if (context !== undefined) {
          yield* sdk("HangUp", (signal) =>
            client.rejectCall(context, { callRejectReason: "none", ...repeatable(key, signal) }),
          )
        }
        // Unknown: ended already (CallDisconnected forgot it) or forgotten on restart; nothing to do.
        yield* directory.forget(callId)
      }),
  }
}
