import { readFileSync } from "node:fs"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import {
  answerEventGridHandshake,
  type CallbackDelivery,
  type EventGridDelivery,
  parseCallbackPost,
  parseEventGridPost,
  type WebhookRejected,
} from "./events"
import { callbackUrl, eventGridUrl } from "./webhook-token"

const SECRET = "webhook-secret-for-tests"
const EVENTS_URL = eventGridUrl("https://lifeline.example/webhooks/acs/events", SECRET)
const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}/incoming_call.json`, import.meta.url), "utf8")

const right = <A>(result: Result.Result<A, WebhookRejected>): A => {
  if (Result.isFailure(result))
    throw new Error(`expected success, got ${result.failure._tag}: ${result.failure.message}`)
  return result.success
}
const left = <A>(result: Result.Result<A, WebhookRejected>): WebhookRejected => {
  if (Result.isSuccess(result)) throw new Error("expected a rejection")
  return result.failure
}
const incoming = (delivery: EventGridDelivery) => {
  if (delivery._tag !== "Events") throw new Error(`expected events, got ${delivery._tag}`)
  return delivery
}

/** A callback POST as ACS sends it: a JSON array of CloudEvents. */
const cloudEvent = (id: string, name: string, data: Record<string, unknown>) => ({
  id,
  source: "calling/callConnections/cc-1",
  type: `Microsoft.Communication.${name}`,
  specversion: "1.0",
  datacontenttype: "application/json",
  time: "2026-11-22T09:00:00Z",
  data: { callConnectionId: "cc-1", serverCallId: "srv-1", correlationId: "corr-1", ...data },
})
const callback = (
  callId: string,
  events: unknown[],
  url = callbackUrl("https://l.example/cb", SECRET, callId),
) => parseCallbackPost({ url, body: JSON.stringify(events) }, SECRET)

describe("ACS Event Grid webhook", () => {
  it("N2 reads IncomingCall from the Event Grid schema reference example, event id kept as the key", () => {
    const delivery = incoming(
      right(parseEventGridPost({ url: EVENTS_URL, body: `[${fixture("event-grid-schema")}]` }, SECRET)),
    )
    expect(delivery.events).toEqual([
      {
        _tag: "IncomingCall",
        eventId: "e80026e7-e298-46ba-bc42-dab0eda92581",
        serverCallId: "{server-call-id}",
        from: { rawId: "{caller-id}" },
        to: { rawId: "{recipient-id}" },
        incomingCallContext: "{incoming-call-contextValue}",
        callerDisplayName: "VOIP Caller",
        correlationId: "correlationId",
      },
    ])
  })

  it("reads the CloudEvents reference example, alone or in a batch, to the same event", () => {
    const eventGrid = incoming(
      right(parseEventGridPost({ url: EVENTS_URL, body: `[${fixture("event-grid-schema")}]` }, SECRET)),
    )
    const single = incoming(
      right(parseEventGridPost({ url: EVENTS_URL, body: fixture("cloud-events-schema") }, SECRET)),
    )
    const batch = incoming(
      right(parseEventGridPost({ url: EVENTS_URL, body: `[${fixture("cloud-events-schema")}]` }, SECRET)),
    )
    expect(single.events).toEqual(eventGrid.events)
    expect(batch.events).toEqual(eventGrid.events)
  })

  it("E6 keeps the dialled phone number so a leased callback number can be recognised", () => {
    const event = JSON.parse(fixture("event-grid-schema"))
    event.data.to = { kind: "phoneNumber", rawId: "4:+4535000001", phoneNumber: { value: "+4535000001" } }
    const delivery = incoming(
      right(parseEventGridPost({ url: EVENTS_URL, body: JSON.stringify([event]) }, SECRET)),
    )
    expect(delivery.events[0]?.to).toEqual({ rawId: "4:+4535000001", phoneNumber: "+4535000001" })
  })

  it("answers the subscription validation handshake and the CloudEvents OPTIONS handshake", () => {
    const validation = [
      {
        id: "v-1",
        topic: "/subscriptions/x",
        subject: "",
        data: {
          validationCode: "512d38b6-c7b8-40c8-89fe-f46938d2e519",
          validationUrl: "https://rp.example/v",
        },
        eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
        eventTime: "2026-11-22T09:00:00Z",
        metadataVersion: "1",
        dataVersion: "2",
      },
    ]
    const delivery = right(parseEventGridPost({ url: EVENTS_URL, body: JSON.stringify(validation) }, SECRET))
    expect(delivery).toMatchObject({
      response: { validationResponse: "512d38b6-c7b8-40c8-89fe-f46938d2e519" },
    })
    const headers = new Headers({ "WebHook-Request-Origin": "eventgrid.azure.net" })
    expect(right(answerEventGridHandshake({ url: EVENTS_URL, headers }, SECRET))).toEqual({
      "WebHook-Allowed-Origin": "eventgrid.azure.net",
      "WebHook-Allowed-Rate": "*",
    })
    expect(left(answerEventGridHandshake({ url: EVENTS_URL, headers: {} }, SECRET))._tag).toBe(
      "AcsWebhookMalformed",
    )
  })

  it("rejects a missing or wrong token, before reading the body", () => {
    const body = `[${fixture("event-grid-schema")}]`
    const bare = "https://lifeline.example/webhooks/acs/events"
    expect(left(parseEventGridPost({ url: bare, body }, SECRET))._tag).toBe("AcsWebhookUnauthorized")
    expect(left(parseEventGridPost({ url: EVENTS_URL, body }, "another-secret"))._tag).toBe(
      "AcsWebhookUnauthorized",
    )
    expect(left(parseEventGridPost({ url: `${bare}?token=x`, body: "not json" }, SECRET))._tag).toBe(
      "AcsWebhookUnauthorized",
    )
  })

  it("N3 names the field that is wrong", () => {
    const event = JSON.parse(fixture("event-grid-schema"))
    delete event.data.incomingCallContext
    const rejection = left(parseEventGridPost({ url: EVENTS_URL, body: JSON.stringify([event]) }, SECRET))
    expect(rejection).toMatchObject({ _tag: "AcsWebhookMalformed", field: "[0].data.incomingCallContext" })
    expect(left(parseEventGridPost({ url: EVENTS_URL, body: "{oops" }, SECRET))._tag).toBe(
      "AcsWebhookMalformed",
    )
  })
})

describe("ACS callback webhook", () => {
  it("C3 reads a pressed 1 with the Lifeline call id from the URL and the action's key as context", () => {
    const delivery: CallbackDelivery = right(
      callback("call-7", [
        cloudEvent("ev-1", "RecognizeCompleted", {
          operationContext: "offer-key-3",
          recognitionType: "dtmf",
          dtmfResult: { tones: ["one"] },
          resultInformation: { code: 200, subCode: 8514, message: "Action completed, max digits received." },
        }),
      ]),
    )
    expect(delivery.callId).toBe("call-7")
    expect(delivery.events).toEqual([
      {
        _tag: "RecognizeCompleted",
        eventId: "ev-1",
        callId: "call-7",
        callConnectionId: "cc-1",
        serverCallId: "srv-1",
        correlationId: "corr-1",
        operationContext: "offer-key-3",
        resultInformation: { code: 200, subCode: 8514, message: "Action completed, max digits received." },
        tones: ["one"],
        digits: "1",
      },
    ])
  })

  it("C3 tells a silent caller (timeout) from a failed prompt", () => {
    const failed = (subCode: number) =>
      cloudEvent(`ev-${subCode}`, "RecognizeFailed", {
        resultInformation: { code: 400, subCode, message: "" },
      })
    const delivery = right(callback("call-7", [failed(8510), failed(8532), failed(8511)]))
    expect(delivery.events.map((e) => (e._tag === "RecognizeFailed" ? e.reason : e._tag))).toEqual([
      "timeout",
      "timeout",
      "failed",
    ])
  })

  it("reads a batch of every event Lifeline uses and lists the rest as ignored", () => {
    const rep = {
      kind: "communicationUser",
      rawId: "8:acs:rep-ann",
      communicationUser: { id: "8:acs:rep-ann" },
    }
    const names = [
      "CallConnected",
      "PlayCompleted",
      "PlayFailed",
      "CallDisconnected",
      "CreateCallFailed",
      "AnswerFailed",
    ]
    const delivery = right(
      callback("call-8", [
        ...names.map((name, i) => cloudEvent(`e${i}`, name, {})),
        cloudEvent("p1", "ParticipantsUpdated", { participants: [] }),
        cloudEvent("a1", "AddParticipantSucceeded", { participant: rep }),
        cloudEvent("a2", "AddParticipantFailed", {
          participant: rep,
          resultInformation: { code: 408, subCode: 0 },
        }),
        cloudEvent("s1", "RecognizeCompleted", {
          recognitionType: "speech",
          speechResult: { speech: "one" },
        }),
      ]),
    )
    expect(delivery.events.map((e) => e._tag)).toEqual([
      ...names,
      "AddParticipantSucceeded",
      "AddParticipantFailed",
    ])
    expect(delivery.events.at(-1)).toMatchObject({ participant: { rawId: "8:acs:rep-ann" } })
    expect(delivery.ignored).toEqual([
      "Microsoft.Communication.ParticipantsUpdated",
      "Microsoft.Communication.RecognizeCompleted",
    ])
  })

  it("N4 rejects a token made for another call, and a URL without a call id", () => {
    const forOther = new URL(callbackUrl("https://l.example/cb", SECRET, "call-1"))
    forOther.searchParams.set("callId", "call-2")
    const events = [cloudEvent("e", "CallConnected", {})]
    expect(left(callback("call-2", events, forOther.toString()))._tag).toBe("AcsWebhookUnauthorized")
    expect(left(callback("x", events, "https://l.example/cb?token=abc"))._tag).toBe("AcsWebhookUnauthorized")
    expect(
      left(callback("call-1", events, callbackUrl("https://l.example/cb", "not-the-secret", "call-1")))._tag,
    ).toBe("AcsWebhookUnauthorized")
  })

  it("N3 rejects an event without a call connection id or with an unknown tone, naming the field", () => {
    const noConnection = { ...cloudEvent("e", "CallConnected", {}), data: { serverCallId: "s" } }
    expect(left(callback("c", [noConnection]))).toMatchObject({ field: "[0].data.callConnectionId" })
    const badTone = cloudEvent("e", "RecognizeCompleted", {
      recognitionType: "dtmf",
      dtmfResult: { tones: ["eleven"] },
    })
    expect(left(callback("c", [badTone]))).toMatchObject({ field: "[0].data.dtmfResult.tones[0]" })
    expect(left(callback("c", [{ type: "Microsoft.Communication.CallConnected" }]))).toMatchObject({
      field: "[0].id",
    })
  })
})
