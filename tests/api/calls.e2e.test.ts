import type { CallView } from "@lifeline/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openEvents } from "../ops/kit"
import { type E2e, eventually, KEYS, startE2e } from "./harness"

/**
 * Issue 19, SPEC W1, over HTTP on a real port: the Azure adapter on the real SDK against the ACS
 * stand-in, libSQL on a temp file. A caller is routed to ana, who holds, resumes, mutes and
 * transfers it to a queue, where dan is offered it; the caller hangs up on dan, whose stream
 * hears `CallEnded` by the caller; wrap-ups; an outbound call; refusals named (E8, N3).
 */
const LINE = "+15550103333"
const CUSTOMER = "+15557654321"
let e2e: E2e

const performed = (operation: string) => e2e.acs.performed.filter((p) => p.operation === operation)
const callsOf = async (key: string, repId: string) =>
  (await e2e.as(key).request("repCalls", { params: { repId } })).calls
const post = (key: string, path: string, body?: unknown) =>
  fetch(`${e2e.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
const act = async (key: string, callId: string, action: string, body?: unknown) => {
  const res = await post(key, `/api/calls/${encodeURIComponent(callId)}/${action}`, body)
  return {
    status: res.status,
    body: (await res.json()) as CallView & { error?: { code: string; field?: string } },
  }
}

beforeAll(async () => {
  e2e = await startE2e({ [LINE]: "ws-w1" })
  const admin = e2e.as(KEYS.admin)
  // ana and dan serve only this line's queues (the demo has calls waiting in theirs).
  await admin.call("DELETE", "/api/queues/billing/members/ana")
  await admin.call("DELETE", "/api/queues/support/members/dan")
  // W1: ana's demo call ends and is wrapped up, which frees her (the work completes).
  const [demo] = await callsOf(KEYS.ana, "ana")
  if (demo === undefined) throw new Error("ana has no demo call")
  expect((await act(KEYS.ana, demo.callId, "end")).body).toMatchObject({ state: "ended", endedBy: "rep" })
  const wrapped = await act(KEYS.ana, demo.callId, "wrap-up", { disposition: "other", notes: "" })
  expect(wrapped.status).toBe(200)
  expect(await callsOf(KEYS.ana, "ana")).toEqual([])
  await admin.createQueue({ queueId: "w1-front", name: "Front desk", members: ["ana"] })
  await admin.createQueue({ queueId: "w1-back", name: "Back office", members: ["dan"] })
  await admin.defineWorkstream({
    workstreamId: "ws-w1",
    name: "W1 line",
    rules: [],
    fallbackQueueId: "w1-front",
  })
  await e2e.as(KEYS.dan).setPresence("dan", "available")
})
afterAll(() => e2e.close())

/** The caller rings the line, Lifeline answers, ana is offered the call and accepts it. */
const routedToAna = async () => {
  const ana = e2e.as(KEYS.ana)
  const answers = performed("AnswerCall").length
  expect((await e2e.ring(CUSTOMER, LINE)).status).toBe(200)
  const answered = await eventually(() => performed("AnswerCall")[answers])
  const cc = answered.callConnectionId as string
  await e2e.acs.callConnected(cc)
  const offer = await eventually(async () => (await ana.offers("ana"))[0])
  await ana.accept(offer.offerId)
  await eventually(() => e2e.acs.calls.get(cc)?.pendingAdds[0])
  await e2e.acs.participantAnswered(cc)
  return { cc, callId: offer.itemId }
}

describe("W1 a rep handles a routed call over HTTP (issue 19)", () => {
  it("W1 hold, resume, mute, transfer to a queue (offered to dan), the caller hangs up on dan, wrap-ups", async () => {
    const anaStream = await openEvents(e2e.url, KEYS.ana)
    const danStream = await openEvents(e2e.url, KEYS.dan)
    const { cc, callId } = await routedToAna()

    const [call] = await callsOf(KEYS.ana, "ana")
    expect(call).toMatchObject({
      callId,
      itemId: callId,
      direction: "inbound",
      from: CUSTOMER,
      to: LINE,
      queueId: "w1-front",
      queueName: "Front desk",
      state: "connected",
      muted: false,
      endedBy: null,
      wrapUp: null,
    })
    expect(call?.waitedMs).toBeGreaterThanOrEqual(0)

    const held = await act(KEYS.ana, callId, "hold")
    expect(held).toMatchObject({ status: 200, body: { callId, state: "on_hold" } })
    await eventually(() => performed("Hold").find((p) => p.callConnectionId === cc))
    // 409 naming the state: a held call cannot be held again.
    expect(await act(KEYS.ana, callId, "hold")).toMatchObject({
      status: 409,
      body: { error: { code: "InvalidState", field: "state" } },
    })
    expect((await act(KEYS.ana, callId, "resume")).body.state).toBe("connected")
    await eventually(() => performed("Unhold").find((p) => p.callConnectionId === cc))
    expect((await act(KEYS.ana, callId, "mute")).body).toMatchObject({ state: "connected", muted: true })
    await eventually(() => performed("Mute").find((p) => p.callConnectionId === cc))
    expect((await act(KEYS.ana, callId, "unmute")).body.muted).toBe(false)
    // Another rep cannot act on ana's call (N4).
    expect((await act(KEYS.dan, callId, "hold")).status).toBe(403)

    const transferred = await act(KEYS.ana, callId, "transfer", { queueId: "w1-back" })
    expect(transferred).toMatchObject({
      status: 200,
      body: { state: "ended", endedBy: "transfer", transferredTo: { queueId: "w1-back" } },
    })
    await eventually(() => performed("RemoveParticipant").find((p) => p.callConnectionId === cc))
    const dan = e2e.as(KEYS.dan)
    const offer = await eventually(async () => (await dan.offers("dan"))[0])
    expect(offer).toMatchObject({ itemId: callId, queueId: "w1-back", kind: "call" })
    await dan.accept(offer.offerId)
    expect(await callsOf(KEYS.dan, "dan")).toMatchObject([{ callId, state: "connected", queueId: "w1-back" }])
    // ana's ended leg waits for her wrap-up while dan has the caller.
    expect(await callsOf(KEYS.ana, "ana")).toMatchObject([{ callId, state: "ended" }])
    const anaWrap = await act(KEYS.ana, callId, "wrap-up", {
      disposition: "escalated",
      notes: "billing question",
    })
    expect(anaWrap.body.wrapUp).toEqual({ disposition: "escalated", notes: "billing question" })

    // The caller hangs up: dan hears it on his stream and sees the call ended by the caller.
    await e2e.acs.disconnected(cc)
    const ended = await eventually(() =>
      danStream.messages
        .filter((m) => m.event === "events")
        .flatMap((m) => JSON.parse(m.data) as { _tag: string; endedBy?: string }[])
        .find((e) => e._tag === "CallEnded"),
    )
    expect(ended).toMatchObject({ callId, repId: "dan", endedBy: "caller" })
    expect(await callsOf(KEYS.dan, "dan")).toMatchObject([{ callId, state: "ended", endedBy: "caller" }])
    // Wrap-up only after the end; then the call leaves the rep's list.
    const danWrap = await act(KEYS.dan, callId, "wrap-up", { disposition: "resolved", notes: "refund" })
    expect(danWrap).toMatchObject({
      status: 200,
      body: { wrapUp: { disposition: "resolved", notes: "refund" } },
    })
    expect(await callsOf(KEYS.dan, "dan")).toEqual([])
    // Done with: the call is nobody's now (404).
    expect(await act(KEYS.dan, callId, "hold")).toMatchObject({ status: 404 })

    // ana's stream had one event per change of her call, each refetch-worthy for the web app.
    const anaTags = anaStream.messages
      .filter((m) => m.event === "events")
      .flatMap((m) => (JSON.parse(m.data) as { _tag: string }[]).map((e) => e._tag))
    for (const tag of [
      "CallConnected",
      "CallHeld",
      "CallResumed",
      "CallMuted",
      "CallUnmuted",
      "CallTransferred",
    ])
      expect(anaTags).toContain(tag)
    await anaStream.close()
    await danStream.close()
  })

  it("W1 R4 transfer to a rep: ben is offered the call by name, accepts, and the call is his", async () => {
    const admin = e2e.as(KEYS.admin)
    const ben = e2e.as(KEYS.ben)
    // ben serves only a queue of his own here, freed of his demo calls (ended, wrapped up).
    await admin.call("DELETE", "/api/queues/billing/members/ben")
    await admin.call("DELETE", "/api/queues/support/members/ben")
    for (const demo of await callsOf(KEYS.ben, "ben")) {
      expect((await act(KEYS.ben, demo.callId, "end")).status).toBe(200)
      expect((await act(KEYS.ben, demo.callId, "wrap-up", { disposition: "other", notes: "" })).status).toBe(
        200,
      )
    }
    await admin.createQueue({ queueId: "w1-side", name: "Side desk", members: ["ben"] })
    const { cc, callId } = await routedToAna()

    // Refused before anything changes (R1: eve's Training takes no work; 409 naming repId).
    expect(await act(KEYS.ana, callId, "transfer", { repId: "eve" })).toMatchObject({
      status: 409,
      body: { error: { code: "InvalidState", field: "repId" } },
    })
    expect(await act(KEYS.ana, callId, "transfer", { repId: "nobody" })).toMatchObject({
      status: 404,
      body: { error: { code: "UnknownEntity", field: "repId" } },
    })
    const transferred = await act(KEYS.ana, callId, "transfer", { repId: "ben" })
    expect(transferred).toMatchObject({
      status: 200,
      body: { state: "ended", endedBy: "transfer", transferredTo: { repId: "ben" } },
    })
    // ana leaves; the caller waits with Lifeline while ben's offer rings (30 s, R4).
    await eventually(() => performed("RemoveParticipant").find((p) => p.callConnectionId === cc))
    const offer = await eventually(async () => (await ben.offers("ben")).find((o) => o.itemId === callId))
    expect(offer).toMatchObject({ queueId: "w1-front", kind: "call" })
    expect(offer.expiresAt - offer.at).toBe(30_000)
    const addsTo = () => performed("AddParticipant").filter((p) => p.callConnectionId === cc)
    const adds = addsTo().length
    await ben.accept(offer.offerId)
    // Bridged to ben as any routed call, and the call is his.
    await eventually(() => addsTo()[adds])
    expect(await callsOf(KEYS.ben, "ben")).toMatchObject([
      { callId, state: "connected", queueId: "w1-front", from: CUSTOMER },
    ])
    expect(await callsOf(KEYS.ana, "ana")).toMatchObject([
      { callId, state: "ended", transferredTo: { repId: "ben" } },
    ])
    expect((await act(KEYS.ana, callId, "hold")).status).toBe(409)
    expect((await act(KEYS.ben, callId, "hold")).body).toMatchObject({ state: "on_hold" })
    const wrapUp = { disposition: "resolved", notes: "" }
    expect((await act(KEYS.ana, callId, "wrap-up", wrapUp)).status).toBe(200)
    expect((await act(KEYS.ben, callId, "end")).status).toBe(200)
    expect((await act(KEYS.ben, callId, "wrap-up", wrapUp)).status).toBe(200)
    expect(await callsOf(KEYS.ana, "ana")).toEqual([])
    expect(await callsOf(KEYS.ben, "ben")).toEqual([])
  })

  it("W1 an outbound call from the caller id: ringing, connected when answered, ended by the rep", async () => {
    const ana = e2e.as(KEYS.ana)
    const placed = await ana.request("placeCall", { params: { repId: "ana" }, body: { to: "+14155550123" } })
    expect(placed).toMatchObject({
      direction: "outbound",
      state: "ringing",
      to: "+14155550123",
      from: "+15550100000",
    })
    const create = await eventually(() =>
      performed("CreateCall").find((p) => JSON.stringify(p.body).includes("+14155550123")),
    )
    expect(create.body).toMatchObject({ sourceCallerIdNumber: { value: "+15550100000" } })
    await e2e.acs.callConnected(create.callConnectionId as string)
    await eventually(async () =>
      (await callsOf(KEYS.ana, "ana"))[0]?.state === "connected" ? true : undefined,
    )
    await eventually(() =>
      performed("AddParticipant").find((p) => p.callConnectionId === create.callConnectionId),
    )
    expect((await act(KEYS.ana, placed.callId, "end")).body).toMatchObject({ state: "ended", endedBy: "rep" })
    await eventually(() =>
      performed("TerminateCall").find((p) => p.callConnectionId === create.callConnectionId),
    )
    expect(
      (await act(KEYS.ana, placed.callId, "wrap-up", { disposition: "resolved", notes: "" })).status,
    ).toBe(200)
  })

  it("E8 N3 an emergency number is 422 EmergencyNumber; bad bodies are 400 naming the field; nothing changes", async () => {
    const place = (to: unknown) => post(KEYS.ana, "/api/reps/ana/calls", { to })
    for (const to of ["911", "112", "933"]) {
      const res = await place(to)
      expect(res.status).toBe(422)
      expect(await res.json()).toMatchObject({ error: { code: "EmergencyNumber", field: "to" } })
    }
    for (const to of ["+1555", "call me", 42]) {
      const res = await place(to)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: { field: "to" } })
    }
    const { callId } = await routedToAna()
    const bad = [
      ["transfer", {}],
      ["transfer", { queueId: "w1-back", repId: "dan" }],
      ["wrap-up", { disposition: "great", notes: "" }],
      ["wrap-up", { disposition: "resolved", notes: "x".repeat(4001) }],
    ] as const
    for (const [action, body] of bad) expect((await act(KEYS.ana, callId, action, body)).status).toBe(400)
    expect(
      (await act(KEYS.ana, callId, "wrap-up", { disposition: "great", notes: "" })).body.error?.field,
    ).toBe("disposition")
    expect((await act(KEYS.ana, callId, "transfer", { queueId: "nope" })).body.error).toMatchObject({
      code: "UnknownEntity",
      field: "queueId",
    })
    expect(await callsOf(KEYS.ana, "ana")).toMatchObject([{ callId, state: "connected" }])
    // Wrap-up waits for the end (409); then the call is done with.
    expect((await act(KEYS.ana, callId, "wrap-up", { disposition: "other", notes: "" })).status).toBe(409)
    expect((await act(KEYS.ana, callId, "end")).status).toBe(200)
    expect((await act(KEYS.ana, callId, "wrap-up", { disposition: "other", notes: "" })).status).toBe(200)
  })
})
