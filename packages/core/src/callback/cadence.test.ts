import { describe, expect, it } from "vitest"
import {
  accept,
  actionsOf,
  callbackWhenWaiting,
  hungUp,
  inbound,
  offerTimes,
  overflowCenter,
  pressed,
} from "./test-kit"
import { DEFAULT_TEXTS } from "./texts"
import { overflowCallView } from "./views"

/** A queue nobody staffs: its estimated wait is unbounded, so every arriving call overflows. */
const unstaffed = (offerText?: string) =>
  overflowCenter({
    overflow: {
      rules: [{ condition: { _tag: "EstimatedWaitAbove", ms: 60_000 }, action: { _tag: "DirectCallback" } }],
      ...(offerText === undefined ? {} : { offerText }),
    },
  })

describe("C3 the callback offer cadence", () => {
  it("C3 the offer plays at 30 s, 150 s, 270 s after the condition applies", () => {
    const h = unstaffed()
    h.run(inbound("c1"))
    h.advance(29_999)
    expect(offerTimes(h, "c1")).toEqual([])
    h.advance(300_000 - 29_999)
    expect(offerTimes(h, "c1")).toEqual([30_000, 150_000, 270_000])
    const [first] = actionsOf(h, "CollectDigit")
    expect(first).toMatchObject({ callId: "c1", prompt: DEFAULT_TEXTS.offer })
  })

  it("C3 no offer after the caller presses 1", () => {
    const h = unstaffed()
    h.run(inbound("c1"))
    h.advance(31_000)
    h.run(pressed("c1"))
    h.advance(1_000_000)
    expect(offerTimes(h, "c1")).toEqual([30_000])
    expect([...h.timers.keys()].filter((id) => id.startsWith("callback/offer/"))).toEqual([])
  })

  it("C3 no offer after the caller hangs up", () => {
    const h = unstaffed()
    h.run(inbound("c1"))
    h.advance(100_000)
    const ended = h.run(hungUp("c1"))
    expect(ended.map((e) => e._tag)).toEqual(["ProviderEventHandled", "ItemAbandoned", "OverflowWatchEnded"])
    h.advance(1_000_000)
    expect(offerTimes(h, "c1")).toEqual([30_000])
    expect(h.timers.size).toBe(0)
  })

  it("C3 no offer after the caller is connected to a rep", () => {
    const h = unstaffed()
    h.run(inbound("c1"))
    h.advance(160_000)
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    const events = accept(h, "ann")
    expect(actionsOf(h, "Connect", events)).toEqual([{ _tag: "Connect", callId: "c1", repId: "ann" }])
    h.advance(1_000_000)
    expect(offerTimes(h, "c1")).toEqual([30_000, 150_000])
    expect(overflowCallView(h.state, "c1")).toBeUndefined()
  })

  it("C3 the offer goes on while a rep is being offered the call", () => {
    const h = unstaffed()
    h.run(inbound("c1"))
    h.advance(20_000)
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" }) // offered to ann, 30 s to answer
    h.advance(15_000)
    expect(offerTimes(h, "c1")).toEqual([30_000])
  })

  it("C3 a call already waiting when its queue starts to overflow hears the offer 30 s after that", () => {
    const h = overflowCenter({ overflow: { rules: [callbackWhenWaiting(1)] } })
    h.run(inbound("c1")) // one waiting: not more than 1
    h.advance(10_000)
    h.run(inbound("c2")) // two waiting: the condition applies to both from now
    h.advance(200_000)
    expect(offerTimes(h, "c1")).toEqual([40_000, 160_000])
    expect(offerTimes(h, "c2")).toEqual([40_000, 160_000])
  })

  it("C3 the offer text is edited per queue", () => {
    const h = unstaffed("Press 1 and we call you back.")
    h.run(inbound("c1"))
    h.advance(30_000)
    expect(actionsOf(h, "CollectDigit").map((a) => a.prompt)).toEqual(["Press 1 and we call you back."])
  })

  it("C3 the key is fixed to 1: any other key, or none, is ignored and the offers go on", () => {
    const h = unstaffed()
    h.run(inbound("c1"))
    h.advance(30_000)
    expect(h.run(pressed("c1", "2"))).toEqual([])
    expect(h.run(pressed("c1", null))).toEqual([])
    h.advance(120_000)
    expect(offerTimes(h, "c1")).toEqual([30_000, 150_000])
    expect(h.state.callback.callbacks.size).toBe(0)
  })

  it("C3 a 1 pressed before any offer was played is ignored", () => {
    const h = unstaffed()
    h.run(inbound("c1"))
    h.advance(10_000)
    expect(h.run(pressed("c1"))).toEqual([])
    h.advance(20_000)
    expect(offerTimes(h, "c1")).toEqual([30_000])
  })

  it("B2 an anonymous caller, or one whose number cannot be called back, is never offered a callback", () => {
    const h = unstaffed()
    h.run(inbound("anon", null))
    h.run(inbound("premium", "+19005550100"))
    h.run(inbound("sip", "sip:someone@example.com"))
    h.advance(1_000_000)
    expect(actionsOf(h, "CollectDigit")).toEqual([])
    expect(h.state.routing.items.size).toBe(3)
  })
})
