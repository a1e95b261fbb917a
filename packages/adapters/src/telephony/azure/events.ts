import { Result } from "effect"
import {
  CALL_EVENT_TAGS,
  type CallEvent,
  type CallEventBase,
  digitsOf,
  type IncomingCall,
  isTone,
  type Tone,
} from "../events"
import { CALL_ID_PARAM, EVENT_GRID_SCOPE, TOKEN_PARAM, tokenMatches } from "./webhook-token"
import {
  AcsWebhookMalformed,
  AcsWebhookUnauthorized,
  asEventList,
  type Envelope,
  envelopeAt,
  type HeaderSource,
  headerOf,
  type Json,
  malformed,
  objectAt,
  opt,
  optionalString,
  parseJson,
  partyAt,
  queryOf,
  resultInformationAt,
  stringAt,
} from "./wire"

/**
 * Provider events in. Two endpoints, both plain functions of (url, headers, body) so any HTTP
 * framework can mount them:
 *
 * - the Event Grid subscription (IncomingCall), registered with `eventGridUrl(...)`;
 * - each call's callback URI (everything mid-call), built by the adapter with `callbackUrl(...)`.
 *
 * Authenticity: both check the HMAC token Lifeline put in the URL (constant time). Real ACS also
 * sends `Authorization: Bearer <JWT>` on callback POSTs, signed by ACS (RS256, audience = the ACS
 * resource's immutable id, 5-minute lifetime); Event Grid sends one only when the subscription is
 * set up for Entra authentication. Verifying that JWT needs the JWKS fetched, so it is async and
 * lives beside these synchronous parsers: `makeCallbackJwtVerifier` (callback-jwt.ts), which a
 * driver runs on the headers before `parseCallbackPost` when it is configured.
 *
 * Deduplication of repeated event ids is the caller's: see `makeSeenIds` and the store.
 */

export {
  ACS_CALLBACK_JWKS_URL,
  ACS_CALLBACK_JWT_ISSUER,
  ACS_OPENID_CONFIGURATION_URL,
  AcsWebhookKeysUnavailable,
  CALLBACK_JWT_CLOCK_TOLERANCE_S,
  type CallbackJwtConfig,
  type CallbackJwtRejected,
  type CallbackJwtVerifier,
  makeCallbackJwtVerifier,
} from "./callback-jwt"
export { AcsWebhookMalformed, AcsWebhookUnauthorized, type HeaderSource } from "./wire"

export interface WebhookRequest {
  /** The request URL as received, absolute or path-and-query. */
  readonly url: string
  readonly headers?: HeaderSource
  readonly body: string
}

export type WebhookRejected = AcsWebhookUnauthorized | AcsWebhookMalformed

const EVENT_PREFIX = "Microsoft.Communication."
const SUBSCRIPTION_VALIDATION = "Microsoft.EventGrid.SubscriptionValidationEvent"
/** RecognizeFailed sub-codes for "nothing pressed in time": initial silence, inter-digit silence. */
const RECOGNIZE_TIMEOUT_SUBCODES: ReadonlySet<number> = new Set([8510, 8532])

export type EventGridDelivery =
  /** Event Grid's handshake when the subscription is created: answer 200 with `response`. */
  | {
      readonly _tag: "SubscriptionValidation"
      readonly validationCode: string
      readonly response: { readonly validationResponse: string }
    }
  /** `ignored` lists the types of events in the batch Lifeline does not act on. */
  | { readonly _tag: "Events"; readonly events: readonly IncomingCall[]; readonly ignored: readonly string[] }

export interface CallbackDelivery {
  readonly callId: string
  readonly events: readonly CallEvent[]
  readonly ignored: readonly string[]
}

const unauthorized = (message: string) => Result.fail(new AcsWebhookUnauthorized({ message }))

const requireToken = (
  url: string,
  secret: string,
  scope: string,
): Result.Result<void, AcsWebhookUnauthorized> =>
  tokenMatches(secret, scope, queryOf(url).get(TOKEN_PARAM))
    ? Result.void
    : unauthorized("missing or wrong webhook token")

/** A POST from Event Grid: the validation handshake or a batch holding IncomingCall events. */
export const parseEventGridPost = (
  request: WebhookRequest,
  secret: string,
): Result.Result<EventGridDelivery, WebhookRejected> =>
  Result.gen(function* () {
    yield* requireToken(request.url, secret, EVENT_GRID_SCOPE)
    const list = yield* asEventList(yield* parseJson(request.body))
    const events: IncomingCall[] = []
    const ignored: string[] = []
    for (const [index, item] of list.entries()) {
      const path = `[${index}]`
      const envelope = yield* envelopeAt(item, path)
      if (envelope.type === SUBSCRIPTION_VALIDATION) {
        const data = yield* objectAt(envelope.data, `${path}.data`)
        const validationCode = yield* stringAt(data, "validationCode", `${path}.data`)
        return {
          _tag: "SubscriptionValidation",
          validationCode,
          response: { validationResponse: validationCode },
        }
      }
      if (envelope.type === `${EVENT_PREFIX}IncomingCall`) events.push(yield* incomingCallOf(envelope, path))
      else ignored.push(envelope.type)
    }
    return { _tag: "Events", events, ignored }
  })

/**
 * The CloudEvents abuse-protection handshake: Event Grid sends OPTIONS with
 * `WebHook-Request-Origin`; answer 200 with these headers to allow delivery.
 */
export const answerEventGridHandshake = (
  request: Omit<WebhookRequest, "body">,
  secret: string,
): Result.Result<Readonly<Record<string, string>>, WebhookRejected> =>
  Result.gen(function* () {
    yield* requireToken(request.url, secret, EVENT_GRID_SCOPE)
    const origin = headerOf(request.headers, "webhook-request-origin")
    if (origin === undefined || origin === "") {
      return yield* Result.fail(
        new AcsWebhookMalformed({
          field: "WebHook-Request-Origin",
          message: "WebHook-Request-Origin header missing",
        }),
      )
    }
    return { "WebHook-Allowed-Origin": origin, "WebHook-Allowed-Rate": "*" }
  })

const incomingCallOf = (envelope: Envelope, path: string) =>
  Result.gen(function* () {
    const field = `${path}.data`
    const data = yield* objectAt(envelope.data, field)
    return {
      _tag: "IncomingCall",
      eventId: envelope.id,
      serverCallId: yield* stringAt(data, "serverCallId", field),
      from: yield* partyAt(data.from, `${field}.from`),
      to: yield* partyAt(data.to, `${field}.to`),
      incomingCallContext: yield* stringAt(data, "incomingCallContext", field),
      ...opt("callerDisplayName", yield* optionalString(data, "callerDisplayName", field)),
      ...opt("correlationId", yield* optionalString(data, "correlationId", field)),
    } satisfies IncomingCall
  })

/** A POST to a call's callback URI: a JSON array of CloudEvents for that call. */
export const parseCallbackPost = (
  request: WebhookRequest,
  secret: string,
): Result.Result<CallbackDelivery, WebhookRejected> =>
  Result.gen(function* () {
    const callId = queryOf(request.url).get(CALL_ID_PARAM)
    if (callId === null || callId === "")
      return yield* unauthorized(`no ${CALL_ID_PARAM} in the callback URL`)
    yield* requireToken(request.url, secret, callId)
    const list = yield* asEventList(yield* parseJson(request.body))
    const events: CallEvent[] = []
    const ignored: string[] = []
    for (const [index, item] of list.entries()) {
      const envelope = yield* envelopeAt(item, `[${index}]`)
      const event = yield* callEventOf(envelope, callId, `[${index}]`)
      if (event === undefined) ignored.push(envelope.type)
      else events.push(event)
    }
    return { callId, events, ignored }
  })

const callEventOf = (envelope: Envelope, callId: string, path: string) =>
  Result.gen(function* () {
    const name = envelope.type.startsWith(EVENT_PREFIX) ? envelope.type.slice(EVENT_PREFIX.length) : ""
    if (!CALL_EVENT_TAGS.has(name)) return undefined
    const field = `${path}.data`
    const data = yield* objectAt(envelope.data, field)
    const base: CallEventBase = {
      eventId: envelope.id,
      callId,
      callConnectionId: yield* stringAt(data, "callConnectionId", field),
      ...opt("serverCallId", yield* optionalString(data, "serverCallId", field)),
      ...opt("correlationId", yield* optionalString(data, "correlationId", field)),
      ...opt("operationContext", yield* optionalString(data, "operationContext", field)),
      ...opt("resultInformation", yield* resultInformationAt(data, field)),
    }
    const tag = name as CallEvent["_tag"]
    switch (tag) {
      case "RecognizeCompleted":
        return yield* recognizeCompletedOf(base, data, field)
      case "RecognizeFailed": {
        const subCode = base.resultInformation?.subCode
        const timedOut = subCode !== undefined && RECOGNIZE_TIMEOUT_SUBCODES.has(subCode)
        return { ...base, _tag: tag, reason: timedOut ? "timeout" : "failed" } satisfies CallEvent
      }
      case "AddParticipantSucceeded":
      case "AddParticipantFailed": {
        const participant =
          data.participant === undefined
            ? undefined
            : yield* partyAt(data.participant, `${field}.participant`)
        return { ...base, _tag: tag, ...opt("participant", participant) } satisfies CallEvent
      }
      default:
        return { ...base, _tag: tag } satisfies CallEvent
    }
  })

/** Only DTMF is asked for; a speech or choice result is not something Lifeline acts on. */
const recognizeCompletedOf = (base: CallEventBase, data: Json, field: string) =>
  Result.gen(function* () {
    const recognitionType = yield* optionalString(data, "recognitionType", field)
    if (recognitionType !== undefined && recognitionType !== "dtmf") return undefined
    // `dtmfResult` since 2023; preview versions called it `collectTonesResult`.
    const resultField = data.dtmfResult !== undefined ? "dtmfResult" : "collectTonesResult"
    const result = yield* objectAt(data[resultField], `${field}.${resultField}`)
    const raw = result.tones
    if (!Array.isArray(raw))
      return yield* malformed(`${field}.${resultField}.tones`, "expected an array of tones")
    const tones: Tone[] = []
    for (const [index, tone] of raw.entries()) {
      if (!isTone(tone)) return yield* malformed(`${field}.${resultField}.tones[${index}]`, "not a DTMF tone")
      tones.push(tone)
    }
    return { ...base, _tag: "RecognizeCompleted", tones, digits: digitsOf(tones) } satisfies CallEvent
  })
