import { createHash, createHmac, randomUUID } from "node:crypto"
import { eventGridUrl, makeSeenIds, parseEventGridPost, type WebhookRejected } from "@lifeline/adapters"
import { Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type AcsStandin, startAcsStandin } from "../standins/acs-standin"
import { startWebhookReceiver } from "../standins/webhook-receiver"

const SECRET = "webhook-secret-for-tests"
let acs: AcsStandin
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>
beforeAll(async () => {
  acs = await startAcsStandin()
  receiver = await startWebhookReceiver()
})
afterAll(async () => {
  await acs.close()
  await receiver.close()
})

/** A request signed the way @azure/communication-common signs (HMAC-SHA256 over verb, path, date, host, body hash). */
const signed = async (
  method: string,
  pathAndQuery: string,
  body?: unknown,
  headers: Record<string, string> = {},
  key = acs.accessKey,
) => {
  const url = new URL(pathAndQuery, acs.endpoint)
  const text = body === undefined ? "" : JSON.stringify(body)
  const date = new Date().toUTCString()
  const hash = createHash("sha256").update(text).digest("base64")
  const query = url.searchParams.toString()
  const toSign = `${method}\n${url.pathname}${query === "" ? "" : `?${query}`}\n${date};${url.host};${hash}`
  const signature = createHmac("sha256", Buffer.from(key, "base64")).update(toSign).digest("base64")
  const response = await fetch(url, {
    method,
    headers: {
      "content-type": "application/json",
      "x-ms-date": date,
      "x-ms-content-sha256": hash,
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
      ...headers,
    },
    ...(text === "" ? {} : { body: text }),
  })
  const answer = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    body: answer === "" ? undefined : JSON.parse(answer),
  }
}

const V = "api-version=2025-06-15"
const repeatable = (id: string = randomUUID()) => ({
  "Repeatability-Request-ID": id,
  "Repeatability-First-Sent": new Date().toUTCString(),
})
const phoneCall = (callbackUri = "https://lifeline.example/cb?callId=x") => ({
  targets: [{ phoneNumber: { value: "+15551234567" } }],
  sourceCallerIdNumber: { value: "+15550100000" },
  callbackUri,
})

describe("ACS stand-in: the checks the real service makes first", () => {
  it("refuses a request without a valid HMAC signature with 401 and a CommunicationErrorResponse", async () => {
    const unsigned = await fetch(new URL(`calling/callConnections?${V}`, acs.endpoint), {
      method: "POST",
      body: "{}",
    })
    expect(unsigned.status).toBe(401)
    expect(await unsigned.json()).toMatchObject({ error: { code: "Unauthorized" } })
    const wrongKey = await signed(
      "POST",
      `calling/callConnections?${V}`,
      phoneCall(),
      {},
      Buffer.from("x").toString("base64"),
    )
    expect(wrongKey.status).toBe(401)
  })

  it("refuses any api-version but 2025-06-15, including the SDK's own default", async () => {
    expect((await signed("POST", "calling/callConnections", phoneCall())).body).toMatchObject({
      error: { code: "MissingApiVersionParameter" },
    })
    const sdkDefault = await signed("POST", "calling/callConnections?api-version=2026-03-12", phoneCall())
    expect(sdkDefault).toMatchObject({ status: 400, body: { error: { code: "UnsupportedApiVersion" } } })
  })

  it("N3 validates required fields as the swagger states, naming the field", async () => {
    const noCallerId = await signed("POST", `calling/callConnections?${V}`, {
      ...phoneCall(),
      sourceCallerIdNumber: undefined,
    })
    expect(noCallerId.status).toBe(400)
    expect(noCallerId.body.error.message).toContain("sourceCallerIdNumber")
    const noTargets = await signed("POST", `calling/callConnections?${V}`, {
      callbackUri: "https://l.example/cb",
    })
    expect(noTargets.body.error.message).toContain("targets")
    const unknownContext = await signed("POST", `calling/callConnections:answer?${V}`, {
      incomingCallContext: "made-up",
      callbackUri: "https://l.example/cb",
    })
    expect(unknownContext).toMatchObject({
      status: 400,
      body: { error: { message: "incomingCallContext is not valid." } },
    })
    expect((await signed("POST", `calling/callConnections/nope:play?${V}`, { playSources: [] })).status).toBe(
      404,
    )
  })

  it("N2 replays the first answer to a repeated Repeatability-Request-ID and does nothing again", async () => {
    const headers = repeatable()
    const first = await signed("POST", `calling/callConnections?${V}`, phoneCall(), headers)
    const again = await signed("POST", `calling/callConnections?${V}`, phoneCall(), headers)
    expect(first.status).toBe(201)
    expect(again.body).toEqual(first.body)
    expect(again.headers.get("repeatability-result")).toBe("accepted")
    expect(acs.performed.filter((p) => p.callConnectionId === first.body.callConnectionId)).toHaveLength(1)
    // The same id for another operation is a conflict, not a replay.
    const id = first.body.callConnectionId as string
    const reused = await signed("POST", `calling/callConnections/${id}:terminate?${V}`, undefined, headers)
    expect(reused.status).toBe(409)
  })

  it("requires Repeatability-First-Sent with the id, as an IMF-fixdate", async () => {
    const missing = await signed("POST", `calling/callConnections?${V}`, phoneCall(), {
      "Repeatability-Request-ID": randomUUID(),
    })
    expect(missing.status).toBe(400)
    const badId = await signed("POST", `calling/callConnections?${V}`, phoneCall(), repeatable("not-a-uuid"))
    expect(badId.status).toBe(400)
  })

  it("an injected 500 is not remembered: the same request id succeeds afterwards", async () => {
    const headers = repeatable()
    acs.failNext(1, 500)
    expect((await signed("POST", `calling/callConnections?${V}`, phoneCall(), headers)).status).toBe(500)
    expect((await signed("POST", `calling/callConnections?${V}`, phoneCall(), headers)).status).toBe(201)
  })
})

describe("ACS stand-in: events on the wire", () => {
  const parsed = (index: number) => {
    const request = receiver.received[index]
    if (request === undefined) throw new Error(`no request ${index}`)
    return parseEventGridPost(request, SECRET) as Result.Result<
      { _tag: string; events?: unknown[] },
      WebhookRejected
    >
  }

  it("N2 rings through Event Grid in the CloudEvents schema, and a redelivery keeps the event id", async () => {
    const webhookUrl = eventGridUrl(`${receiver.url}/acs/events`, SECRET)
    const before = receiver.received.length
    const rung = await acs.ringIncomingCall({
      webhookUrl,
      from: "+15557654321",
      to: "+4535000001",
      schema: "CloudEvents",
    })
    expect(receiver.received[before]?.headers["content-type"]).toContain("application/cloudevents-batch+json")
    expect(await acs.redeliver(rung.eventId)).toBe(200)
    const [first, second] = [parsed(before), parsed(before + 1)]
    expect(Result.isSuccess(first) && first.success.events).toMatchObject([
      {
        eventId: rung.eventId,
        incomingCallContext: rung.incomingCallContext,
        to: { phoneNumber: "+4535000001" },
      },
    ])
    expect(second).toEqual(first)
    const seen = makeSeenIds()
    expect([rung.eventId, rung.eventId].filter((id) => seen.firstSight(id))).toHaveLength(1)
  })
})
