import { describe, expect, it } from "vitest"
import type { CenterEvent } from "../center/events"
import { replayCenter } from "../center/execute"
import { centerHarness } from "../center/test-kit"
import { answered, offerTo, overflowCenter } from "./test-kit"
import { callbackView } from "./views"

/**
 * Issue 20 (Build 5): ids Lifeline issued before it used `~` held `/` (offer `cb/1`, dial leg
 * `cb/dial/1`, message `callback/cb/dial/1`). They stay in the stored log, so a center rebuilt
 * from it still resolves them when a client or the voice provider hands one back.
 */
const OLD: Record<string, string> = { "~dial~": "/dial/", "callback~": "callback/", "~": "/" }
const toOld = (id: string) => Object.entries(OLD).reduce((s, [now, before]) => s.replaceAll(now, before), id)

/** The log as a build before issue 20 wrote it: the same events with the old ids. */
const oldLog = (log: readonly CenterEvent[]): CenterEvent[] =>
  log.map((e) => {
    const out: Record<string, unknown> = { ...e }
    for (const field of ["offerId", "callId", "messageId"]) {
      const v = out[field]
      if (typeof v === "string") out[field] = toOld(v)
    }
    return out as CenterEvent
  })

describe("issue 20: old ids with '/' still resolve", () => {
  it("C6 an old offer id is accepted, and the provider's events about an old dial leg are recognised", () => {
    const h = overflowCenter({ presence: "available" })
    h.run({ _tag: "RequestCallback", callbackId: "cb", number: "+14155550123", queueId: "q" })
    expect(offerTo(h, "ann").offerId).toBe("cb~1")
    // Restart on the log an older build wrote: the pending offer is `cb/1`.
    const restarted = centerHarness(h.now)
    replayCenter(restarted.state, oldLog(h.log))
    const accepted = restarted.run({ _tag: "AcceptOffer", offerId: "cb/1", repId: "ann" })
    expect(accepted).toContainEqual(expect.objectContaining({ _tag: "OfferAccepted", offerId: "cb/1" }))
    // The leg dialled now is new-style; an old leg's events still find their callback.
    expect(accepted).toContainEqual(expect.objectContaining({ _tag: "CallbackDialed", callId: "cb~dial~1" }))
    expect(restarted.run(answered("cb~dial~1"))).toContainEqual(
      expect.objectContaining({ _tag: "CallbackConnected" }),
    )
    expect(callbackView(restarted.state, "cb")?.status).toBe("connected")
  })

  it("C6 a dial leg placed before the change (cb/dial/1) is answered and bridged after it", () => {
    const h = overflowCenter({ presence: "available" })
    h.run({ _tag: "RequestCallback", callbackId: "cb", number: "+14155550123", queueId: "q" })
    h.run({ _tag: "AcceptOffer", offerId: "cb~1", repId: "ann" })
    const restarted = centerHarness(h.now)
    replayCenter(restarted.state, oldLog(h.log))
    const connected = restarted.run(answered("cb/dial/1"))
    expect(connected).toContainEqual(
      expect.objectContaining({ _tag: "CallbackConnected", callId: "cb/dial/1" }),
    )
  })
})
