import { describe, expect, it } from "vitest"
import { replay } from "./router"
import { emptyState } from "./state"
import { queueOfReps, voiceRep } from "./test-kit"

/**
 * Issue 19, SPEC W1 with R1, R2, R4: `OfferItemTo` offers a waiting or held item to one named
 * rep (a call transferred to a colleague). The named rep may serve another queue; the offer rings
 * for the item's queue's timeout, and a decline or expiry returns the item to its queue.
 */
const twoQueues = () => {
  // ann serves q and is busy with c1; dee serves only "other".
  const h = queueOfReps(["ann"], { offerTimeoutMs: 20_000 })
  h.run(voiceRep("dee"))
  h.run({ _tag: "CreateQueue", queueId: "other", name: "Other", members: ["dee"] })
  h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q", priority: 7 })
  h.run({ _tag: "AcceptOffer", offerId: "c1~1", repId: "ann" })
  h.now = 5_000
  h.run({ _tag: "EnqueueItem", itemId: "c2", queueId: "q" })
  return h
}

describe("W1 R4 an item offered to a named rep (issue 19)", () => {
  it("W1 R4 a waiting item is offered to the rep named, marked directed, ringing for its queue's timeout", () => {
    const h = twoQueues()
    expect(h.run({ _tag: "OfferItemTo", itemId: "c2", repId: "dee" })).toEqual([
      {
        _tag: "OfferMade",
        offerId: "c2~1",
        itemId: "c2",
        repId: "dee",
        at: 5_000,
        expiresAt: 25_000,
        directed: true,
      },
    ])
    h.run({ _tag: "AcceptOffer", offerId: "c2~1", repId: "dee" })
    expect(h.state.items.get("c2")).toMatchObject({ status: "assigned", assignedTo: { repId: "dee" } })
    expect(h.state.reps.get("dee")?.capacity.get("voice")).toEqual({ total: 1, used: 1 })
  })

  it("W1 R4 a held item's offer expires: it waits in its queue again, with its age and priority", () => {
    const h = twoQueues()
    h.run({ _tag: "HoldItem", itemId: "c1", repId: "ann" })
    // ann is free again and takes c2; the held c1 goes to dee by name.
    expect(h.offersTo("ann").map((o) => o.item.itemId)).toEqual(["c2"])
    h.run({ _tag: "AcceptOffer", offerId: "c2~1", repId: "ann" })
    h.run({ _tag: "OfferItemTo", itemId: "c1", repId: "dee" })
    const expired = h.advance(20_000)
    expect(expired).toMatchObject([{ _tag: "OfferExpired", itemId: "c1", repId: "dee" }])
    expect(h.state.items.get("c1")).toMatchObject({
      status: "waiting",
      arrivedAt: 0,
      priority: 7,
      queue: { config: { queueId: "q" } },
    })
    expect(h.state.reps.get("dee")?.capacity.get("voice")).toEqual({ total: 1, used: 0 })
  })

  it("W1 R1 R2 refused naming the field, nothing changed: unknown item or rep, item not waiting or held, rep unable", () => {
    const h = twoQueues()
    const length = h.log.length
    expect(h.reject({ _tag: "OfferItemTo", itemId: "nope", repId: "dee" })).toMatchObject({
      _tag: "UnknownEntity",
      field: "itemId",
    })
    expect(h.reject({ _tag: "OfferItemTo", itemId: "c2", repId: "nope" })).toMatchObject({
      _tag: "UnknownEntity",
      field: "repId",
    })
    expect(h.reject({ _tag: "OfferItemTo", itemId: "c1", repId: "dee" })).toMatchObject({
      _tag: "InvalidState",
      field: "itemId",
      message: "work item is assigned, not waiting or held",
    })
    // ann's one unit is in use (R2).
    expect(h.reject({ _tag: "OfferItemTo", itemId: "c2", repId: "ann" })).toMatchObject({
      _tag: "InvalidState",
      field: "repId",
      message: "rep 'ann' has no voice capacity free (1 of 1 in use)",
    })
    h.run({ _tag: "SetPresence", repId: "dee", presenceId: "busy_dnd" })
    expect(h.reject({ _tag: "OfferItemTo", itemId: "c2", repId: "dee" }).message).toBe(
      "rep 'dee' is busy dnd and takes no work now",
    )
    h.run(voiceRep("eve"))
    expect(h.reject({ _tag: "OfferItemTo", itemId: "c2", repId: "eve" }).message).toBe(
      "rep 'eve' serves no queue",
    )
    expect(h.log.length).toBe(length + 2)
  })

  it("N1 replay rebuilds the state a directed offer left", () => {
    const h = twoQueues()
    h.run({ _tag: "OfferItemTo", itemId: "c2", repId: "dee" })
    const rebuilt = replay(emptyState(), h.log)
    expect(rebuilt.offers.get("c2~1")?.rep.repId).toBe("dee")
    expect(rebuilt.reps.get("dee")?.capacity.get("voice")).toEqual({ total: 1, used: 1 })
  })
})
