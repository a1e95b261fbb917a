import { describe, expect, it } from "vitest"
import { type DeliveryRecord, projectDeliveries } from "../outbox/deliveries"
import { voiceRep } from "../routing/test-kit"
import type { CenterEvent } from "./events"
import { replayCenter } from "./execute"
import { emptyCenterState } from "./state"
import { centerHarness } from "./test-kit"

const lineCenter = () => {
  const h = centerHarness(1_000)
  h.run(voiceRep("ann"))
  h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"] })
  h.run({ _tag: "DefineWorkstream", workstreamId: "ws", name: "Main", rules: [], fallbackQueueId: "q" })
  return h
}

const inbound = (callId: string, eventId = `ev-${callId}`) =>
  ({
    _tag: "InboundCall",
    callId,
    eventId,
    from: "+15551230000",
    to: "+15559870000",
    workstreamId: "ws",
  }) as const

describe("center: ordinary lines", () => {
  it("R6 an inbound call is routed by its workstream, offered, and answered through the outbox", () => {
    const h = lineCenter()
    const events = h.run(inbound("c1"))
    expect(events.map((e) => e._tag)).toEqual([
      "ProviderEventHandled",
      "ItemQueued",
      "OutboxQueued",
      "OfferMade",
    ])
    expect(h.state.outbox.due.has("call~c1~answer")).toBe(true)
  })

  it("N2 a repeated provider event changes nothing", () => {
    const h = lineCenter()
    h.run(inbound("c1"))
    const mark = h.log.length
    expect(h.run(inbound("c1"))).toEqual([])
    expect(h.log.length).toBe(mark)
  })

  it("N2 a hang-up for a call nobody knows is harmless, in any order", () => {
    const h = lineCenter()
    expect(h.run({ _tag: "CallEnded", callId: "ghost", eventId: "e1" })).toEqual([])
    h.run(inbound("c1"))
    const ended = h.run({ _tag: "CallEnded", callId: "c1", eventId: "e2" })
    expect(ended.map((e) => e._tag)).toContain("ItemAbandoned")
    expect(h.run({ _tag: "CallEnded", callId: "c1", eventId: "e3" })).toEqual([])
  })

  it("R4 accepting an ordinary call bridges the caller to that rep", () => {
    const h = lineCenter()
    h.run(inbound("c1"))
    const offer = h.eventsOf("OfferMade")[0]
    if (offer === undefined) throw new Error("no offer")
    const events = h.run({ _tag: "AcceptOffer", offerId: offer.offerId, repId: "ann" })
    const queued = h.eventsOf("OutboxQueued", events)
    expect(queued.map((e) => e.message)).toEqual([
      { _tag: "Telephony", action: { _tag: "Connect", callId: "c1", repId: "ann" } },
    ])
  })

  it("replay of the log rebuilds the same center state", () => {
    const h = lineCenter()
    h.run(inbound("c1"))
    h.run(inbound("c2"))
    h.run({ _tag: "CallEnded", callId: "c2", eventId: "x" })
    const rebuilt = replayCenter(emptyCenterState(), h.log)
    expect([...rebuilt.routing.items.keys()]).toEqual([...h.state.routing.items.keys()])
    expect([...rebuilt.outbox.due]).toEqual([...h.state.outbox.due])
    expect([...rebuilt.seenProviderEvents]).toEqual([...h.state.seenProviderEvents])
  })
})

describe("center: outbox (ARCHITECTURE rule 5, B6)", () => {
  const mail = { to: ["a@example.com"], subject: "s", text: "t" }
  const queued: CenterEvent = {
    _tag: "OutboxQueued",
    messageId: "m1",
    message: { _tag: "Email", mail },
    purpose: "p",
    ref: "r",
    at: 0,
  }
  const withEmail = () => {
    const h = centerHarness(0)
    // No module queues email yet in this test, so the event is fed as a module would emit it.
    replayCenter(h.state, [queued])
    return h
  }
  /** B6's record of m1: the deliveries read model's projection of the log (issue 22). */
  const deliveryOf = (h: ReturnType<typeof withEmail>) => {
    const records = new Map<string, DeliveryRecord>()
    projectDeliveries(records, [queued, ...h.log])
    return records.get("m1")
  }

  it("B6 a retryable failure is retried by a durable timer, then sent", () => {
    const h = withEmail()
    const failed = h.run({
      _tag: "RecordDelivery",
      messageId: "m1",
      outcome: { _tag: "Failed", reason: "rate limited", retryable: true },
    })
    expect(failed).toMatchObject([{ _tag: "OutboxFailed", attempt: 1, retryAt: 30_000 }])
    expect(h.state.outbox.entries.get("m1")?.status).toBe("retrying")
    expect(h.state.outbox.due.has("m1")).toBe(false)
    h.advance(29_999)
    expect(h.state.outbox.due.has("m1")).toBe(false)
    h.advance(1)
    expect(h.state.outbox.due.has("m1")).toBe(true)
    h.run({ _tag: "RecordDelivery", messageId: "m1", outcome: { _tag: "Sent", providerId: "re_1" } })
    // Issue 22: sent, it needs no more decisions and leaves the state; its record is the read model's.
    expect(h.state.outbox.entries.has("m1")).toBe(false)
    const entry = deliveryOf(h)
    expect(entry?.status).toBe("sent")
    expect(entry?.history.map((a) => a.outcome)).toEqual(["failed", "sent"])
  })

  it("B6 a permanent failure is kept with its reason and not retried until an admin asks", () => {
    const h = withEmail()
    h.run({
      _tag: "RecordDelivery",
      messageId: "m1",
      outcome: { _tag: "Failed", reason: "invalid address", retryable: false },
    })
    expect(h.state.outbox.entries.get("m1")).toMatchObject({ status: "failed", retryAt: null })
    expect(h.timers.size).toBe(0)
    h.run({ _tag: "RetryDelivery", messageId: "m1" })
    expect(h.state.outbox.due.has("m1")).toBe(true)
  })

  it("B6 a late or repeated delivery report changes nothing", () => {
    const h = withEmail()
    h.run({ _tag: "RecordDelivery", messageId: "m1", outcome: { _tag: "Sent", providerId: "a" } })
    expect(
      h.run({ _tag: "RecordDelivery", messageId: "m1", outcome: { _tag: "Sent", providerId: "a" } }),
    ).toEqual([])
  })
})
