import { describe, expect, it } from "vitest"
import { queueOfReps, voiceRep } from "./test-kit"
import { positionView, waitingInOrder } from "./views"

const busyQueue = () => {
  const h = queueOfReps(["ann"], { agingStepMs: null })
  h.run({ _tag: "EnqueueItem", itemId: "a", queueId: "q" }) // to ann
  h.run({ _tag: "AcceptOffer", offerId: "a~1", repId: "ann" })
  return h
}

describe("hold and resume (B1)", () => {
  it("B1 a held item frees its rep, who takes the next item at once", () => {
    const h = busyQueue()
    h.now = 1_000
    h.run({ _tag: "EnqueueItem", itemId: "b", queueId: "q" })
    const events = h.run({ _tag: "HoldItem", itemId: "a", repId: "ann" })
    expect(events).toMatchObject([
      { _tag: "ItemHeld", itemId: "a", repId: "ann" },
      { _tag: "OfferMade", itemId: "b", repId: "ann" },
    ])
    expect(h.state.items.get("a")?.status).toBe("held")
    expect(h.state.reps.get("ann")?.capacity.get("voice")?.used).toBe(1)
  })

  it("B1 a resumed item comes back at its original place, ahead of later arrivals", () => {
    const h = busyQueue()
    h.run({ _tag: "HoldItem", itemId: "a", repId: "ann" })
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.now = 5_000
    h.run({ _tag: "EnqueueItem", itemId: "b", queueId: "q" })
    h.run({ _tag: "ResumeItem", itemId: "a" })
    expect(waitingInOrder(h.state, "q").map((i) => i.itemId)).toEqual(["a", "b"])
    expect(positionView(h.state, "a", h.now)).toMatchObject({ position: 1, status: "waiting" })
    const events = h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    expect(events).toMatchObject([{ _tag: "PresenceChanged" }, { _tag: "OfferMade", offerId: "a~2" }])
  })

  it("N3/N4 only the assigned rep holds assigned work; only held work resumes", () => {
    const h = busyQueue()
    h.run(voiceRep("bob"))
    expect(h.reject({ _tag: "HoldItem", itemId: "a", repId: "bob" })._tag).toBe("NotYours")
    expect(h.reject({ _tag: "ResumeItem", itemId: "a" })._tag).toBe("InvalidState")
    expect(h.reject({ _tag: "HoldItem", itemId: "zz", repId: "ann" })).toMatchObject({
      _tag: "UnknownEntity",
      field: "itemId",
    })
  })
})

describe("transfer (C1)", () => {
  it("C1 a transferred item keeps its age: it goes ahead of items that arrived after it", () => {
    const h = queueOfReps(["ann"], { agingStepMs: null })
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.run({ _tag: "CreateQueue", queueId: "q2", name: "Q2", agingStepMs: null })
    h.run({ _tag: "EnqueueItem", itemId: "old", queueId: "q" })
    h.now = 10_000
    h.run({ _tag: "EnqueueItem", itemId: "new", queueId: "q2" })
    const events = h.run({ _tag: "TransferItem", itemId: "old", queueId: "q2" })
    expect(events).toEqual([
      { _tag: "ItemTransferred", itemId: "old", fromQueueId: "q", toQueueId: "q2", at: 10_000 },
    ])
    expect(waitingInOrder(h.state, "q2").map((i) => i.itemId)).toEqual(["old", "new"])
    expect(waitingInOrder(h.state, "q")).toEqual([])
    expect(h.state.items.get("old")?.arrivedAt).toBe(0)
  })

  it("C1 a transferred item is offered at once to a free member of its new queue, with a fresh offer id", () => {
    const h = queueOfReps(["ann"])
    h.run({ _tag: "EnqueueItem", itemId: "x", queueId: "q" })
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.run({ _tag: "DeclineOffer", offerId: "x~1", repId: "ann" })
    h.run(voiceRep("bob"))
    h.run({ _tag: "CreateQueue", queueId: "q2", name: "Q2", members: ["bob"] })
    const events = h.run({ _tag: "TransferItem", itemId: "x", queueId: "q2" })
    expect(events).toMatchObject([
      { _tag: "ItemTransferred" },
      { _tag: "OfferMade", offerId: "x~2", repId: "bob" },
    ])
  })

  it("N3 a transfer names an existing other queue and a waiting item", () => {
    const h = busyQueue()
    h.run({ _tag: "CreateQueue", queueId: "q2", name: "Q2" })
    expect(h.reject({ _tag: "TransferItem", itemId: "a", queueId: "nope" })).toMatchObject({
      field: "queueId",
    })
    expect(h.reject({ _tag: "TransferItem", itemId: "a", queueId: "q" })._tag).toBe("InvalidField")
    expect(h.reject({ _tag: "TransferItem", itemId: "a", queueId: "q2" })._tag).toBe("InvalidState")
  })
})

describe("close (C1, C8)", () => {
  it("C8 closing an offered item withdraws the offer first and frees the rep", () => {
    const h = queueOfReps(["ann"])
    h.run({ _tag: "EnqueueItem", itemId: "x", queueId: "q" })
    const events = h.run({ _tag: "CloseItem", itemId: "x", reason: "expired" })
    expect(events).toMatchObject([
      { _tag: "OfferWithdrawn", offerId: "x~1" },
      { _tag: "ItemClosed", itemId: "x", reason: "expired", repId: null },
    ])
    expect(h.state.items.has("x")).toBe(false)
    expect(h.state.reps.get("ann")?.capacity.get("voice")?.used).toBe(0)
  })

  it("B1 closing assigned work frees its rep for the next item", () => {
    const h = busyQueue()
    h.run({ _tag: "EnqueueItem", itemId: "b", queueId: "q" })
    const events = h.run({ _tag: "CloseItem", itemId: "a", reason: "unreachable" })
    expect(events).toMatchObject([
      { _tag: "ItemClosed", itemId: "a", repId: "ann" },
      { _tag: "OfferMade", itemId: "b", repId: "ann" },
    ])
  })

  it("C8 a closed item leaves no trace in the queue; a waiting one is no longer counted", () => {
    const h = queueOfReps(["ann"])
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.run({ _tag: "EnqueueItem", itemId: "x", queueId: "q" })
    h.run({ _tag: "CloseItem", itemId: "x", reason: "voicemail" })
    expect(h.state.queues.get("q")?.waiting.size).toBe(0)
    expect(h.reject({ _tag: "CloseItem", itemId: "x", reason: "again" })._tag).toBe("UnknownEntity")
  })
})
