import {
  type AzureTelephonyConfig,
  type CallEvent,
  eventGridUrl,
  type IncomingCall,
  makeAzureTelephony,
  parseCallbackPost,
  parseEventGridPost,
} from "@lifeline/adapters"
import type { TelephonyAction } from "@lifeline/core/ports"
import { Effect, Result } from "effect"
import { type AcsStandin, type AcsStandinOptions, startAcsStandin } from "../standins/acs-standin"
import { startWebhookReceiver } from "../standins/webhook-receiver"

export const SECRET = "webhook-secret-for-tests"
export const CALLER_ID = "+15550100000"
export const CUSTOMER = "+15557654321"

/**
 * The ACS stand-in, and a receiver playing the API's two webhook routes with the real parsers,
 * so every event a test sees went over HTTP in ACS's format and through the parser.
 */
export const startAcsHarness = async (standin: AcsStandinOptions = {}) => {
  const acs = await startAcsStandin(standin)
  const incoming: IncomingCall[] = []
  const events: CallEvent[] = []
  const receiver = await startWebhookReceiver((request) => {
    const parsed = request.url.startsWith("/acs/events")
      ? Result.map(parseEventGridPost(request, SECRET), (delivery) => {
          if (delivery._tag === "SubscriptionValidation") return delivery.response
          incoming.push(...delivery.events)
          return undefined
        })
      : Result.map(parseCallbackPost(request, SECRET), (delivery) => void events.push(...delivery.events))
    return Result.match(parsed, {
      onFailure: (rejected) => ({
        status: rejected._tag === "AcsWebhookUnauthorized" ? 401 : 400,
        body: rejected,
      }),
      onSuccess: (body) => ({ status: 200, body }),
    })
  })

  const adapter = (overrides: Partial<AzureTelephonyConfig> = {}) =>
    makeAzureTelephony({
      connectionString: acs.connectionString,
      callbackBaseUrl: `${receiver.url}/acs/callbacks`,
      webhookSecret: SECRET,
      repEndpoint: (repId) => (repId === "nobody" ? undefined : `8:acs:rep-${repId}`),
      callerId: CALLER_ID,
      allowInsecureConnection: true,
      requestTimeoutMs: 5_000,
      ...overrides,
    })
  type Adapter = ReturnType<typeof adapter>

  const perform = (on: Adapter, action: TelephonyAction, key: string) =>
    Effect.runPromise(Effect.result(on.telephony.perform(action, key)))

  /** Rings an inbound call through Event Grid and registers it under `callId`, as the API would. */
  const ring = async (on: Adapter, callId: string, to = "+15550101111") => {
    const rung = await acs.ringIncomingCall({
      webhookUrl: eventGridUrl(`${receiver.url}/acs/events`, SECRET),
      from: CUSTOMER,
      to,
    })
    const event = incoming.find((e) => e.eventId === rung.eventId)
    if (rung.status !== 200 || event === undefined)
      throw new Error(`IncomingCall not accepted (${rung.status})`)
    await Effect.runPromise(on.registry.registerIncomingCall(callId, event))
    return rung
  }

  /** The stand-in's call connection for a Lifeline call, found by the callback URI it was given. */
  const connectionOf = (callId: string) => {
    const call = [...acs.calls.values()].find(
      (c) => new URL(c.callbackUri).searchParams.get("callId") === callId,
    )
    if (call === undefined) throw new Error(`no ACS call for ${callId}`)
    return call.callConnectionId
  }

  /** Has the stand-in post an event and returns it as the parser read it. */
  const event = async (post: Promise<number>) => {
    const status = await post
    if (status !== 200) throw new Error(`callback answered ${status}`)
    const last = events.at(-1)
    if (last === undefined) throw new Error("no event parsed")
    return last
  }

  const requestsTo = (suffix: string) => acs.requests.filter((r) => r.path.endsWith(suffix))
  const performed = (operation: string) => acs.performed.filter((p) => p.operation === operation)

  const close = async () => {
    await acs.close()
    await receiver.close()
  }
  return {
    acs,
    receiver,
    incoming,
    events,
    adapter,
    perform,
    ring,
    connectionOf,
    event,
    requestsTo,
    performed,
    close,
  }
}

export type AcsHarness = Awaited<ReturnType<typeof startAcsHarness>>
export type { AcsStandin }
