import { describe, expect, it } from "vitest"
import { isOpenAt } from "./queue"
import type { RoutingHarness } from "./test-kit"
import { routingHarness, voiceRep } from "./test-kit"
import { positionView, waitingInOrder } from "./views"

const offeredRep = (h: RoutingHarness, itemId: string) =>
  [...h.state.offers.values()].find((o) => o.item.itemId === itemId)?.rep.repId

/** Accept and complete whatever `repId` holds, at the harness's current time. */
const finish = (h: RoutingHarness, repId: string) => {
  for (const o of h.offersTo(repId)) h.run({ _tag: "AcceptOffer", offerId: o.offerId, repId })
  for (const item of [...h.state.items.values()]) {
    if (item.assignedTo?.repId === repId) h.run({ _tag: "CompleteWork", itemId: item.itemId, repId })
  }
}

describe("R3 queues", () => {
  it("R3 items are served by priority, then oldest first (strict order without aging)", () => {
    const h = routingHarness()
    h.run(voiceRep("ann", 1, "offline"))
    h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", agingStepMs: null, members: ["ann"] })
    const arrivals: [string, number][] = [
      ["low-old", 0],
      ["high-young", 5],
      ["low-young", 0],
      ["high-old", 5],
    ]
    for (const [i, [itemId, priority]] of arrivals.entries()) {
      h.now = i * 1000
      h.run({ _tag: "EnqueueItem", itemId, queueId: "q", priority })
    }
    // Positions are well defined and match the order the rep is then served in.
    expect(waitingInOrder(h.state, "q").map((i) => i.itemId)).toEqual([
      "high-young",
      "high-old",
      "low-old",
      "low-young",
    ])
    expect(positionView(h.state, "high-old", h.now)?.position).toBe(2)
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    const served: string[] = []
    for (let i = 0; i < 4; i++) {
      const offer = h.offersTo("ann")[0]
      if (offer === undefined) throw new Error("nothing offered")
      served.push(offer.item.itemId)
      finish(h, "ann")
    }
    expect(served).toEqual(["high-young", "high-old", "low-old", "low-young"])
  })

  it("R3 highest capacity: the rep with the most free units first, ties to the one offered longest ago", () => {
    const h = routingHarness()
    h.run(voiceRep("ann", 3))
    h.run(voiceRep("bob", 1))
    h.run({
      _tag: "CreateQueue",
      queueId: "q",
      name: "Q",
      assignment: "highest_capacity",
      members: ["bob", "ann"],
    })
    for (const id of ["c1", "c2", "c3"]) h.run({ _tag: "EnqueueItem", itemId: id, queueId: "q" })
    expect(["c1", "c2", "c3"].map((id) => offeredRep(h, id))).toEqual(["ann", "ann", "bob"])
  })

  it("R3 round robin: members take turns in order", () => {
    const h = routingHarness()
    for (const rep of ["ann", "bob", "cy"]) h.run(voiceRep(rep, 2))
    h.run({
      _tag: "CreateQueue",
      queueId: "q",
      name: "Q",
      assignment: "round_robin",
      members: ["ann", "bob", "cy"],
    })
    const served: (string | undefined)[] = []
    for (let i = 0; i < 6; i++) {
      h.run({ _tag: "EnqueueItem", itemId: `c${i}`, queueId: "q" })
      const rep = offeredRep(h, `c${i}`)
      served.push(rep)
      if (rep !== undefined) finish(h, rep)
    }
    expect(served).toEqual(["ann", "bob", "cy", "ann", "bob", "cy"])
  })

  it("R3 most idle: the rep whose last work ended longest ago", () => {
    const h = routingHarness()
    for (const rep of ["ann", "bob"]) h.run(voiceRep(rep))
    h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", assignment: "most_idle", members: ["ann", "bob"] })
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    h.run({ _tag: "EnqueueItem", itemId: "c2", queueId: "q" })
    h.now = 10_000
    finish(h, "bob")
    h.now = 20_000
    finish(h, "ann")
    h.now = 30_000
    h.run({ _tag: "EnqueueItem", itemId: "c3", queueId: "q" })
    expect(offeredRep(h, "c3")).toBe("bob")
  })

  it("R3 a rep in several queues is served from the higher-priority queue first", () => {
    const h = routingHarness()
    h.run(voiceRep("ann", 1, "away"))
    h.run({ _tag: "CreateQueue", queueId: "general", name: "General", priority: 1, members: ["ann"] })
    h.run({ _tag: "CreateQueue", queueId: "vip", name: "VIP", priority: 5, members: ["ann"] })
    h.run({ _tag: "EnqueueItem", itemId: "g1", queueId: "general", priority: 9 })
    h.now = 1000
    h.run({ _tag: "EnqueueItem", itemId: "v1", queueId: "vip" })
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    expect(h.offersTo("ann").map((o) => o.item.itemId)).toEqual(["v1"])
  })

  it("R3 operating hours are read in the queue's own time zone", () => {
    const hours = { timeZone: "America/New_York", windows: [{ day: 1, open: "09:00", close: "17:00" }] }
    // Monday 2026-11-23 14:30 UTC is 09:30 in New York; 13:30 UTC is 08:30.
    expect(isOpenAt(hours, Date.UTC(2026, 10, 23, 14, 30))).toBe(true)
    expect(isOpenAt(hours, Date.UTC(2026, 10, 23, 13, 30))).toBe(false)
    expect(isOpenAt(null, 0)).toBe(true)
  })

  it("N3 operating hours in an unknown time zone are refused, naming the field", () => {
    const h = routingHarness()
    const error = h.reject({
      _tag: "CreateQueue",
      queueId: "q",
      name: "Q",
      operatingHours: { timeZone: "Mars/Olympus_Mons", windows: [] },
    })
    expect(error).toMatchObject({ _tag: "InvalidField", field: "operatingHours.timeZone" })
    expect(h.state.queues.size).toBe(0)
  })

  it("N3 a queue naming an unknown member is rejected with the member's field and nothing is created", () => {
    const h = routingHarness()
    h.run(voiceRep("ann"))
    const error = h.reject({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann", "zed"] })
    expect(error).toMatchObject({ _tag: "UnknownEntity", field: "members[1]" })
    expect(h.state.queues.size).toBe(0)
    expect(h.state.reps.get("ann")?.memberships.size).toBe(0)
  })
})
