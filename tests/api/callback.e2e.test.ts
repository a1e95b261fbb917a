import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type E2e, eventually, KEYS, startE2e } from "./harness"

const LINE = "+15550102222"
const CUSTOMER = "+15557654321"
const OFFER_TEXT =
  "Current wait time is longer than expected. If you want a callback press 1 or wait for the next available representative."

let e2e: E2e
beforeAll(async () => {
  e2e = await startE2e({ [LINE]: "ws-callback" })
  const admin = e2e.as(KEYS.admin)
  // dan answers this line only (the demo also has him in support, where calls wait).
  await admin.call("DELETE", "/api/queues/support/members/dan")
  await admin.createQueue({ queueId: "cbq", name: "Callbacks", members: ["dan"] })
  await admin.defineWorkstream({
    workstreamId: "ws-callback",
    name: "Callback line",
    rules: [],
    fallbackQueueId: "cbq",
  })
  await admin.setQueueOverflow("cbq", {
    rules: [{ condition: { _tag: "EstimatedWaitAbove", ms: 30_000 }, action: { _tag: "DirectCallback" } }],
  })
})
afterAll(() => e2e.close())

const performed = (operation: string) => e2e.acs.performed.filter((p) => p.operation === operation)

describe("a direct callback, end to end over HTTP (C1, C3–C6)", () => {
  it("C3 C4 C5 C6 offer prompt, DTMF 1, hang-up, place kept, preview, dial after accept, connect", async () => {
    const admin = e2e.as(KEYS.admin)
    const dan = e2e.as(KEYS.dan)

    // The caller rings the line; nobody staffs the queue, so the overflow applies at once.
    expect((await e2e.ring(CUSTOMER, LINE)).status).toBe(200)
    const answered = await eventually(() => performed("AnswerCall")[0])
    const callerLeg = answered.callConnectionId as string
    e2e.acs.callConnected(callerLeg)
    const item = await eventually(async () => (await admin.history()).find((r) => r.to === LINE))

    // C3: no offer before 30 s; at 30 s the caller hears the offer and may press a key.
    await e2e.advance(29_000)
    await new Promise((r) => setTimeout(r, 100))
    expect(performed("Recognize")).toHaveLength(0)
    await e2e.advance(1_000)
    const offer = await eventually(() => performed("Recognize")[0])
    expect(JSON.stringify(offer.body)).toContain(OFFER_TEXT)

    // C4: the caller presses 1, hears the confirmation and the call ends; the item keeps its place.
    await e2e.acs.pressTones(callerLeg, ["one"])
    const confirmation = await eventually(() => performed("Play")[0])
    expect(JSON.stringify(confirmation.body)).toContain("Callback requested.")
    await e2e.acs.playCompleted(callerLeg)
    await eventually(() => performed("TerminateCall")[0] ?? performed("HangupCall")[0])
    await e2e.acs.disconnected(callerLeg)
    const position = await eventually(async () => {
      const p = await admin.position(item.itemId)
      return p.status === "waiting" ? p : undefined
    })
    expect(position.position).toBe(1)
    // C3: no further offers after the caller pressed 1.
    await e2e.advance(300_000)
    await new Promise((r) => setTimeout(r, 100))
    expect(performed("Recognize")).toHaveLength(1)

    // C5: the rep signs in and is offered the item as a callback; C6: nothing is dialled yet.
    await dan.setPresence("dan", "available")
    const [callback] = await eventually(async () => {
      const offers = await dan.offers("dan")
      return offers.length > 0 ? offers : undefined
    })
    expect(callback).toMatchObject({ kind: "callback", itemId: item.itemId })
    expect(performed("CreateCall")).toHaveLength(0)

    // C6: on accept, the customer is dialled, and bridged to dan when they answer.
    await dan.accept(callback?.offerId as string)
    const dial = await eventually(() => performed("CreateCall")[0])
    expect(JSON.stringify(dial.body)).toContain(CUSTOMER)
    e2e.acs.callConnected(dial.callConnectionId as string)
    const bridge = await eventually(() => performed("AddParticipant")[0])
    expect(JSON.stringify(bridge.body)).toContain("rep-dan")
    expect(performed("CreateCall")).toHaveLength(1)
  })
})
