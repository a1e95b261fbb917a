import { describe, expect, it } from "vitest"
import { receivesNormalWork } from "./presence"
import { routingHarness, voiceRep } from "./test-kit"

const setup = () => {
  const h = routingHarness()
  h.run({ _tag: "DefinePresence", presenceId: "lunch", label: "Lunch", base: "away" })
  h.run({ _tag: "DefinePresence", presenceId: "wrap-up", label: "Wrap-up", base: "busy" })
  h.run(voiceRep("ann", 2))
  h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"] })
  return h
}

describe("R1 presence", () => {
  it("R1 only available and busy receive normal work", () => {
    expect(
      ["available", "busy", "busy_dnd", "away", "offline"].filter((p) => receivesNormalWork(p as never)),
    ).toEqual(["available", "busy"])
  })

  it("R1 a rep in busy_dnd, away or offline is offered nothing; back to available, the waiting item comes", () => {
    const h = setup()
    for (const presenceId of ["busy_dnd", "away", "offline"]) {
      h.run({ _tag: "SetPresence", repId: "ann", presenceId })
      const events = h.run({ _tag: "EnqueueItem", itemId: `c-${presenceId}`, queueId: "q" })
      expect(events.map((e) => e._tag)).toEqual(["ItemQueued"])
      h.run({ _tag: "AbandonItem", itemId: `c-${presenceId}` })
    }
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    const events = h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    expect(events.map((e) => e._tag)).toEqual(["PresenceChanged", "OfferMade"])
  })

  it("R1 a custom presence acts as its base: Lunch (away) gets nothing, Wrap-up (busy) gets work while capacity remains", () => {
    const h = setup()
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "lunch" })
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    expect(h.offersTo("ann")).toHaveLength(0)
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "wrap-up" })
    h.run({ _tag: "EnqueueItem", itemId: "c2", queueId: "q" })
    h.run({ _tag: "EnqueueItem", itemId: "c3", queueId: "q" })
    expect(h.offersTo("ann").map((o) => o.item.itemId)).toEqual(["c1", "c2"])
    expect(h.state.reps.get("ann")?.base).toBe("busy")
  })

  it("R1 a rep has one presence at a time; setting the same one again changes nothing", () => {
    const h = setup()
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    expect(h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })).toEqual([])
    expect(h.state.reps.get("ann")?.presenceId).toBe("away")
  })

  it("R1 an unknown presence is rejected naming presenceId, and a custom presence id cannot be defined twice", () => {
    const h = setup()
    const error = h.reject({ _tag: "SetPresence", repId: "ann", presenceId: "gone-fishing" })
    expect(error).toMatchObject({ _tag: "UnknownEntity", field: "presenceId" })
    expect(h.state.reps.get("ann")?.presenceId).toBe("available")
    expect(h.reject({ _tag: "DefinePresence", presenceId: "away", label: "x", base: "busy" })).toMatchObject({
      _tag: "AlreadyExists",
      field: "presenceId",
    })
  })

  it("R1 a newly registered rep without a presence starts offline", () => {
    const h = routingHarness()
    h.run({ _tag: "RegisterRep", repId: "bob", name: "Bob", capacity: { voice: 1 } })
    expect(h.state.reps.get("bob")?.base).toBe("offline")
  })
})
