import { describe, expect, it } from "vitest"
import { CALLBACK_LIFETIME_MS } from "./expiry"
import { accept, actions, CALLER, inbound, offerTimes, overflowCenter, played, pressed } from "./test-kit"
import { callbackView } from "./views"

const HOUR = 3_600_000
const request = (callbackId: string, extra: Record<string, unknown> = {}) =>
  ({ _tag: "RequestCallback", callbackId, number: CALLER, queueId: "q", ...extra }) as const

describe("C7 scheduled callbacks", () => {
  it("C7 a request returns its id and, without a window, the callback enters the queue at once", () => {
    const h = overflowCenter({ overflow: { rules: [], callerId: "+14155550199" } })
    const events = h.run(request("cb1", { attributes: { crm: "42" }, priority: 2 }))
    expect(events).toMatchObject([
      { _tag: "CallbackRequested", callbackId: "cb1", from: "+14155550199", source: "scheduled" },
      { _tag: "ItemQueued", itemId: "cb1", queueId: "q", priority: 2, attributes: { crm: "42" } },
    ])
    expect(callbackView(h.state, "cb1")).toMatchObject({ status: "queued", position: 1 })
  })

  it("C7 with a contact window the callback enters its queue when the window opens", () => {
    const h = overflowCenter({ presence: "available" })
    h.run(request("cb1", { window: { start: 2 * HOUR, end: 4 * HOUR } }))
    expect(h.state.routing.items.has("cb1")).toBe(false)
    expect(callbackView(h.state, "cb1")?.status).toBe("scheduled")
    expect(h.advance(2 * HOUR - 1)).toEqual([])
    const opened = h.advance(1)
    expect(opened).toMatchObject([
      { _tag: "ItemQueued", itemId: "cb1", at: 2 * HOUR },
      { _tag: "OfferMade", itemId: "cb1", repId: "ann" },
      { _tag: "CallbackOffered" },
    ])
    expect(actions(h, accept(h, "ann"))).toMatchObject([{ _tag: "PlaceCall", to: CALLER, from: "" }])
  })

  it("C7 while it waits for its window, its id cannot be taken by another item", () => {
    const h = overflowCenter()
    h.run(request("cb1", { window: { start: HOUR, end: 2 * HOUR } }))
    expect(h.reject({ _tag: "EnqueueItem", itemId: "cb1", queueId: "q" })).toMatchObject({
      _tag: "AlreadyExists",
      field: "itemId",
    })
    expect(h.reject(request("cb1", { number: "+14155550124" }))).toMatchObject({ _tag: "AlreadyExists" })
  })

  it("C9 a callback needs an existing queue with reps", () => {
    const h = overflowCenter({ reps: [] })
    expect(h.reject(request("cb1"))).toMatchObject({ _tag: "InvalidState", field: "queueId" })
    expect(h.reject(request("cb1", { queueId: "nope" }))).toMatchObject({
      _tag: "UnknownEntity",
      field: "queueId",
    })
  })

  it("N3 a window that ends before it starts, or has ended, is refused naming the field", () => {
    const h = overflowCenter({ startAt: 10 * HOUR })
    expect(h.reject(request("a", { window: { start: 12 * HOUR, end: 11 * HOUR } }))).toMatchObject({
      field: "window.end",
    })
    expect(h.reject(request("b", { window: { start: HOUR, end: 2 * HOUR } }))).toMatchObject({
      field: "window.end",
    })
    expect(h.state.callback.callbacks.size).toBe(0)
  })
})

describe("B2 validated numbers", () => {
  it.each([
    ["4155550123", "no +"],
    ["+0155550123", "country code 0"],
    ["+123", "too short"],
    ["+1234567890123456", "too long"],
    ["+1 415 555 0123", "spaces"],
    ["+14151230123", "NANP exchange starting with 1"],
    ["+80012345678", "international freephone"],
    ["+19005550123", "premium rate"],
  ])("B2 %s (%s) is refused before the request is accepted", (number) => {
    const h = overflowCenter()
    const error = h.reject(request("cb1", { number }))
    expect(error).toMatchObject({ _tag: "InvalidField", field: "number" })
    expect(h.state.callback.callbacks.size).toBe(0)
    expect(h.log.some((e) => e._tag === "CallbackRequested")).toBe(false)
  })

  it("B2 valid numbers from several regions are accepted", () => {
    const h = overflowCenter()
    for (const [i, number] of ["+442071838750", "+4533126000", "+17875550123", "+4930123456"].entries())
      h.run(request(`cb${i}`, { number }))
    expect(h.state.callback.callbacks.size).toBe(4)
  })

  it("B2 the number to call from is validated too", () => {
    const h = overflowCenter()
    expect(h.reject(request("cb1", { from: "12" }))).toMatchObject({ field: "from" })
  })
})

describe("B3 duplicates", () => {
  it("B3 a second request for the same number and queue joins the first", () => {
    const h = overflowCenter()
    h.run({ _tag: "CreateQueue", queueId: "q2", name: "Q2", members: ["ann"] })
    h.run(request("cb1"))
    const second = h.run(request("cb2"))
    expect(second).toEqual([
      { _tag: "CallbackJoined", callbackId: "cb1", requestId: "cb2", source: "scheduled", at: 0 },
    ])
    expect(h.state.routing.items.has("cb2")).toBe(false)
    expect(callbackView(h.state, "cb1")?.joined).toBe(1)
    h.run(request("cb3", { queueId: "q2" }))
    expect(h.state.routing.items.has("cb3")).toBe(true)
  })

  it("B3 the same request sent again changes nothing", () => {
    const h = overflowCenter()
    h.run(request("cb1"))
    expect(h.run(request("cb1"))).toEqual([])
  })

  it("B3 once the first is closed, a new request is a new callback", () => {
    const h = overflowCenter()
    h.run(request("cb1"))
    h.advance(CALLBACK_LIFETIME_MS)
    expect(h.eventsOf("CallbackJoined", h.run(request("cb2")))).toEqual([])
    expect(h.state.callback.callbacks.has("cb2")).toBe(true)
  })

  it("B3 a caller who presses 1 while a callback to their number is pending joins it", () => {
    const h = overflowCenter({
      overflow: {
        rules: [
          { condition: { _tag: "EstimatedWaitAbove", ms: 60_000 }, action: { _tag: "DirectCallback" } },
        ],
      },
    })
    h.run(request("cb1"))
    h.run(inbound("c1"))
    h.advance(30_000)
    expect(offerTimes(h, "c1")).toEqual([30_000])
    const events = h.run(pressed("c1"))
    expect(events.map((e) => e._tag)).toEqual([
      "ProviderEventHandled",
      "OverflowWatchEnded",
      "CallbackJoined",
      "CallerFarewell",
      "OutboxQueued",
      "ItemClosed",
    ])
    h.run(played("c1"))
    expect([...h.state.routing.items.keys()]).toEqual(["cb1"])
    expect(callbackView(h.state, "cb1")?.joined).toBe(1)
  })
})

describe("C8 expiry", () => {
  it("C8 a callback never served closes after 7 days and is reported", () => {
    const h = overflowCenter()
    h.run(request("cb1"))
    expect(h.advance(CALLBACK_LIFETIME_MS - 1)).toEqual([])
    const closed = h.advance(1)
    expect(closed).toEqual([
      { _tag: "ItemClosed", itemId: "cb1", reason: "expired", repId: null, at: CALLBACK_LIFETIME_MS },
      { _tag: "CallbackClosed", callbackId: "cb1", reason: "expired", attempts: 0, at: CALLBACK_LIFETIME_MS },
    ])
    expect(h.state.routing.items.size).toBe(0)
    expect(h.timers.size).toBe(0)
  })

  it("C8 an expiring callback offered to a rep is withdrawn from the rep first", () => {
    const h = overflowCenter()
    h.run(request("cb1"))
    h.advance(CALLBACK_LIFETIME_MS - 10_000)
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" }) // offered, 30 s to answer
    const closed = h.advance(10_000)
    expect(closed.map((e) => e._tag)).toEqual(["OfferWithdrawn", "ItemClosed", "CallbackClosed"])
    expect(h.state.routing.reps.get("ann")?.capacity.get("voice")?.used).toBe(0)
  })

  it("C8 a scheduled callback whose window ends unserved closes, reported as such", () => {
    const h = overflowCenter()
    h.run(request("cb1", { window: { start: HOUR, end: 3 * HOUR } }))
    h.advance(3 * HOUR)
    expect(h.eventsOf("CallbackClosed")).toMatchObject([{ callbackId: "cb1", reason: "window_ended" }])
  })

  it("C8 a callback a rep is talking to does not expire under them", () => {
    const h = overflowCenter({ presence: "available" })
    h.run(request("cb1"))
    accept(h, "ann")
    h.advance(1_000)
    h.run({ _tag: "CallAnswered", callId: "cb1~dial~1", eventId: "a1" })
    h.advance(CALLBACK_LIFETIME_MS)
    expect(h.eventsOf("CallbackClosed")).toEqual([])
    h.run({ _tag: "CompleteWork", itemId: "cb1", repId: "ann" })
    expect(h.eventsOf("CallbackClosed")).toMatchObject([{ reason: "served" }])
  })
})
