import { describe, expect, it } from "vitest"
import { queueOfReps, routingHarness, voiceRep } from "./test-kit"
import { positionView, queueView } from "./views"

const busyQueue = () => {
  const h = queueOfReps(["ann", "bob"], { defaultHandleTimeMs: 180_000 })
  for (const id of ["a", "b", "w1", "w2", "w3"]) h.run({ _tag: "EnqueueItem", itemId: id, queueId: "q" })
  h.run({ _tag: "AcceptOffer", offerId: "a~1", repId: "ann" })
  h.run({ _tag: "AcceptOffer", offerId: "b~1", repId: "bob" })
  return h
}

describe("R5 estimated wait time", () => {
  it("R5 without history the queue's default handle time is used: (position - free) x AHT / staffed", () => {
    const h = busyQueue()
    expect(queueView(h.state, "q")).toMatchObject({
      waiting: 3,
      staffed: 2,
      free: 0,
      ahtMs: 180_000,
      ewtMs: 360_000,
    })
    expect(positionView(h.state, "w1", h.now)).toMatchObject({ position: 1, ewtMs: 90_000 })
    expect(positionView(h.state, "w3", h.now)).toMatchObject({ position: 3, ewtMs: 270_000 })
  })

  it("R5 with history the mean of recent handle times replaces the default", () => {
    const h = busyQueue()
    h.now = 60_000
    h.run({ _tag: "CompleteWork", itemId: "a", repId: "ann" }) // ann takes w1
    h.now = 120_000
    h.run({ _tag: "CompleteWork", itemId: "b", repId: "bob" }) // bob takes w2
    h.run({ _tag: "AcceptOffer", offerId: "w1~1", repId: "ann" })
    h.run({ _tag: "AcceptOffer", offerId: "w2~1", repId: "bob" })
    expect(queueView(h.state, "q")).toMatchObject({ waiting: 1, ahtMs: 90_000, ewtMs: 90_000 })
    expect(positionView(h.state, "w3", h.now)).toMatchObject({ position: 1, ewtMs: 45_000 })
  })

  it("R5 a free slot means no wait, and nobody staffed means no estimate", () => {
    const h = routingHarness()
    h.run(voiceRep("ann"))
    h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"] })
    expect(queueView(h.state, "q")?.ewtMs).toBe(0)
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "offline" })
    expect(queueView(h.state, "q")).toMatchObject({ staffed: 0, ewtMs: null })
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    expect(positionView(h.state, "c1", h.now)).toMatchObject({ position: 1, ewtMs: null })
  })

  it("R5 only the most recent handle times count (a window of 50)", () => {
    const h = routingHarness()
    h.run(voiceRep("ann"))
    h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"] })
    const handle = (i: number, ms: number) => {
      h.run({ _tag: "EnqueueItem", itemId: `c${i}`, queueId: "q" })
      h.run({ _tag: "AcceptOffer", offerId: `c${i}~1`, repId: "ann" })
      h.now += ms
      h.run({ _tag: "CompleteWork", itemId: `c${i}`, repId: "ann" })
    }
    for (let i = 0; i < 50; i++) handle(i, 600_000)
    for (let i = 50; i < 100; i++) handle(i, 60_000)
    expect(queueView(h.state, "q")?.ahtMs).toBe(60_000)
  })
})
