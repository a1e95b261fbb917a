import { makeAzureTelephony, parseCallbackPost, repeatabilityRequestId } from "@lifeline/adapters"
import { Effect, Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type AcsHarness, CALLER_ID, CUSTOMER, SECRET, startAcsHarness } from "./acs-harness"

const OFFER =
  "Current wait time is longer than expected. If you want a callback press 1 or wait for the next available representative."
const CONFIRMATION =
  "Callback requested. We will call you back as soon as a representative is available. Goodbye."

let h: AcsHarness
beforeAll(async () => {
  h = await startAcsHarness()
})
afterAll(() => h.close())

/** A field of a recorded request's JSON body, by path. */
const at = (request: { readonly body: unknown } | undefined, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined,
    request?.body,
  )

describe("Azure telephony adapter through the real SDK, against the ACS stand-in", () => {
  it("C3 answers with the call id and token in the callback URI, offers a callback and hears the 1", async () => {
    const adapter = h.adapter()
    await h.ring(adapter, "call-c3")
    expect(await h.perform(adapter, { _tag: "Answer", callId: "call-c3" }, "answer-c3")).toEqual(
      Result.succeed(undefined),
    )

    const answer = h.requestsTo(":answer").at(-1)
    expect(answer?.query["api-version"]).toBe("2025-06-15")
    expect(answer?.headers["repeatability-request-id"]).toBe(repeatabilityRequestId("answer-c3"))
    const callbackUri = new URL(String(at(answer, "callbackUri")))
    expect(callbackUri.searchParams.get("callId")).toBe("call-c3")

    const cc = h.connectionOf("call-c3")
    const connected = await h.event(h.acs.callConnected(cc))
    expect(connected).toMatchObject({ _tag: "CallConnected", callId: "call-c3", callConnectionId: cc })
    expect(connected.operationContext).toBe("answer-c3")

    const collect = { _tag: "CollectDigit", callId: "call-c3", prompt: OFFER, timeoutMs: 10_000 } as const
    expect(Result.isSuccess(await h.perform(adapter, collect, "offer-1"))).toBe(true)
    const recognize = at(h.requestsTo(":recognize").at(-1))
    expect(recognize).toMatchObject({
      recognizeInputType: "dtmf",
      operationContext: "offer-1",
      playPrompt: { kind: "text", text: { text: OFFER } },
      recognizeOptions: {
        targetParticipant: { rawId: `4:${CUSTOMER}` },
        initialSilenceTimeoutInSeconds: 10,
        dtmfOptions: { maxTonesToCollect: 1 },
      },
    })

    const pressed = await h.event(h.acs.pressTones(cc, ["one"]))
    expect(pressed).toMatchObject({
      _tag: "RecognizeCompleted",
      callId: "call-c3",
      digits: "1",
      operationContext: "offer-1",
    })

    await h.perform(adapter, { _tag: "Play", callId: "call-c3", prompt: CONFIRMATION }, "confirm-1")
    expect(at(h.requestsTo(":play").at(-1), "playSources")).toEqual([
      { kind: "text", text: { text: CONFIRMATION, voiceName: "en-US-NancyNeural" } },
    ])
    expect(await h.event(h.acs.playCompleted(cc))).toMatchObject({
      _tag: "PlayCompleted",
      operationContext: "confirm-1",
    })

    expect(
      Result.isSuccess(await h.perform(adapter, { _tag: "HangUp", callId: "call-c3" }, "hangup-c3")),
    ).toBe(true)
    expect(h.performed("TerminateCall").map((p) => p.callConnectionId)).toContain(cc)
  })

  it("C3 a caller who presses nothing is reported as a timeout", async () => {
    const adapter = h.adapter()
    await h.ring(adapter, "call-silent")
    await h.perform(adapter, { _tag: "Answer", callId: "call-silent" }, "answer-silent")
    const cc = h.connectionOf("call-silent")
    await h.event(h.acs.callConnected(cc))
    await h.perform(
      adapter,
      { _tag: "CollectDigit", callId: "call-silent", prompt: OFFER, timeoutMs: 400_000 },
      "offer-s",
    )
    // 400 s is beyond ACS's 300 s limit: the adapter clamps instead of being refused.
    expect(at(h.requestsTo(":recognize").at(-1), "recognizeOptions", "initialSilenceTimeoutInSeconds")).toBe(
      300,
    )
    expect(await h.event(h.acs.recognizeTimedOut(cc))).toMatchObject({
      _tag: "RecognizeFailed",
      reason: "timeout",
    })
  })

  it("N2 an action repeated with its key is done once, and after a restart ACS replays the first answer", async () => {
    const place = { _tag: "PlaceCall", callId: "call-n2", to: "+15551112222", from: CALLER_ID } as const
    const first = h.adapter()
    await h.perform(first, place, "dial-n2")
    await h.perform(first, place, "dial-n2")
    expect(h.performed("CreateCall").filter((p) => at(p, "operationContext") === "dial-n2")).toHaveLength(1)

    // A new process: nothing in memory, the same key, so the same Repeatability-Request-ID.
    const restarted = h.adapter()
    expect(Result.isSuccess(await h.perform(restarted, place, "dial-n2"))).toBe(true)
    const creates = h
      .requestsTo("/calling/callConnections")
      .filter((r) => at(r, "operationContext") === "dial-n2")
    expect(creates).toHaveLength(2)
    expect(new Set(creates.map((r) => r.headers["repeatability-request-id"]))).toEqual(
      new Set([repeatabilityRequestId("dial-n2")]),
    )
    expect(h.performed("CreateCall").filter((p) => at(p, "operationContext") === "dial-n2")).toHaveLength(1)
    // The replayed answer taught the new process the call connection: it can hang the call up.
    await h.perform(restarted, { _tag: "HangUp", callId: "call-n2" }, "hangup-n2")
    expect(h.performed("TerminateCall").map((p) => p.callConnectionId)).toContain(h.connectionOf("call-n2"))
  })

  it("N2 a prompt repeated with its key is played once by this process", async () => {
    const adapter = h.adapter()
    await h.perform(
      adapter,
      { _tag: "PlaceCall", callId: "call-play", to: "+15551113333", from: CALLER_ID },
      "dial-play",
    )
    await h.event(h.acs.callConnected(h.connectionOf("call-play")))
    const play = { _tag: "Play", callId: "call-play", prompt: "Hello" } as const
    await h.perform(adapter, play, "play-once")
    await h.perform(adapter, play, "play-once")
    expect(h.performed("Play").filter((p) => at(p, "operationContext") === "play-once")).toHaveLength(1)
  })

  it("C6 dials the customer from the caller id, then bridges the rep who accepted", async () => {
    const adapter = h.adapter()
    const dial = { _tag: "PlaceCall", callId: "cb-1", to: "+15553334444", from: "" } as const
    await h.perform(adapter, dial, "dial-cb-1")
    const create = h.performed("CreateCall").at(-1)
    expect(at(create, "targets")).toMatchObject([{ phoneNumber: { value: "+15553334444" } }])
    expect(at(create, "sourceCallerIdNumber")).toMatchObject({ value: CALLER_ID })
    expect(new URL(String(at(create, "callbackUri"))).searchParams.get("callId")).toBe("cb-1")

    const cc = h.connectionOf("cb-1")
    await h.event(h.acs.callConnected(cc))
    expect(
      Result.isSuccess(
        await h.perform(adapter, { _tag: "Connect", callId: "cb-1", repId: "ann" }, "bridge-1"),
      ),
    ).toBe(true)
    const add = h.requestsTo("/participants:add").at(-1)
    expect(at(add, "participantToAdd")).toMatchObject({ communicationUser: { id: "8:acs:rep-ann" } })
    expect(add?.headers["repeatability-request-id"]).toBe(repeatabilityRequestId("bridge-1"))
    const added = await h.event(h.acs.participantAnswered(cc))
    expect(added).toMatchObject({
      _tag: "AddParticipantSucceeded",
      callId: "cb-1",
      participant: { rawId: "8:acs:rep-ann" },
    })

    const before = h.acs.requests.length
    const noEndpoint = await h.perform(
      adapter,
      { _tag: "Connect", callId: "cb-1", repId: "nobody" },
      "bridge-2",
    )
    expect(noEndpoint).toMatchObject({
      failure: { _tag: "TelephonyFailed", operation: "Connect", retryable: false },
    })
    expect(h.acs.requests.length).toBe(before)
  })

  it("E6 sends a PSAP callback straight to the rep's endpoint without answering it", async () => {
    const adapter = h.adapter()
    const rung = await h.ring(adapter, "psap-1", "+4535000001")
    await h.perform(adapter, { _tag: "Redirect", callId: "psap-1", repId: "bea" }, "psap-redirect-1")
    const redirect = h.performed("RedirectCall").at(-1)
    expect(at(redirect, "incomingCallContext")).toBe(rung.incomingCallContext)
    expect(at(redirect, "target")).toMatchObject({ communicationUser: { id: "8:acs:rep-bea" } })
    expect(h.acs.ringing.get(rung.incomingCallContext)?.state).toBe("redirected")
    expect(
      h.performed("AnswerCall").some((p) => at(p, "incomingCallContext") === rung.incomingCallContext),
    ).toBe(false)
  })

  it("hangs up a call that was never answered by rejecting it, and a call ACS already ended as done", async () => {
    const adapter = h.adapter()
    const rung = await h.ring(adapter, "call-reject")
    expect(
      Result.isSuccess(await h.perform(adapter, { _tag: "HangUp", callId: "call-reject" }, "hangup-reject")),
    ).toBe(true)
    expect(h.acs.ringing.get(rung.incomingCallContext)?.state).toBe("rejected")

    await h.perform(
      adapter,
      { _tag: "PlaceCall", callId: "call-gone", to: "+15554445555", from: CALLER_ID },
      "dial-gone",
    )
    await h.acs.disconnected(h.connectionOf("call-gone"))
    // The adapter did not hear of the disconnect; ACS answers 404 and the hang-up is done anyway.
    expect(
      Result.isSuccess(await h.perform(adapter, { _tag: "HangUp", callId: "call-gone" }, "hangup-gone")),
    ).toBe(true)
    expect(h.requestsTo(":terminate").at(-1)?.path).toContain(h.connectionOf("call-gone"))
  })
})

describe("Azure telephony adapter: failures", () => {
  const connectedCall = async (callId: string) => {
    const adapter = h.adapter()
    await h.perform(
      adapter,
      { _tag: "PlaceCall", callId, to: "+15556667777", from: CALLER_ID },
      `dial-${callId}`,
    )
    await h.event(h.acs.callConnected(h.connectionOf(callId)))
    return adapter
  }

  it("B6 a 500 or a 429 from ACS is retryable, and the retry with the same key goes through", async () => {
    const adapter = await connectedCall("call-500")
    const play = { _tag: "Play", callId: "call-500", prompt: "Please hold" } as const
    h.acs.failNext(1, 500)
    expect(await h.perform(adapter, play, "play-500")).toMatchObject({
      failure: { retryable: true, operation: "Play" },
    })
    h.acs.failNext(1, 429, "TooManyRequests")
    const throttled = await h.perform(adapter, play, "play-500")
    expect(throttled).toMatchObject({ failure: { retryable: true } })
    expect(Result.isFailure(throttled) && throttled.failure.message).toContain("429")
    expect(Result.isSuccess(await h.perform(adapter, play, "play-500"))).toBe(true)
    expect(h.performed("Play").filter((p) => at(p, "operationContext") === "play-500")).toHaveLength(1)
  })

  it("N2 ACS did the work but the answer was lost: the retry with the same key is done once", async () => {
    const impatient = h.adapter({ requestTimeoutMs: 150 })
    const place = { _tag: "PlaceCall", callId: "call-lost", to: "+15552223333", from: CALLER_ID } as const
    h.acs.delayNextAnswer(1, 1_000)
    const lost = await h.perform(impatient, place, "dial-lost")
    expect(lost).toMatchObject({ failure: { retryable: true } })
    expect(Result.isFailure(lost) && lost.failure.message).toContain("no answer from ACS")
    expect(Result.isSuccess(await h.perform(impatient, place, "dial-lost"))).toBe(true)
    expect(h.performed("CreateCall").filter((p) => at(p, "operationContext") === "dial-lost")).toHaveLength(1)
    // The replayed answer gave this process the call connection the first attempt never heard of.
    await h.perform(impatient, { _tag: "HangUp", callId: "call-lost" }, "hangup-lost")
    expect(h.performed("TerminateCall").map((p) => p.callConnectionId)).toContain(h.connectionOf("call-lost"))
  })

  it("B6 a 400 for bad input is not retryable", async () => {
    const adapter = await connectedCall("call-400")
    const empty = await h.perform(adapter, { _tag: "Play", callId: "call-400", prompt: " " }, "play-400")
    expect(empty).toMatchObject({ failure: { _tag: "TelephonyFailed", retryable: false } })
    expect(Result.isFailure(empty) && empty.failure.message).toContain("HTTP 400")
  })

  it("B6 a wrong access key (401) is not retryable; an unreachable endpoint is", async () => {
    const wrongKey = h.adapter({
      connectionString: `endpoint=${h.acs.endpoint};accesskey=${Buffer.from("nope").toString("base64")}`,
    })
    const place = { _tag: "PlaceCall", callId: "call-401", to: "+15558889999", from: CALLER_ID } as const
    expect(await h.perform(wrongKey, place, "dial-401")).toMatchObject({ failure: { retryable: false } })
    const unreachable = makeAzureTelephony({
      connectionString: `endpoint=http://127.0.0.1:9/;accesskey=${h.acs.accessKey}`,
      callbackBaseUrl: "https://lifeline.example/acs/callbacks",
      webhookSecret: SECRET,
      repEndpoint: () => undefined,
      callerId: CALLER_ID,
      allowInsecureConnection: true,
    })
    expect(await h.perform(unreachable, place, "dial-unreachable")).toMatchObject({
      failure: { retryable: true },
    })
  })

  it("N1 a restart forgets calls: no request is sent, and the next callback event re-teaches the connection", async () => {
    const before = await connectedCall("call-restart")
    const restarted = h.adapter()
    const requests = h.acs.requests.length
    const play = { _tag: "Play", callId: "call-restart", prompt: "Still there?" } as const
    expect(await h.perform(restarted, play, "play-restart")).toMatchObject({ failure: { retryable: false } })
    expect(h.acs.requests.length).toBe(requests)

    await h.perform(before, play, "play-before")
    const completed = await h.event(h.acs.playCompleted(h.connectionOf("call-restart")))
    expect(completed._tag).toBe("PlayCompleted")
    await Effect.runPromise(restarted.registry.observe(completed))
    expect(Result.isSuccess(await h.perform(restarted, play, "play-restart"))).toBe(true)
  })

  it("N4 the callback URI's token is accepted for its own call only", async () => {
    const adapter = h.adapter()
    const url = adapter.registry.callbackUrl("call-x")
    const body = JSON.stringify([])
    expect(Result.isSuccess(parseCallbackPost({ url, body }, SECRET))).toBe(true)
    expect(Result.isFailure(parseCallbackPost({ url: url.replace("call-x", "call-y"), body }, SECRET))).toBe(
      true,
    )
  })
})
