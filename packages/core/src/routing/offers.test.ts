import { describe, expect, it } from "vitest"
import type { RoutingHarness } from "./test-kit"
import { queueOfReps, routingHarness, voiceRep } from "./test-kit"

const twoReps = (declineLimit = 5): RoutingHarness =>
  queueOfReps(["ann", "bob"], { assignment: "round_robin", offerTimeoutMs: 20_000, declineLimit })

describe("R4 offers", () => {
  it("R4 an unanswered offer expires at the configured time and goes to someone else first", () => {
    const h = twoReps()
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" }) // to ann
    h.run({ _tag: "EnqueueItem", itemId: "c2", queueId: "q" }) // to bob
    h.run({ _tag: "AcceptOffer", offerId: "c2~1", repId: "bob" })
    expect(h.advance(19_999)).toEqual([])
    h.run({ _tag: "CompleteWork", itemId: "c2", repId: "bob" })
    const events = h.advance(1)
    expect(events).toMatchObject([
      { _tag: "OfferExpired", offerId: "c1~1", repId: "ann", at: 20_000 },
      { _tag: "OfferMade", offerId: "c1~2", repId: "bob" },
    ])
  })

  it("R4 a declined item is offered to another rep first, and the decliner gets other work", () => {
    const h = twoReps()
    h.run(voiceRep("cy", 1, "offline"))
    h.run({ _tag: "AddQueueMember", queueId: "q", repId: "cy" })
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" }) // ann
    h.run({ _tag: "EnqueueItem", itemId: "c2", queueId: "q" }) // bob
    h.run({ _tag: "EnqueueItem", itemId: "c3", queueId: "q" }) // waits
    h.run({ _tag: "SetPresence", repId: "cy", presenceId: "available" }) // c3 to cy
    const events = h.run({ _tag: "DeclineOffer", offerId: "c1~1", repId: "ann" })
    expect(events.map((e) => e._tag)).toEqual(["OfferDeclined"])
    // Nobody else is free: c1 waits rather than going straight back to ann.
    expect(h.offersTo("ann")).toEqual([])
    const next = h.run({ _tag: "DeclineOffer", offerId: "c2~1", repId: "bob" })
    expect(next).toMatchObject([
      { _tag: "OfferDeclined", itemId: "c2" },
      { _tag: "OfferMade", itemId: "c2", repId: "ann" },
      { _tag: "OfferMade", itemId: "c1", repId: "bob" },
    ])
  })

  it("R4 once every member has declined, a new round may start with anyone", () => {
    const h = routingHarness()
    h.run(voiceRep("ann"))
    h.run({ _tag: "CreateQueue", queueId: "solo", name: "Solo", members: ["ann"] })
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "solo" })
    const events = h.run({ _tag: "DeclineOffer", offerId: "c1~1", repId: "ann" })
    expect(events).toMatchObject([
      { _tag: "OfferDeclined" },
      { _tag: "OfferMade", offerId: "c1~2", repId: "ann" },
    ])
  })

  it("R4 at the decline limit the item is escalated, stops ringing, and a supervisor can requeue it", () => {
    const h = twoReps(2)
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    h.run({ _tag: "DeclineOffer", offerId: "c1~1", repId: "ann" })
    const events = h.run({ _tag: "DeclineOffer", offerId: "c1~2", repId: "bob" })
    expect(events.map((e) => e._tag)).toEqual(["OfferDeclined", "ItemEscalated"])
    expect(h.state.items.get("c1")?.status).toBe("escalated")
    expect(h.state.offers.size).toBe(0)
    const requeued = h.run({ _tag: "RequeueItem", itemId: "c1" })
    expect(requeued.map((e) => e._tag)).toEqual(["ItemRequeued", "OfferMade"])
  })

  it("R4 N4 a rep cannot answer another rep's offer", () => {
    const h = twoReps()
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    expect(h.reject({ _tag: "AcceptOffer", offerId: "c1~1", repId: "bob" })).toMatchObject({
      _tag: "NotYours",
      field: "repId",
    })
    expect(h.state.items.get("c1")?.status).toBe("offered")
  })

  it("R4 an expired offer can no longer be accepted, and a late or repeated expiry changes nothing", () => {
    const h = twoReps()
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    h.advance(20_000)
    expect(h.reject({ _tag: "AcceptOffer", offerId: "c1~1", repId: "ann" })).toMatchObject({
      _tag: "UnknownEntity",
      field: "offerId",
    })
    expect(h.run({ _tag: "ExpireOffer", offerId: "c1~1" })).toEqual([])
    h.run({ _tag: "AcceptOffer", offerId: "c1~2", repId: "bob" })
    expect(h.run({ _tag: "ExpireOffer", offerId: "c1~2" })).toEqual([])
    expect(h.state.items.get("c1")?.status).toBe("assigned")
  })

  it("R4 a caller who hangs up during the offer withdraws it and frees the rep", () => {
    const h = twoReps()
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    const events = h.run({ _tag: "AbandonItem", itemId: "c1" })
    expect(events.map((e) => e._tag)).toEqual(["OfferWithdrawn", "ItemAbandoned"])
    expect(h.state.reps.get("ann")?.capacity.get("voice")?.used).toBe(0)
    expect(h.state.items.has("c1")).toBe(false)
  })

  it("R4 completing work that is not yours, or not yet accepted, is refused", () => {
    const h = twoReps()
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    expect(h.reject({ _tag: "CompleteWork", itemId: "c1", repId: "ann" })).toMatchObject({
      _tag: "InvalidState",
    })
    h.run({ _tag: "AcceptOffer", offerId: "c1~1", repId: "ann" })
    expect(h.reject({ _tag: "CompleteWork", itemId: "c1", repId: "bob" })).toMatchObject({ _tag: "NotYours" })
    expect(h.reject({ _tag: "AbandonItem", itemId: "c1" })).toMatchObject({ _tag: "InvalidState" })
  })
})
