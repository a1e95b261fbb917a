import { randomBytes, randomUUID } from "node:crypto"
import type { IncomingMessage } from "node:http"
import { type CloudEvent, callbackEvent, type EventGridSchema, incomingCallDelivery } from "./acs-events"
import { type JwtClaims, type JwtSigner, makeJwtSigner, nowSeconds } from "./acs-jwt"
import * as ops from "./acs-operations"
import {
  type AcsError,
  acsError,
  checkApiVersion,
  checkSignature,
  type IdentifierModel,
  isAcsError,
  phoneModel,
  repeatabilityOf,
  userModel,
} from "./acs-wire"
import { headersOf, isObject, listen, postJson, sendJson } from "./http"

/**
 * A stand-in for ACS Call Automation (REST 2025-06-15) on 127.0.0.1, for tests that drive the
 * real SDK. It checks what the real service checks first (HMAC signature, api-version, required
 * fields, identifier shapes), answers with the swagger's shapes and CommunicationErrorResponse,
 * honours Repeatability-Request-ID (a repeat gets the first answer and changes nothing), and plays
 * the provider's side on demand: ring an inbound call through Event Grid, connect, press keys,
 * time out, add the rep, hang up, each posted to the call's callback URI as ACS does.
 *
 * With `signCallbacks`, every POST to a callback URI carries `Authorization: Bearer <JWT>` as
 * ACS's does (RS256, iss/aud/iat/nbf/exp, five minutes, minted for each POST, redeliveries too),
 * the key generated at start and published as a JWKS at `GET /calling/keys` (OpenID configuration
 * at `GET /calling/.well-known/acsopenidconfiguration`), unauthenticated like ACS's. Event Grid
 * deliveries (IncomingCall) are not signed, as with ACS when the subscription has no Entra auth.
 *
 * Not modelled: media, real timing (nothing happens until a test says so), repeatability expiry,
 * key rotation.
 */

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
}

export interface Delivery {
  readonly url: string
  readonly body: readonly unknown[]
  readonly headers: Readonly<Record<string, string>>
  /** What the receiver answered; 0 when it could not be reached. */
  status: number
}

export interface RingOptions {
  /** The Event Grid subscription endpoint (with its token). */
  readonly webhookUrl: string
  /** E.164 numbers, or `8:acs:...` raw ids for ACS users. */
  readonly from: string
  readonly to: string
  readonly schema?: EventGridSchema
  readonly callerDisplayName?: string
}

export interface SignCallbacks {
  /** `iss` of the tokens (ACS: https://acscallautomation.communication.azure.com). */
  readonly issuer: string
  /** `aud` of the tokens (ACS: the resource's immutable resource id). */
  readonly audience: string
  /** Token lifetime; ACS's is 300 s. */
  readonly lifetimeSeconds?: number
}

export interface AcsStandinOptions {
  readonly accessKey?: string
  /** Sign callback POSTs with a JWT, as ACS does; unsigned when absent. */
  readonly signCallbacks?: SignCallbacks
}

export type AcsStandin = Awaited<ReturnType<typeof startAcsStandin>>

const modelOf = (address: string): IdentifierModel =>
  address.startsWith("+") ? phoneModel(address) : userModel(address)
const OK = { code: 200, subCode: 0, message: "Action completed successfully." }

const KEYS_PATH = "/calling/keys"
const OPENID_PATH = "/calling/.well-known/acsopenidconfiguration"

export const startAcsStandin = async (options: AcsStandinOptions = {}) => {
  const accessKey = options.accessKey ?? randomBytes(32).toString("base64")
  const signing = options.signCallbacks
  const signer: JwtSigner | undefined = signing === undefined ? undefined : await makeJwtSigner()
  let keyFetches = 0
  const state: ops.AcsState = { calls: new Map(), ringing: new Map(), performed: [] }
  const requests: RecordedRequest[] = []
  const deliveries: Delivery[] = []
  const replies = new Map<string, { readonly route: string; readonly reply: ops.Reply }>()
  const injected: AcsError[] = []
  const delays: number[] = []

  /** `METHOD path-pattern` → operation; `{id}` is a call connection id. */
  const routes: readonly (readonly [
    string,
    RegExp,
    (id: string, body: Record<string, unknown>) => ops.Reply,
  ])[] = [
    ["POST", /^\/calling\/callConnections$/, (_, body) => ops.createCall(state, body)],
    ["POST", /^\/calling\/callConnections:answer$/, (_, body) => ops.answerCall(state, body)],
    ["POST", /^\/calling\/callConnections:redirect$/, (_, body) => ops.redirectCall(state, body)],
    ["POST", /^\/calling\/callConnections:reject$/, (_, body) => ops.rejectCall(state, body)],
    ["GET", /^\/calling\/callConnections\/([^/:]+)$/, (id) => getCall(id)],
    ["DELETE", /^\/calling\/callConnections\/([^/:]+)$/, (id) => ops.endCall(state, id, "HangupCall")],
    [
      "POST",
      /^\/calling\/callConnections\/([^/:]+):terminate$/,
      (id) => ops.endCall(state, id, "TerminateCall"),
    ],
    ["POST", /^\/calling\/callConnections\/([^/:]+):play$/, (id, body) => ops.play(state, id, body)],
    [
      "POST",
      /^\/calling\/callConnections\/([^/:]+):recognize$/,
      (id, body) => ops.recognize(state, id, body),
    ],
    [
      "POST",
      /^\/calling\/callConnections\/([^/:]+)\/participants:add$/,
      (id, body) => ops.addParticipant(state, id, body),
    ],
    ["GET", /^\/calling\/callConnections\/([^/:]+)\/participants$/, (id) => ops.participantsOf(state, id)],
    ["POST", /^\/calling\/callConnections\/([^/:]+):hold$/, (id, body) => ops.hold(state, id, body, true)],
    ["POST", /^\/calling\/callConnections\/([^/:]+):unhold$/, (id, body) => ops.hold(state, id, body, false)],
    [
      "POST",
      /^\/calling\/callConnections\/([^/:]+)\/participants:mute$/,
      (id, body) => ops.mute(state, id, body),
    ],
    [
      "POST",
      /^\/calling\/callConnections\/([^/:]+)\/participants:remove$/,
      (id, body) => ops.removeParticipant(state, id, body),
    ],
    [
      "POST",
      /^\/calling\/callConnections\/([^/:]+):transferToParticipant$/,
      (id, body) => ops.transferToParticipant(state, id, body),
    ],
  ]
  const getCall = (id: string): ops.Reply => {
    const call = ops.liveCall(state, id, false)
    return isAcsError(call) ? call : { status: 200, body: ops.propertiesOf(call) }
  }
  const route = (method: string, path: string, body: Record<string, unknown>): ops.Reply => {
    for (const [verb, pattern, run] of routes) {
      const match = verb === method ? pattern.exec(path) : null
      if (match !== null) return run(decodeURIComponent(match[1] ?? ""), body)
    }
    return acsError(404, "NotFound", `No operation ${method} ${path}.`)
  }

  const handle = (req: IncomingMessage, rawBody: string): { reply: ops.Reply; replayed: boolean } => {
    const method = req.method ?? "GET"
    const url = new URL(req.url ?? "/", "http://standin")
    let body: unknown
    try {
      body = rawBody === "" ? {} : JSON.parse(rawBody)
    } catch {
      body = undefined
    }
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: headersOf(req),
      body,
    })
    const early =
      checkSignature(req, rawBody, accessKey) ?? checkApiVersion(url.searchParams) ?? injected.shift()
    if (early !== undefined) return { reply: early, replayed: false }
    if (!isObject(body))
      return { reply: acsError(400, "BadRequest", "The body is not a JSON object."), replayed: false }
    const repeatId = repeatabilityOf(req)
    if (isAcsError(repeatId)) return { reply: repeatId, replayed: false }
    const routeKey = `${method} ${url.pathname}`
    const earlier = repeatId === undefined ? undefined : replies.get(repeatId)
    if (earlier !== undefined) {
      return earlier.route === routeKey
        ? { reply: earlier.reply, replayed: true }
        : {
            reply: acsError(409, "Conflict", "Repeatability-Request-ID reused for another request."),
            replayed: false,
          }
    }
    const reply = route(method, url.pathname, body)
    // Only a success is remembered: a failed attempt may be tried again with the same id.
    if (repeatId !== undefined && !isAcsError(reply)) replies.set(repeatId, { route: routeKey, reply })
    return { reply, replayed: false }
  }

  const server = await listen(async (req, res, rawBody) => {
    // Public like ACS's: no HMAC, no api-version, not in `requests`.
    const path = new URL(req.url ?? "/", "http://standin").pathname
    if (req.method === "GET" && path === KEYS_PATH) {
      keyFetches++
      sendJson(res, 200, signer?.jwks ?? { keys: [] })
      return
    }
    if (req.method === "GET" && path === OPENID_PATH) {
      sendJson(res, 200, { issuer: signing?.issuer, jwks_uri: `${server.url}${KEYS_PATH}` })
      return
    }
    const { reply, replayed } = handle(req, rawBody)
    const delay = delays.shift()
    if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay))
    if (isAcsError(reply)) {
      sendJson(res, reply.status, { error: { code: reply.code, message: reply.message } })
      return
    }
    const headers: Record<string, string> = req.headers["repeatability-request-id"]
      ? { "Repeatability-Result": "accepted" }
      : {}
    if (replayed) headers["x-standin-replayed"] = "true"
    sendJson(res, reply.status, reply.body, headers)
  })

  const callOf = (callConnectionId: string): ops.StandinCall => {
    const call = state.calls.get(callConnectionId)
    if (call === undefined) throw new Error(`stand-in: no call ${callConnectionId}`)
    return call
  }
  /** A token as ACS would put on a callback POST now; `claims` replace or add claims. */
  const callbackToken = (claims: JwtClaims = {}, header: Readonly<Record<string, unknown>> = {}) => {
    if (signer === undefined || signing === undefined)
      throw new Error("stand-in: started without signCallbacks")
    const now = nowSeconds()
    return signer.sign(
      {
        iss: signing.issuer,
        aud: signing.audience,
        iat: now,
        nbf: now,
        exp: now + (signing.lifetimeSeconds ?? 300),
        ...claims,
      },
      header,
    )
  }
  const deliver = async (url: string, body: readonly unknown[], headers: Record<string, string> = {}) => {
    const delivery: Delivery = { url, body, headers, status: 0 }
    deliveries.push(delivery)
    delivery.status = await postJson(url, body, headers)
    return delivery.status
  }
  /** Callback URI deliveries are signed when asked; a new token for each POST. */
  const signed = (): Record<string, string> =>
    signer === undefined ? {} : { authorization: `Bearer ${callbackToken()}` }
  const emit = (call: ops.StandinCall, name: string, data: Record<string, unknown>) =>
    deliver(call.callbackUri, [callbackEvent(name, call, data)], signed())
  const withContext = (operationContext: string | undefined) =>
    operationContext === undefined ? {} : { operationContext }

  return {
    endpoint: `${server.url}/`,
    accessKey,
    connectionString: `endpoint=${server.url}/;accesskey=${accessKey}`,
    requests: requests as readonly RecordedRequest[],
    /** Operations that took effect, once each, in order (repeats and rejections excluded). */
    performed: state.performed as readonly ops.Performed[],
    calls: state.calls as ReadonlyMap<string, ops.StandinCall>,
    ringing: state.ringing as ReadonlyMap<string, ops.RingingCall>,
    /** Every event POST the stand-in made, with the receiver's answer. */
    deliveries: deliveries as readonly Delivery[],
    /** The JWKS of the callback signing key (empty without `signCallbacks`). */
    jwksUrl: `${server.url}${KEYS_PATH}`,
    openIdConfigurationUrl: `${server.url}${OPENID_PATH}`,
    /** How many times the JWKS was fetched (a verifier should cache it). */
    keyFetches: () => keyFetches,
    /** The `kid` of the callback signing key (undefined without `signCallbacks`). */
    callbackKeyId: signer?.kid,
    callbackToken,
    /** The next `count` requests (after signature and api-version checks) fail with `status`. */
    failNext: (count: number, status: number, code = "InjectedFailure") => {
      for (let i = 0; i < count; i++) injected.push(acsError(status, code, `Injected failure (${status}).`))
    },
    /**
     * The next `count` requests take effect at once but are answered only after `ms`: what a
     * client sees when ACS did the work and the answer was lost on the way (N2).
     */
    delayNextAnswer: (count: number, ms: number) => {
      for (let i = 0; i < count; i++) delays.push(ms)
    },
    /** An inbound call: posts IncomingCall to the Event Grid endpoint. */
    ringIncomingCall: async (ring: RingOptions) => {
      const incoming = {
        from: modelOf(ring.from),
        to: modelOf(ring.to),
        serverCallId: `srv-${randomUUID()}`,
        correlationId: randomUUID(),
        incomingCallContext: `ctx.${randomBytes(24).toString("base64url")}`,
        ...(ring.callerDisplayName === undefined ? {} : { callerDisplayName: ring.callerDisplayName }),
      }
      state.ringing.set(incoming.incomingCallContext, { ...incoming, state: "ringing" })
      const delivery = incomingCallDelivery(ring.schema ?? "EventGrid", incoming)
      const status = await deliver(ring.webhookUrl, delivery.body, delivery.headers)
      return { ...incoming, eventId: delivery.eventId, status }
    },
    /** The callee answered (outbound) or the answer completed (inbound). */
    callConnected: (callConnectionId: string) => {
      const call = callOf(callConnectionId)
      call.state = "connected"
      return emit(call, "CallConnected", { ...withContext(call.operationContext), resultInformation: OK })
    },
    /** The callee did not answer (B1) or the number could not be reached. */
    createCallFailed: (
      callConnectionId: string,
      result = { code: 408, subCode: 10004, message: "Call not answered." },
    ) => {
      const call = callOf(callConnectionId)
      call.state = "disconnected"
      return emit(call, "CreateCallFailed", {
        ...withContext(call.operationContext),
        resultInformation: result,
      })
    },
    playCompleted: (callConnectionId: string) => {
      const call = callOf(callConnectionId)
      const play = call.pendingPlay
      if (play === undefined) throw new Error("stand-in: no play in progress")
      call.pendingPlay = undefined
      return emit(call, "PlayCompleted", { ...withContext(play.operationContext), resultInformation: OK })
    },
    /** The caller presses keys while a recognize is running: `["one"]` is the 1 of C3. */
    pressTones: (callConnectionId: string, tones: readonly string[]) => {
      const call = callOf(callConnectionId)
      const running = call.pendingRecognize
      if (running === undefined) throw new Error("stand-in: no recognize in progress")
      call.pendingRecognize = undefined
      return emit(call, "RecognizeCompleted", {
        ...withContext(running.operationContext),
        recognitionType: "dtmf",
        dtmfResult: { tones },
        resultInformation: { code: 200, subCode: 8514, message: "Action completed, max digits received." },
      })
    },
    recognizeTimedOut: (callConnectionId: string) => {
      const call = callOf(callConnectionId)
      const running = call.pendingRecognize
      if (running === undefined) throw new Error("stand-in: no recognize in progress")
      call.pendingRecognize = undefined
      return emit(call, "RecognizeFailed", {
        ...withContext(running.operationContext),
        resultInformation: {
          code: 400,
          subCode: 8510,
          message: "Action failed, initial silence timeout reached.",
        },
      })
    },
    /** The invited rep answers (`true`) or does not (`false`); the oldest pending invitation. */
    participantAnswered: (callConnectionId: string, answered = true) => {
      const call = callOf(callConnectionId)
      const invite = call.pendingAdds.shift()
      if (invite === undefined) throw new Error("stand-in: no participant being added")
      if (answered) call.participants.push(invite.participant)
      return emit(call, answered ? "AddParticipantSucceeded" : "AddParticipantFailed", {
        ...withContext(invite.operationContext),
        participant: invite.participant,
        resultInformation: answered
          ? OK
          : { code: 408, subCode: 10004, message: "Participant did not answer." },
      })
    },
    /** W1: ACS's ParticipantsUpdated after a hold, unhold or mute took effect. */
    participantsUpdated: (callConnectionId: string) => {
      const call = callOf(callConnectionId)
      return emit(call, "ParticipantsUpdated", {
        participants: ops.participantModels(call),
        resultInformation: OK,
      })
    },
    /** W1: the oldest removal answered 202 took effect (the rep left for a queue transfer). */
    participantRemoved: (callConnectionId: string) => {
      const call = callOf(callConnectionId)
      const removal = call.pendingRemoves.shift()
      if (removal === undefined) throw new Error("stand-in: no participant being removed")
      call.participants = call.participants.filter((p) => p.rawId !== removal.participant.rawId)
      return emit(call, "RemoveParticipantSucceeded", {
        ...withContext(removal.operationContext),
        participant: removal.participant,
        resultInformation: OK,
      })
    },
    /** W1: the transfer target accepted; ACS's leg of the call ends for Lifeline. */
    transferAccepted: (callConnectionId: string) => {
      const call = callOf(callConnectionId)
      const transfer = call.pendingTransfer
      if (transfer === undefined) throw new Error("stand-in: no transfer in progress")
      call.pendingTransfer = undefined
      return emit(call, "CallTransferAccepted", {
        ...withContext(transfer.operationContext),
        transferTarget: transfer.target,
        ...(transfer.transferee === undefined ? {} : { transferee: transfer.transferee }),
        resultInformation: OK,
      })
    },
    /** The customer hangs up, or the call ended after a terminate. */
    disconnected: (callConnectionId: string) => {
      const call = callOf(callConnectionId)
      call.state = "disconnected"
      return emit(call, "CallDisconnected", { resultInformation: OK })
    },
    /** Posts an earlier delivery again, as a provider retrying would (N2). */
    redeliver: (eventId: string) => {
      const earlier = deliveries.find((d) => d.body.some((e) => isObject(e) && e.id === eventId))
      if (earlier === undefined) throw new Error(`stand-in: no delivery of event ${eventId}`)
      // A retry is a new POST: a signed one gets a token of its own.
      const { authorization, ...headers } = earlier.headers
      return deliver(
        earlier.url,
        earlier.body,
        authorization === undefined ? headers : { ...headers, ...signed() },
      )
    },
    close: server.close,
  }
}

export type { CloudEvent }
