import { describe, expect, it } from "vitest"
import { offerExpiryTimerId } from "../routing/timers"
import { CALLBACK_LIFETIME_MS } from "./expiry"
import { accept, CALLER, failed, overflowCenter } from "./test-kit"
import { callbackTimerIds } from "./timers"
import { callbackView } from "./views"

/** I2, issue 20: an integrator cancels or reschedules a pending callback (C7, C8). */

const HOUR = 3_600_000
const request = (callbackId: string, extra: Record<string, unknown> = {}) =>
  ({ _tag: "RequestCallback", callbackId, number: CALLER, queueId: "q", ...extra }) as const
const cancel = (callbackId: string) => ({ _tag: "CancelCallback", callbackId }) as const
const reschedule = (callbackId: string, start: number, end: number) =>
  ({ _tag: "RescheduleCallback", callbackId, window: { start, end } }) as const

describe("I2 cancel a callback (issue 20)", () => {
  it("I2 a callback waiting for its window is cancelled: it closes as cancelled and its timers are disarmed", () => {
    const h = overflowCenter()
    h.run(request("cb", { window: { start: HOUR, end: 2 * HOUR } }))
    expect(h.timers.has(callbackTimerIds.window("cb"))).toBe(true)
    expect(h.run(cancel("cb"))).toMatchObject([
      { _tag: "CallbackCancelled", callbackId: "cb" },
      { _tag: "CallbackClosed", callbackId: "cb", reason: "cancelled", attempts: 0 },
    ])
    expect(callbackView(h.state, "cb")).toBeUndefined()
    expect([...h.timers.keys()].filter((id) => id.includes("cb"))).toEqual([])
    // Nothing fires later: the window does not open a cancelled callback.
    expect(h.advance(3 * HOUR)).toEqual([])
  })

  it("I2 a queued callback offered to a rep is cancelled: the offer is withdrawn and the item leaves routing", () => {
    const h = overflowCenter({ presence: "available" })
    h.run(request("cb"))
    const offerId = [...h.state.routing.offers.keys()][0]
    const events = h.run(cancel("cb"))
    expect(events).toMatchObject([
      { _tag: "CallbackCancelled" },
      { _tag: "OfferWithdrawn", offerId, repId: "ann" },
      { _tag: "ItemClosed", itemId: "cb", reason: "cancelled" },
      { _tag: "CallbackClosed", reason: "cancelled" },
    ])
    expect(h.state.routing.items.has("cb")).toBe(false)
    expect(h.timers.has(offerExpiryTimerId(String(offerId)))).toBe(false)
  })

  it("B1 I2 a callback waiting for its retry is cancelled: the held item leaves routing, the retry timer is disarmed", () => {
    const h = overflowCenter({
      presence: "available",
      overflow: { rules: [], retry: { delayMs: 60_000, maxAttempts: 3 } },
    })
    h.run(request("cb"))
    accept(h, "ann")
    h.run(failed("cb~dial~1"))
    expect(callbackView(h.state, "cb")?.status).toBe("retry_wait")
    expect(h.run(cancel("cb"))).toMatchObject([
      { _tag: "CallbackCancelled" },
      { _tag: "ItemClosed", itemId: "cb", reason: "cancelled" },
      { _tag: "CallbackClosed", reason: "cancelled", attempts: 1 },
    ])
    expect(h.timers.has(callbackTimerIds.retry("cb"))).toBe(false)
    expect(h.advance(120_000)).toEqual([])
  })

  it("I2 a callback being dialled cannot be cancelled (409, naming why); an unknown one is 404", () => {
    const h = overflowCenter({ presence: "available" })
    h.run(request("cb"))
    accept(h, "ann")
    expect(h.reject(cancel("cb"))).toMatchObject({
      _tag: "InvalidState",
      field: "callbackId",
      message: expect.stringContaining("being dialled"),
    })
    expect(h.reject(cancel("nope"))).toMatchObject({ _tag: "UnknownEntity", field: "callbackId" })
  })

  it("I2 cancelling again after it closed is refused by the core as unknown (the API answers from history)", () => {
    const h = overflowCenter()
    h.run(request("cb"))
    h.run(cancel("cb"))
    expect(h.reject(cancel("cb"))).toMatchObject({ _tag: "UnknownEntity" })
  })
})

describe("I2 reschedule a callback (issue 20, C7)", () => {
  it("C7 a scheduled callback waits for its new window; its deadline moves with it", () => {
    const h = overflowCenter({ presence: "available" })
    h.run(request("cb", { window: { start: HOUR, end: 2 * HOUR } }))
    expect(h.run(reschedule("cb", 3 * HOUR, 5 * HOUR))).toMatchObject([
      { _tag: "CallbackRescheduled", deadline: 5 * HOUR, deadlineReason: "window_ended" },
    ])
    expect(callbackView(h.state, "cb")).toMatchObject({
      window: { start: 3 * HOUR, end: 5 * HOUR },
      deadline: 5 * HOUR,
    })
    expect(h.advance(3 * HOUR - 1)).toEqual([])
    expect(h.advance(1)).toMatchObject([
      { _tag: "ItemQueued", itemId: "cb", at: 3 * HOUR },
      { _tag: "OfferMade" },
      { _tag: "CallbackOffered" },
    ])
  })

  it("C7 a window that has opened puts a scheduled callback in its queue at once", () => {
    const h = overflowCenter({ startAt: HOUR })
    h.run(request("cb", { window: { start: 2 * HOUR, end: 3 * HOUR } }))
    expect(h.run(reschedule("cb", 0, 10 * HOUR))).toMatchObject([
      { _tag: "CallbackRescheduled" },
      { _tag: "ItemQueued", itemId: "cb" },
    ])
    expect(h.timers.has(callbackTimerIds.window("cb"))).toBe(false)
    expect(h.timers.get(callbackTimerIds.deadline("cb"))?.dueAt).toBe(10 * HOUR)
  })

  it("C8 a longer window keeps the 7-day limit from when it could first be served", () => {
    const h = overflowCenter()
    h.run(request("cb", { window: { start: HOUR, end: 2 * HOUR } }))
    h.run(reschedule("cb", 2 * HOUR, 30 * 24 * HOUR))
    expect(callbackView(h.state, "cb")?.deadline).toBe(2 * HOUR + CALLBACK_LIFETIME_MS)
  })

  it("N3 a bad window is refused naming the field, and nothing changes", () => {
    const h = overflowCenter({ startAt: 10 * HOUR })
    h.run(request("cb", { window: { start: 11 * HOUR, end: 12 * HOUR } }))
    const before = h.log.length
    expect(h.reject(reschedule("cb", 13 * HOUR, 12 * HOUR))).toMatchObject({ field: "window.end" })
    expect(h.reject(reschedule("cb", HOUR, 2 * HOUR))).toMatchObject({ field: "window.end" })
    expect(h.log.length).toBe(before)
    expect(callbackView(h.state, "cb")?.window).toEqual({ start: 11 * HOUR, end: 12 * HOUR })
  })

  it("I2 a queued callback keeps its place: its new window must have started; one being dialled is 409", () => {
    const h = overflowCenter({ presence: "available" })
    h.run(request("cb"))
    expect(h.reject(reschedule("cb", HOUR, 2 * HOUR))).toMatchObject({
      _tag: "InvalidField",
      field: "window.start",
    })
    expect(h.run(reschedule("cb", 0, 2 * HOUR))).toMatchObject([{ _tag: "CallbackRescheduled" }])
    accept(h, "ann")
    expect(h.reject(reschedule("cb", 0, 3 * HOUR))).toMatchObject({
      _tag: "InvalidState",
      field: "callbackId",
    })
  })
})
