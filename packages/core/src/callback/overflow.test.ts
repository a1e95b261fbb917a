import { Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { centerHarness } from "../center/test-kit"
import { voiceRep } from "../routing/test-kit"
import { waitingInOrder } from "../routing/views"
import { FAREWELL_HANG_UP_AFTER_MS } from "./cadence"
import { SetQueueOverflow } from "./commands"
import {
  accept,
  actions,
  callbackWhenWaiting,
  inbound,
  LINE,
  offerTimes,
  overflowCenter,
  played,
} from "./test-kit"
import { DEFAULT_TEXTS } from "./texts"
import { overflowCallView } from "./views"

const MIN = 60_000

describe("C1 overflow conditions", () => {
  it("C1 more than N waiting: the call that makes it N+1 and those waiting get the action", () => {
    const h = overflowCenter({ overflow: { rules: [callbackWhenWaiting(2)] } })
    h.run(inbound("c1", "+14155550101"))
    h.run(inbound("c2", "+14155550102"))
    expect(h.eventsOf("OverflowApplied")).toEqual([])
    const third = h.run(inbound("c3", "+14155550103"))
    expect(h.eventsOf("OverflowApplied", third).map((e) => e.itemId)).toEqual(["c3", "c1", "c2"])
  })

  it("C1 estimated wait above T, from the R5 EWT of the last in line", () => {
    // One rep busy with another call, 3 min handle time: the 1st in line waits 3 min, the 2nd 6.
    const h = overflowCenter({
      presence: "available",
      overflow: {
        rules: [
          { condition: { _tag: "EstimatedWaitAbove", ms: 5 * MIN }, action: { _tag: "DirectCallback" } },
        ],
      },
    })
    h.run(inbound("c0", "+14155550100"))
    accept(h, "ann")
    h.run(inbound("c1", "+14155550101"))
    expect(h.eventsOf("OverflowApplied")).toEqual([])
    h.run(inbound("c2", "+14155550102"))
    expect(h.eventsOf("OverflowApplied").map((e) => e.itemId)).toEqual(["c2", "c1"])
  })

  it("C1 average wait above T, from the queue's recent waits to a rep", () => {
    const h = overflowCenter({
      overflow: {
        rules: [{ condition: { _tag: "AverageWaitAbove", ms: MIN }, action: { _tag: "DirectCallback" } }],
      },
    })
    h.run(inbound("c1", "+14155550101"))
    h.advance(2 * MIN)
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    accept(h, "ann") // c1 waited 2 min: the average is above 1 min from now
    h.run(inbound("c2", "+14155550102"))
    expect(h.eventsOf("OverflowApplied").map((e) => e.itemId)).toEqual(["c2"])
  })

  it("C1 own wait above T: one timer per call acts at exactly T; a call answered before is left alone", () => {
    const h = overflowCenter({ reps: ["ann", "bob"] })
    h.run({ _tag: "CreateQueue", queueId: "q2", name: "Q2", members: ["bob"] })
    h.run({
      _tag: "SetQueueOverflow",
      queueId: "q",
      rules: [
        {
          condition: { _tag: "OwnWaitAbove", ms: 2 * MIN },
          action: { _tag: "TransferToQueue", queueId: "q2" },
        },
      ],
    })
    h.run(inbound("c1", "+14155550101"))
    h.run(inbound("c2", "+14155550102"))
    expect(overflowCallView(h.state, "c1")?.nextOwnWaitCheckAt).toBe(2 * MIN)
    h.advance(MIN)
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    accept(h, "ann") // c1 answered after 1 min
    expect([...h.timers.keys()]).not.toContain("callback/own-wait/c1")
    const moved = h.advance(MIN)
    expect(moved).toMatchObject([
      { _tag: "OwnWaitCheckScheduled", itemId: "c2", dueAt: null },
      { _tag: "OverflowApplied", itemId: "c2", action: { _tag: "TransferToQueue", queueId: "q2" } },
      { _tag: "ItemTransferred", itemId: "c2", toQueueId: "q2", at: 2 * MIN },
    ])
    expect(h.state.routing.items.get("c2")?.arrivedAt).toBe(0)
  })

  it("C1 an own-wait check that comes due while a rep is offered the call waits for the offer's end", () => {
    const h = overflowCenter({
      overflow: { rules: [{ condition: { _tag: "OwnWaitAbove", ms: MIN }, action: { _tag: "Voicemail" } }] },
    })
    h.run(inbound("c1"))
    h.advance(50_000)
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" }) // offered until 80 s
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    h.advance(10_000)
    expect(h.state.routing.items.get("c1")?.status).toBe("offered")
    const expired = h.advance(20_000)
    expect(expired.map((e) => e._tag)).toEqual([
      "OfferExpired",
      "OwnWaitCheckScheduled",
      "OverflowApplied",
      "OutboxQueued",
      "ItemClosed",
    ])
  })

  it("C1 outside operating hours: end call plays its farewell, then the line is released", () => {
    const monday9 = Date.UTC(2026, 10, 23, 9, 0) // a Monday, 09:00 UTC
    const h = centerHarness(monday9 - 60 * MIN) // 08:00: closed
    h.run(voiceRep("ann", 1, "away"))
    h.run({
      _tag: "CreateQueue",
      queueId: "day",
      name: "Day",
      members: ["ann"],
      operatingHours: { timeZone: "UTC", windows: [{ day: 1, open: "09:00", close: "17:00" }] },
    })
    h.run({ _tag: "DefineWorkstream", workstreamId: "ws", name: "Main", rules: [], fallbackQueueId: "day" })
    h.run({
      _tag: "SetQueueOverflow",
      queueId: "day",
      rules: [{ condition: { _tag: "OutsideOperatingHours" }, action: { _tag: "EndCall" } }],
    })
    const events = h.run(inbound("c1"))
    expect(actions(h, events)).toEqual([
      { _tag: "Answer", callId: "c1" },
      { _tag: "Play", callId: "c1", prompt: DEFAULT_TEXTS.endCall },
    ])
    expect(h.eventsOf("ItemClosed", events)).toMatchObject([{ itemId: "c1", reason: "ended" }])
    expect(actions(h, h.run(played("c1")))).toEqual([{ _tag: "HangUp", callId: "c1" }])
    h.advance(60 * MIN)
    expect(h.eventsOf("ItemClosed", h.run(inbound("c2")))).toEqual([]) // 09:00: open
  })

  it("C1 voicemail: the greeting plays and the call leaves the queue", () => {
    const h = overflowCenter({
      overflow: { rules: [{ condition: { _tag: "WaitingAbove", count: 1 }, action: { _tag: "Voicemail" } }] },
    })
    h.run(inbound("c1"))
    const events = h.run(inbound("c2"))
    expect(actions(h, events).slice(1)).toEqual([
      { _tag: "Play", callId: "c2", prompt: DEFAULT_TEXTS.voicemail },
    ])
    expect(h.eventsOf("ItemClosed", events)).toMatchObject([{ itemId: "c2", reason: "voicemail" }])
    expect(waitingInOrder(h.state.routing, "q").map((i) => i.itemId)).toEqual(["c1"])
  })

  it("C1 transfer keeps the call's age and never bounces it back", () => {
    const h = overflowCenter({ overflow: { rules: [] } })
    h.run({ _tag: "CreateQueue", queueId: "q2", name: "Q2", members: ["ann"], agingStepMs: null })
    const toQ2 = {
      condition: { _tag: "WaitingAbove", count: 1 },
      action: { _tag: "TransferToQueue", queueId: "q2" },
    } as const
    const toQ = {
      condition: { _tag: "WaitingAbove", count: 1 },
      action: { _tag: "TransferToQueue", queueId: "q" },
    } as const
    h.run({ _tag: "SetQueueOverflow", queueId: "q", rules: [toQ2] })
    h.run({ _tag: "SetQueueOverflow", queueId: "q2", rules: [toQ] })
    h.run({ _tag: "EnqueueItem", itemId: "x", queueId: "q2" })
    h.run(inbound("c1"))
    h.advance(5_000)
    const events = h.run(inbound("c2"))
    expect(h.eventsOf("ItemTransferred", events)).toMatchObject([
      { itemId: "c2", fromQueueId: "q", toQueueId: "q2" },
    ])
    expect(h.state.routing.items.get("c2")?.queue.config.queueId).toBe("q2")
    expect(h.state.routing.items.get("c2")?.arrivedAt).toBe(5_000)
  })

  it("C1 rules are tried in order: an anonymous caller gets the next rule instead of a callback offer", () => {
    const h = overflowCenter({
      overflow: {
        rules: [
          { condition: { _tag: "EstimatedWaitAbove", ms: MIN }, action: { _tag: "DirectCallback" } },
          { condition: { _tag: "EstimatedWaitAbove", ms: MIN }, action: { _tag: "Voicemail" } },
        ],
      },
    })
    h.run(inbound("known"))
    h.run(inbound("anon", null))
    expect(h.eventsOf("OverflowApplied").map((e) => [e.itemId, e.action._tag])).toEqual([
      ["known", "DirectCallback"],
      ["anon", "Voicemail"],
    ])
  })

  it("C1 bounds: N 1-100, average or estimated wait 30 s-60 min, own wait 1-60 min", () => {
    const valid = (condition: unknown) =>
      Result.isSuccess(
        Schema.decodeUnknownResult(SetQueueOverflow)({
          _tag: "SetQueueOverflow",
          queueId: "q",
          rules: [{ condition, action: { _tag: "DirectCallback" } }],
        }),
      )
    expect(valid({ _tag: "WaitingAbove", count: 1 })).toBe(true)
    expect(valid({ _tag: "WaitingAbove", count: 100 })).toBe(true)
    expect(valid({ _tag: "WaitingAbove", count: 0 })).toBe(false)
    expect(valid({ _tag: "WaitingAbove", count: 101 })).toBe(false)
    expect(valid({ _tag: "EstimatedWaitAbove", ms: 30_000 })).toBe(true)
    expect(valid({ _tag: "AverageWaitAbove", ms: 60 * MIN })).toBe(true)
    expect(valid({ _tag: "EstimatedWaitAbove", ms: 29_999 })).toBe(false)
    expect(valid({ _tag: "AverageWaitAbove", ms: 60 * MIN + 1 })).toBe(false)
    expect(valid({ _tag: "OwnWaitAbove", ms: MIN })).toBe(true)
    expect(valid({ _tag: "OwnWaitAbove", ms: MIN - 1 })).toBe(false)
    expect(valid({ _tag: "OwnWaitAbove", ms: 60 * MIN + 1 })).toBe(false)
  })

  it("N3/C9 overflow settings are checked against the state, naming the field", () => {
    const h = overflowCenter()
    const set = (rules: unknown, extra: Record<string, unknown> = {}) =>
      h.reject({ _tag: "SetQueueOverflow", queueId: "q", rules, ...extra } as never)
    const transfer = (queueId: string) => [
      { condition: { _tag: "WaitingAbove", count: 1 }, action: { _tag: "TransferToQueue", queueId } },
    ]
    expect(set(transfer("nope"))).toMatchObject({ _tag: "UnknownEntity", field: "rules[0].action.queueId" })
    expect(set(transfer("q"))).toMatchObject({ _tag: "InvalidField", field: "rules[0].action.queueId" })
    expect(set([], { callerId: "0800" })).toMatchObject({ _tag: "InvalidField", field: "callerId" })
    expect(h.reject({ _tag: "SetQueueOverflow", queueId: "nope", rules: [] })).toMatchObject({
      field: "queueId",
    })
    const empty = overflowCenter({ reps: [] })
    expect(
      empty.reject({ _tag: "SetQueueOverflow", queueId: "q", rules: [callbackWhenWaiting(1)] }),
    ).toMatchObject({ _tag: "InvalidState", field: "queueId" })
  })
})

describe("C2 route-rule overrides", () => {
  const withRule = (overflowOverride: unknown) => {
    const h = overflowCenter({ overflow: { rules: [callbackWhenWaiting(1)] } })
    h.run({
      _tag: "DefineWorkstream",
      workstreamId: "vip",
      name: "VIP",
      rules: [
        { ruleId: "gold", conditions: [{ attribute: "to", oneOf: [LINE] }], queueId: "q", overflowOverride },
      ],
      fallbackQueueId: "q",
    })
    return h
  }

  it("C2 a route-to-queue rule's override replaces the queue's overflow settings for its calls", () => {
    const h = withRule({ rules: [], offerText: "unused" })
    h.run(inbound("c1", "+14155550101"))
    h.run(inbound("v1", "+14155550102", "vip"))
    h.run(inbound("c2", "+14155550103"))
    expect(
      h
        .eventsOf("OverflowApplied")
        .map((e) => e.itemId)
        .sort(),
    ).toEqual(["c1", "c2"])
    h.advance(10 * MIN)
    expect(offerTimes(h, "v1")).toEqual([])
    expect(offerTimes(h, "c1")).toEqual([30_000, 150_000, 270_000, 390_000, 510_000])
  })

  it("C2 an override may add what the queue does not do, with its own texts", () => {
    const h = withRule({
      rules: [{ condition: { _tag: "WaitingAbove", count: 1 }, action: { _tag: "EndCall" } }],
      endCallText: "Our VIP line is full.",
    })
    h.run(inbound("c1", "+14155550101"))
    const events = h.run(inbound("v1", "+14155550102", "vip"))
    expect(actions(h, events)).toContainEqual({ _tag: "Play", callId: "v1", prompt: "Our VIP line is full." })
    h.advance(FAREWELL_HANG_UP_AFTER_MS)
    expect(actions(h)).toContainEqual({ _tag: "HangUp", callId: "v1" })
  })

  it("C2/N3 an override that is not valid overflow settings is refused naming the field", () => {
    const h = overflowCenter()
    const define = (overflowOverride: unknown) =>
      h.reject({
        _tag: "DefineWorkstream",
        workstreamId: "w2",
        name: "W2",
        rules: [{ ruleId: "r", conditions: [], queueId: "q", overflowOverride }],
        fallbackQueueId: "q",
      })
    expect(
      define({ rules: [{ condition: { _tag: "WaitingAbove", count: 500 }, action: { _tag: "Voicemail" } }] }),
    ).toMatchObject({ _tag: "InvalidField", field: "rules[0].overflowOverride.rules[0].condition.count" })
    expect(
      define({
        rules: [
          {
            condition: { _tag: "WaitingAbove", count: 5 },
            action: { _tag: "TransferToQueue", queueId: "x" },
          },
        ],
      }),
    ).toMatchObject({ _tag: "UnknownEntity", field: "rules[0].overflowOverride.rules[0].action.queueId" })
    expect(h.state.routing.workstreams.has("w2")).toBe(false)
  })
})
