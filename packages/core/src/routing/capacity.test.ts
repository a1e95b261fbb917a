import { describe, expect, it } from "vitest"
import { replay } from "./router"
import { emptyState } from "./state"
import { routingHarness, voiceRep } from "./test-kit"

describe("R2 capacity", () => {
  it("R2 a rep with 2 voice units holds two items at once, never a third", () => {
    const h = routingHarness()
    h.run(voiceRep("ann", 2))
    h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"] })
    for (const id of ["c1", "c2", "c3"]) h.run({ _tag: "EnqueueItem", itemId: id, queueId: "q" })
    expect(h.offersTo("ann").map((o) => o.item.itemId)).toEqual(["c1", "c2"])
    expect(h.state.reps.get("ann")?.capacity.get("voice")).toEqual({ total: 2, used: 2 })
  })

  it("R2 an item needing more units than the rep has free is not offered to that rep", () => {
    const h = routingHarness()
    h.run(voiceRep("ann", 1))
    h.run({ _tag: "CreateQueue", queueId: "video", name: "Video", units: 2, members: ["ann"] })
    expect(h.run({ _tag: "EnqueueItem", itemId: "v1", queueId: "video" }).map((e) => e._tag)).toEqual([
      "ItemQueued",
    ])
  })

  it("R2 a queue consumes its own profile: chat items do not use voice units", () => {
    const h = routingHarness()
    h.run({
      _tag: "RegisterRep",
      repId: "ann",
      name: "Ann",
      presenceId: "available",
      capacity: { voice: 1, chat: 2 },
    })
    h.run({ _tag: "CreateQueue", queueId: "voice", name: "Voice", members: ["ann"] })
    h.run({ _tag: "CreateQueue", queueId: "chat", name: "Chat", profile: "chat", members: ["ann"] })
    h.run({ _tag: "EnqueueItem", itemId: "v1", queueId: "voice" })
    h.run({ _tag: "EnqueueItem", itemId: "t1", queueId: "chat" })
    h.run({ _tag: "EnqueueItem", itemId: "t2", queueId: "chat" })
    expect(h.offersTo("ann").map((o) => o.item.itemId)).toEqual(["v1", "t1", "t2"])
  })

  it("R2 completing work frees the units and the rep is offered the next waiting item", () => {
    const h = routingHarness()
    h.run(voiceRep("ann"))
    h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"] })
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    h.run({ _tag: "EnqueueItem", itemId: "c2", queueId: "q" })
    h.run({ _tag: "AcceptOffer", offerId: "c1~1", repId: "ann" })
    h.now = 60_000
    const events = h.run({ _tag: "CompleteWork", itemId: "c1", repId: "ann" })
    expect(events).toMatchObject([
      { _tag: "WorkCompleted", itemId: "c1", handleMs: 60_000 },
      { _tag: "OfferMade", itemId: "c2", repId: "ann" },
    ])
  })

  it("R2 raising a rep's capacity offers waiting work at once; replay rebuilds the same totals", () => {
    const h = routingHarness()
    h.run(voiceRep("ann", 1))
    h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"] })
    for (const id of ["c1", "c2", "c3"]) h.run({ _tag: "EnqueueItem", itemId: id, queueId: "q" })
    expect(h.offersTo("ann")).toHaveLength(1)
    const events = h.run({ _tag: "SetRepCapacity", repId: "ann", capacity: { voice: 3 } })
    expect(events.map((e) => e._tag)).toEqual(["RepCapacitySet", "OfferMade", "OfferMade"])
    expect(h.state.reps.get("ann")?.capacity.get("voice")).toEqual({ total: 3, used: 3 })
    const rebuilt = replay(emptyState(), h.log)
    expect(rebuilt.reps.get("ann")?.capacity.get("voice")).toEqual({ total: 3, used: 3 })
  })

  it("R2 a new profile lets the rep take that queue's items; a total below the units in use is refused", () => {
    const h = routingHarness()
    h.run(voiceRep("ann", 1))
    h.run({ _tag: "CreateQueue", queueId: "chat", name: "Chat", profile: "chat", members: ["ann"] })
    h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"] })
    h.run({ _tag: "EnqueueItem", itemId: "t1", queueId: "chat" })
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    expect(h.offersTo("ann").map((o) => o.item.itemId)).toEqual(["c1"])
    h.run({ _tag: "SetRepCapacity", repId: "ann", capacity: { chat: 1 } })
    expect(h.offersTo("ann").map((o) => o.item.itemId)).toEqual(["c1", "t1"])
    const before = h.log.length
    expect(h.reject({ _tag: "SetRepCapacity", repId: "ann", capacity: { voice: 0 } })).toMatchObject({
      _tag: "InvalidState",
      field: "capacity.voice",
    })
    expect(h.log.length).toBe(before)
  })
})
