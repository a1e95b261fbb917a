import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { InvalidState } from "../kernel/errors"
import { positionView, waitingInOrder } from "../routing/views"
import { FAREWELL_HANG_UP_AFTER_MS } from "./cadence"
import { pressKey } from "./in-queue"
import {
  accept,
  actions,
  actionsOf,
  answered,
  CALLER,
  hungUp,
  inbound,
  LINE,
  offerTo,
  overflowCenter,
  played,
  pressed,
} from "./test-kit"
import { DEFAULT_TEXTS } from "./texts"
import { callbackView, offerKind } from "./views"

const unstaffed = (reps: readonly string[] = ["ann"], confirmationText?: string) =>
  overflowCenter({
    reps,
    overflow: {
      rules: [{ condition: { _tag: "EstimatedWaitAbove", ms: 60_000 }, action: { _tag: "DirectCallback" } }],
      ...(confirmationText === undefined ? {} : { confirmationText }),
    },
  })

/** Three callers at 0 s, 1 s and 2 s (from different numbers); the second asks for a callback. */
const secondAsks = () => {
  const h = unstaffed()
  h.run(inbound("c1", "+14155550101"))
  h.advance(1_000)
  h.run(inbound("c2", CALLER))
  h.advance(1_000)
  h.run(inbound("c3", "+14155550103"))
  h.advance(30_000) // c2 hears the offer at 31 s
  return h
}

describe("C4 pressing 1", () => {
  it("C4 on 1 the caller hears the confirmation, then the line is released", () => {
    const h = secondAsks()
    const events = h.run(pressed("c2"))
    expect(actions(h, events)).toEqual([{ _tag: "Play", callId: "c2", prompt: DEFAULT_TEXTS.confirmation }])
    expect(h.eventsOf("CallbackRequested", events)).toMatchObject([
      { callbackId: "c2", number: CALLER, from: LINE, queueId: "q", source: "in_queue" },
    ])
    const done = h.run(played("c2"))
    expect(actions(h, done)).toEqual([{ _tag: "HangUp", callId: "c2" }])
    expect(h.run(played("c2"))).toEqual([])
  })

  it("C4 the same work item stays in the queue with its original age and place", () => {
    const h = secondAsks()
    h.run(pressed("c2"))
    h.run(played("c2"))
    // The provider reports the end of the call we hung up: not an abandon.
    expect(h.run(hungUp("c2"))).toEqual([])
    expect(waitingInOrder(h.state.routing, "q").map((i) => i.itemId)).toEqual(["c1", "c2", "c3"])
    expect(h.state.routing.items.get("c2")?.arrivedAt).toBe(1_000)
    expect(positionView(h.state.routing, "c2", h.now)?.position).toBe(2)
    expect(callbackView(h.state, "c2")).toMatchObject({ status: "queued", position: 2, attempts: 0 })
  })

  it("C4 the line is released even when the provider never says the confirmation played", () => {
    const h = secondAsks()
    h.run(pressed("c2"))
    const later = h.advance(FAREWELL_HANG_UP_AFTER_MS)
    expect(actions(h, later)).toEqual([{ _tag: "HangUp", callId: "c2" }])
  })

  it("C4 a caller who hangs up during the confirmation keeps the callback; nothing is hung up twice", () => {
    const h = secondAsks()
    h.run(pressed("c2"))
    h.run(hungUp("c2"))
    h.advance(FAREWELL_HANG_UP_AFTER_MS)
    expect(actionsOf(h, "HangUp")).toEqual([])
    expect(h.state.routing.items.get("c2")?.status).toBe("waiting")
  })

  it("C4 the confirmation text is edited per queue", () => {
    const h = unstaffed(["ann"], "Thanks, we will call you.")
    h.run(inbound("c1"))
    h.advance(30_000)
    expect(actionsOf(h, "Play", h.run(pressed("c1")))).toMatchObject([
      { prompt: "Thanks, we will call you." },
    ])
  })

  it("C4 a hang-up without pressing 1 abandons the item as usual", () => {
    const h = secondAsks()
    const events = h.run(hungUp("c2"))
    expect(events.map((e) => e._tag)).toContain("ItemAbandoned")
    expect(h.state.routing.items.has("c2")).toBe(false)
  })
})

describe("C5, C6 preview dialing", () => {
  const callbackWaiting = () => {
    const h = unstaffed(["ann", "bob"])
    h.run(inbound("c1"))
    h.advance(30_000)
    h.run(pressed("c1"))
    h.run(played("c1"))
    return h
  }

  it("C5 at the front the callback is offered like any item, marked as a callback", () => {
    const h = callbackWaiting()
    const events = h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    const offer = offerTo(h, "ann")
    expect(h.eventsOf("CallbackOffered", events)).toEqual([
      { _tag: "CallbackOffered", callbackId: "c1", offerId: offer.offerId, repId: "ann", at: h.now },
    ])
    expect(offerKind(h.state, offer.offerId)).toBe("callback")
    h.run(inbound("c2"))
    h.run({ _tag: "SetPresence", repId: "bob", presenceId: "available" })
    expect(offerKind(h.state, offerTo(h, "bob").offerId)).toBe("call")
  })

  it("C6 the customer is dialled only after the rep accepts, then bridged to that rep", () => {
    const h = callbackWaiting()
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    expect(actionsOf(h, "PlaceCall")).toEqual([])
    const events = accept(h, "ann")
    expect(actions(h, events)).toEqual([{ _tag: "PlaceCall", callId: "c1~dial~1", to: CALLER, from: LINE }])
    expect(callbackView(h.state, "c1")?.status).toBe("dialing")
    const connected = h.run(answered("c1~dial~1"))
    expect(actions(h, connected)).toEqual([{ _tag: "Connect", callId: "c1~dial~1", repId: "ann" }])
    expect(h.run(answered("c1~dial~1"))).toEqual([])
    h.run({ _tag: "CompleteWork", itemId: "c1", repId: "ann" })
    expect(h.eventsOf("CallbackClosed")).toMatchObject([{ callbackId: "c1", reason: "served", attempts: 0 }])
    expect(actionsOf(h, "PlaceCall")).toHaveLength(1)
  })

  it("B1 a rep declining the callback is not an attempt; it goes to the next rep and is not dialled", () => {
    const h = callbackWaiting()
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    h.run({ _tag: "SetPresence", repId: "bob", presenceId: "available" })
    const events = h.run({ _tag: "DeclineOffer", offerId: offerTo(h, "ann").offerId, repId: "ann" })
    expect(events).toMatchObject([
      { _tag: "OfferDeclined" },
      { _tag: "OfferMade", repId: "bob" },
      { _tag: "CallbackOffered" },
    ])
    expect(actionsOf(h, "PlaceCall")).toEqual([])
    expect(callbackView(h.state, "c1")?.attempts).toBe(0)
    expect(actions(h, accept(h, "bob"))).toMatchObject([{ _tag: "PlaceCall", callId: "c1~dial~1" }])
  })
})

describe("B3 joining a pending callback asks routing to close the call's item (issue 18)", () => {
  const joining = () => {
    const h = unstaffed()
    h.run({ _tag: "RequestCallback", callbackId: "cb1", queueId: "q", number: CALLER } as const)
    h.run(inbound("c1"))
    h.advance(30_000)
    return h
  }

  it("B3 a refusal from routing is the answer to the key press, not dropped", () => {
    const h = joining()
    const refusal = new InvalidState({ field: "itemId", message: "the item cannot be closed" })
    const asked: string[] = []
    const decided = pressKey(h.state, pressed("c1"), h.now, {
      routing: (_state, command) => {
        asked.push(command._tag)
        return Result.fail(refusal)
      },
    })
    expect(asked).toEqual(["CloseItem"])
    expect(decided !== undefined && Result.isFailure(decided) ? decided.failure : decided).toBe(refusal)
  })

  it("B3 with routing's consent the call's item is closed in the same decision", () => {
    const h = joining()
    const events = h.run(pressed("c1"))
    expect(events.map((e) => e._tag)).toContain("CallbackJoined")
    expect(h.eventsOf("ItemClosed", events)).toMatchObject([{ itemId: "c1", reason: "joined" }])
  })
})
