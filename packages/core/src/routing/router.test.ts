import { describe, expect, it } from "vitest"
import { routingHarness, voiceRep } from "./test-kit"

describe("routing smoke", () => {
  it("R4 an item is offered to an available member and accepted", () => {
    const h = routingHarness()
    h.run(voiceRep("ann"))
    h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"] })
    const events = h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    expect(events.map((e) => e._tag)).toEqual(["ItemQueued", "OfferMade"])
    h.run({ _tag: "AcceptOffer", offerId: "c1/1", repId: "ann" })
    expect(h.state.items.get("c1")?.status).toBe("assigned")
  })
})
