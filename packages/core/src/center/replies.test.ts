import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { dial, emergencyCenter } from "../emergency/test-kit"
import { callbackPoolView, emergencyContactsView } from "../emergency/views"
import { repOf } from "../routing/reads"
import { positionView, queueView } from "../routing/views"
import type { CenterCommand } from "./commands"
import { executeCenterReplied } from "./execute"
import type { CenterHarness } from "./test-kit"
import { assignedToRep, offersForRep, repView } from "./views"

/**
 * Issue 20 / ARCHITECTURE rule 3: each command answers a resource, given by its module's
 * decision. What the caller is answered equals what it would read right after (the GET routes'
 * views), so nobody has to scan the events for it.
 */
const answer = (h: CenterHarness, command: CenterCommand) => {
  const done = executeCenterReplied(h.state, command, h.now)
  if (Result.isFailure(done)) throw new Error(`${command._tag} failed: ${done.failure.message}`)
  return done.success.reply
}

const item = (itemId: string) => ({ _tag: "EnqueueItem", itemId, queueId: "q" }) as const

describe("issue 20 a command answers the resource it changed (R1-R6)", () => {
  it("R3 an enqueued item answers its position, waiting or already offered (the router ran first)", () => {
    const h = emergencyCenter()
    const offered = answer(h, item("i1"))
    expect(offered).toEqual(positionView(h.state.routing, "i1", h.now))
    expect(offered).toMatchObject({ itemId: "i1", queueId: "q", status: "offered", position: null })
    answer(h, item("i2"))
    const waiting = answer(h, item("i3"))
    expect(waiting).toMatchObject({ itemId: "i3", status: "waiting", position: 1 })
    expect(waiting).toEqual(positionView(h.state.routing, "i3", h.now))
  })

  it("R4 accepting answers the offer as it rang and the work it became; declining answers the offer", () => {
    const h = emergencyCenter()
    answer(h, item("i1"))
    const [offer] = offersForRep(h.state, "ann").concat(offersForRep(h.state, "bob"))
    if (offer === undefined) throw new Error("expected an offer")
    const accepted = answer(h, { _tag: "AcceptOffer", offerId: offer.offerId, repId: offer.repId })
    expect(accepted).toEqual({ answer: "accepted", offer, work: assignedToRep(h.state, offer.repId)[0] })

    answer(h, item("i2"))
    const [next] = offersForRep(h.state, "ann").concat(offersForRep(h.state, "bob"))
    if (next === undefined) throw new Error("expected a second offer")
    const declined = answer(h, { _tag: "DeclineOffer", offerId: next.offerId, repId: next.repId })
    expect(declined).toEqual({ answer: "declined", offer: next, work: null })
  })

  it("R4 completing answers the item completed", () => {
    const h = emergencyCenter()
    answer(h, item("i1"))
    const [offer] = offersForRep(h.state, "ann").concat(offersForRep(h.state, "bob"))
    if (offer === undefined) throw new Error("expected an offer")
    answer(h, { _tag: "AcceptOffer", offerId: offer.offerId, repId: offer.repId })
    expect(answer(h, { _tag: "CompleteWork", itemId: "i1", repId: offer.repId })).toEqual({
      itemId: "i1",
      queueId: "q",
      repId: offer.repId,
      status: "completed",
    })
  })

  it("R1, R2, R5 presence, capacity and membership answer the rep or the queue's members", () => {
    const h = emergencyCenter()
    const away = answer(h, { _tag: "SetPresence", repId: "bob", presenceId: "away" })
    expect(away).toMatchObject({ repId: "bob", presenceId: "away", base: "away" })
    const rep = repOf(h.state.routing, "bob")
    if (rep === undefined) throw new Error("bob is registered")
    expect(away).toEqual(repView(rep))
    // A repeat changes nothing and still answers the rep.
    expect(answer(h, { _tag: "SetPresence", repId: "bob", presenceId: "away" })).toEqual(away)
    expect(answer(h, { _tag: "SetRepCapacity", repId: "bob", capacity: { voice: 2 } })).toMatchObject({
      capacity: { voice: { total: 2, used: 0 } },
    })
    expect(answer(h, { _tag: "AddQueueMember", queueId: "q", repId: "desk" })).toEqual({
      queueId: "q",
      members: ["ann", "bob", "desk"],
    })
    expect(answer(h, { _tag: "RemoveQueueMember", queueId: "q", repId: "ann" })).toEqual({
      queueId: "q",
      members: ["bob", "desk"],
    })
    expect(answer(h, { _tag: "CreateQueue", queueId: "q2", name: "Two", members: [] })).toEqual(
      queueView(h.state.routing, "q2"),
    )
  })

  it("E10 ending answers the session ended and the presence restored; a repeat ends none", () => {
    const h = emergencyCenter()
    h.run(dial("ann"))
    const sessionId = h.state.emergency.activeByRep.get("ann")?.sessionId
    expect(answer(h, { _tag: "EndEmergency", repId: "ann" })).toEqual({
      repId: "ann",
      sessionId,
      presenceId: "available",
      base: "available",
    })
    expect(answer(h, { _tag: "EndEmergency", repId: "ann" })).toMatchObject({ sessionId: null })
  })

  it("E5, E9 admin settings answer the settings as stored", () => {
    const h = emergencyCenter()
    const pool = answer(h, {
      _tag: "ConfigureCallbackPool",
      numbers: ["+15550100007"],
      overflowNumber: null,
      fallbackRepIds: [],
    })
    expect(pool).toEqual(callbackPoolView(h.state, h.now))
    expect(answer(h, { _tag: "SetRepMailbox", repId: "ann", enabled: false })).toEqual(
      emergencyContactsView(h.state, "ann"),
    )
  })
})
