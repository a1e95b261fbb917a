import { describe, expect, it } from "vitest"
import { waitingInOrder } from "../routing/views"
import { RING_TIMEOUT_MS } from "./retry"
import {
  accept,
  actions,
  actionsOf,
  answered,
  failed,
  hungUp,
  inbound,
  overflowCenter,
  pressed,
} from "./test-kit"
import { callbackView } from "./views"

/** Ann is available; a scheduled callback "cb" is offered to her at t=0. Retry after 60 s, twice. */
const callbackOfferedToAnn = (maxAttempts = 2) => {
  const h = overflowCenter({
    presence: "available",
    overflow: { rules: [], retry: { delayMs: 60_000, maxAttempts } },
  })
  h.run({ _tag: "RequestCallback", callbackId: "cb", number: "+14155550123", queueId: "q" })
  return h
}

/** The dispatcher placed dial `n` (the provider has the call): what precedes any answer or failure. */
const placed = (h: ReturnType<typeof callbackOfferedToAnn>, n: number) =>
  h.run({
    _tag: "RecordDelivery",
    messageId: `callback~cb~dial~${n}`,
    outcome: { _tag: "Sent", providerId: null },
  })

describe("B1 callback retries", () => {
  it("B1 an unanswered dial is hung up, the rep freed, and retried after the delay up to the maximum", () => {
    const h = callbackOfferedToAnn(2)
    expect(actions(h, accept(h, "ann"))).toMatchObject([{ _tag: "PlaceCall", callId: "cb~dial~1" }])
    placed(h, 1)
    const rang = h.advance(RING_TIMEOUT_MS)
    expect(actions(h, rang)).toEqual([{ _tag: "HangUp", callId: "cb~dial~1" }])
    expect(h.eventsOf("CallbackAttemptFailed", rang)).toMatchObject([
      { attempt: 1, reason: "no answer", retryAt: RING_TIMEOUT_MS + 60_000 },
    ])
    expect(h.state.routing.items.get("cb")?.status).toBe("held")
    expect(h.state.routing.reps.get("ann")?.capacity.get("voice")?.used).toBe(0)
    expect(h.advance(59_999)).toEqual([])
    const back = h.advance(1)
    expect(back).toMatchObject([
      { _tag: "ItemResumed" },
      { _tag: "OfferMade", repId: "ann" },
      { _tag: "CallbackOffered" },
    ])
    expect(actions(h, accept(h, "ann"))).toMatchObject([{ _tag: "PlaceCall", callId: "cb~dial~2" }])
    placed(h, 2)
    const last = h.run(failed("cb~dial~2", "busy"))
    expect(last.map((e) => e._tag)).toEqual([
      "ProviderEventHandled",
      "CallbackAttemptFailed",
      "ItemClosed",
      "CallbackClosed",
    ])
    expect(h.eventsOf("CallbackClosed", last)).toMatchObject([{ reason: "unreachable", attempts: 2 }])
    expect(h.state.routing.items.has("cb")).toBe(false)
    expect(h.timers.size).toBe(0)
  })

  it("B1 a failed dial frees the rep for other work; the retried callback keeps its original age", () => {
    const h = callbackOfferedToAnn()
    accept(h, "ann")
    placed(h, 1)
    h.advance(10_000)
    h.run(inbound("c1"))
    const failure = h.run(failed("cb~dial~1"))
    expect(failure).toMatchObject([
      { _tag: "ProviderEventHandled" },
      { _tag: "CallbackAttemptFailed", attempt: 1 },
      { _tag: "ItemHeld", itemId: "cb", repId: "ann" },
      { _tag: "OfferMade", itemId: "c1", repId: "ann" },
    ])
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.run(inbound("c2"))
    h.advance(60_000)
    expect(waitingInOrder(h.state.routing, "q").map((i) => i.itemId)).toEqual(["cb", "c1", "c2"])
    expect(callbackView(h.state, "cb")).toMatchObject({ status: "queued", position: 1, attempts: 1 })
  })

  it("B1 a call that ends before it is answered is a failed attempt", () => {
    const h = callbackOfferedToAnn()
    accept(h, "ann")
    expect(h.eventsOf("CallbackAttemptFailed", h.run(hungUp("cb~dial~1")))).toMatchObject([
      { reason: "ended before answer" },
    ])
  })

  it("B1 a dial the outbox gave up on is a failed attempt; one it will retry is still ringing", () => {
    const h = callbackOfferedToAnn()
    accept(h, "ann")
    const retrying = h.run({
      _tag: "RecordDelivery",
      messageId: "callback~cb~dial~1",
      outcome: { _tag: "Failed", reason: "timeout", retryable: true },
    })
    expect(h.eventsOf("CallbackAttemptFailed", retrying)).toEqual([])
    h.advance(30_000) // the outbox tries again
    const given = h.run({
      _tag: "RecordDelivery",
      messageId: "callback~cb~dial~1",
      outcome: { _tag: "Failed", reason: "invalid number", retryable: false },
    })
    expect(h.eventsOf("CallbackAttemptFailed", given)).toMatchObject([
      { attempt: 1, reason: "dial not placed: invalid number" },
    ])
    expect(h.state.routing.items.get("cb")?.status).toBe("held")
  })

  it("B1 a dial the outbox is still retrying when the attempt is given up is cancelled: no ring without a rep", () => {
    const h = callbackOfferedToAnn()
    accept(h, "ann")
    const messageId = "callback~cb~dial~1"
    h.run({
      _tag: "RecordDelivery",
      messageId,
      outcome: { _tag: "Failed", reason: "timeout", retryable: true },
    })
    h.run({
      _tag: "RecordDelivery",
      messageId,
      outcome: { _tag: "Failed", reason: "timeout", retryable: true },
    })
    expect(h.state.outbox.entries.get(messageId)?.status).toBe("retrying")
    const rang = h.advance(RING_TIMEOUT_MS)
    expect(h.eventsOf("OutboxCancelled", rang)).toMatchObject([{ messageId }])
    expect(h.state.outbox.entries.has(messageId)).toBe(false)
    expect(h.state.outbox.due.has(messageId)).toBe(false)
    expect([...h.timers.keys()].some((id) => id.includes(messageId))).toBe(false)
  })

  it("B1 a customer who answered but could not be bridged is hung up and the callback retried", () => {
    const h = callbackOfferedToAnn()
    accept(h, "ann")
    placed(h, 1)
    h.run(answered("cb~dial~1"))
    const failed = h.run({
      _tag: "RecordDelivery",
      messageId: "callback~cb~dial~1~connect",
      outcome: { _tag: "Failed", reason: "rep endpoint unknown", retryable: false },
    })
    expect(h.eventsOf("CallbackAttemptFailed", failed)).toMatchObject([
      { attempt: 1, reason: "not bridged: rep endpoint unknown" },
    ])
    expect(actions(h, failed)).toEqual([{ _tag: "HangUp", callId: "cb~dial~1" }])
    expect(h.state.routing.items.get("cb")?.status).toBe("held")
    expect(h.state.routing.reps.get("ann")?.capacity.get("voice")?.used).toBe(0)
  })

  it("C6 an old leg answered after it was given up is hung up, not bridged", () => {
    const h = callbackOfferedToAnn()
    accept(h, "ann")
    h.advance(RING_TIMEOUT_MS)
    const late = h.run(answered("cb~dial~1"))
    expect(actions(h, late)).toEqual([{ _tag: "HangUp", callId: "cb~dial~1" }])
    expect(actionsOf(h, "Connect")).toEqual([])
  })

  it("N2 repeated and out-of-order provider events about a leg change nothing", () => {
    const h = callbackOfferedToAnn()
    accept(h, "ann")
    const answer = answered("cb~dial~1")
    h.run(answer)
    expect(h.run(answer)).toEqual([])
    expect(h.run(failed("cb~dial~1"))).toEqual([])
    expect(h.run(failed("cb~dial~9"))).toEqual([])
    const hangUp = hungUp("cb~dial~1")
    h.run(hangUp)
    expect(h.run(hangUp)).toEqual([])
    expect(actionsOf(h, "Connect")).toHaveLength(1)
    expect(callbackView(h.state, "cb")).toMatchObject({ status: "connected", attempts: 0 })
  })

  it("W1/C6 the customer of a connected callback hangs up: the rep is told, and the work stays theirs to complete", () => {
    const h = callbackOfferedToAnn()
    accept(h, "ann")
    placed(h, 1)
    h.advance(5_000)
    h.run(answered("cb~dial~1"))
    h.advance(90_000)
    const ended = h.run(hungUp("cb~dial~1"))
    expect(ended).toEqual([
      { _tag: "ProviderEventHandled", eventId: expect.any(String), at: 95_000 },
      { _tag: "CallbackCallEnded", callbackId: "cb", callId: "cb~dial~1", repId: "ann", at: 95_000 },
    ])
    // No retry, no hang-up sent (the call is over), the rep still holds the work.
    expect(actions(h, ended)).toEqual([])
    const item = h.state.routing.items.get("cb")
    expect([item?.status, item?.assignedTo?.repId]).toEqual(["assigned", "ann"])
    const done = h.run({ _tag: "CompleteWork", itemId: "cb", repId: "ann" })
    expect(h.eventsOf("CallbackClosed", done)).toMatchObject([{ reason: "served", attempts: 0 }])
  })

  it("B1/C8 a retry that would come after the contact window ends closes the callback instead", () => {
    const h = overflowCenter({
      presence: "available",
      overflow: { rules: [], retry: { delayMs: 80_000, maxAttempts: 3 } },
    })
    h.run({
      _tag: "RequestCallback",
      callbackId: "cb",
      number: "+14155550123",
      queueId: "q",
      window: { start: 0, end: 120_000 },
    })
    accept(h, "ann")
    h.advance(50_000) // retry would be at 130 s
    const failure = h.run(failed("cb~dial~1"))
    expect(h.eventsOf("CallbackAttemptFailed", failure)).toMatchObject([{ attempt: 1, retryAt: null }])
    expect(h.eventsOf("CallbackClosed", failure)).toMatchObject([{ reason: "window_ended", attempts: 1 }])
  })

  it("C8 a callback waiting for its retry when its deadline comes is closed and reported", () => {
    const h = overflowCenter({
      presence: "available",
      overflow: { rules: [], retry: { delayMs: 60_000, maxAttempts: 3 } },
    })
    h.run({
      _tag: "RequestCallback",
      callbackId: "cb",
      number: "+14155550123",
      queueId: "q",
      window: { start: 0, end: 100_000 },
    })
    accept(h, "ann")
    h.run(failed("cb~dial~1")) // retry at 60 s
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.advance(100_000)
    expect(h.eventsOf("CallbackClosed")).toMatchObject([{ reason: "window_ended", attempts: 1 }])
    expect(h.state.routing.items.size).toBe(0)
    expect(h.timers.size).toBe(0)
  })

  it("B1 a caller's in-queue callback is retried with its queue's policy", () => {
    const h = overflowCenter({
      overflow: {
        rules: [
          { condition: { _tag: "EstimatedWaitAbove", ms: 60_000 }, action: { _tag: "DirectCallback" } },
        ],
        retry: { delayMs: 10_000, maxAttempts: 1 },
      },
    })
    h.run(inbound("c1"))
    h.advance(30_000)
    h.run(pressed("c1"))
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    accept(h, "ann")
    const last = h.run(failed("c1~dial~1"))
    expect(h.eventsOf("CallbackClosed", last)).toMatchObject([{ reason: "unreachable", attempts: 1 }])
  })
})
