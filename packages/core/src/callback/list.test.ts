import { describe, expect, it } from "vitest"
import {
  type CallbackListRecord,
  callbackListKeysOf,
  callbackListPageOf,
  projectCallbackList,
  projectCallbackListBatch,
} from "./list"
import { accept, CALLER, failed, overflowCenter } from "./test-kit"
import { callbackView } from "./views"

/** I2, issue 20: the callback list read model agrees with the callback module (C7, C8, B1). */

const HOUR = 3_600_000

/** Five callbacks, one of each fate: waiting for its window, queued, dialled, retrying, cancelled. */
const day = () => {
  const h = overflowCenter({
    reps: ["ann", "bob"],
    overflow: { rules: [], retry: { delayMs: 60_000, maxAttempts: 3 } },
  })
  const request = (callbackId: string, number: string, extra: Record<string, unknown> = {}) =>
    h.run({ _tag: "RequestCallback", callbackId, number, queueId: "q", ...extra })
  request("cb-window", "+14155550001", { window: { start: 5 * HOUR, end: 6 * HOUR } })
  h.advance(1_000)
  request("cb-cancelled", "+14155550002")
  h.run({ _tag: "CancelCallback", callbackId: "cb-cancelled" })
  h.advance(1_000)
  request("cb-dialled", CALLER)
  h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
  accept(h, "ann")
  h.advance(1_000)
  request("cb-retry", "+14155550004")
  h.run({ _tag: "SetPresence", repId: "bob", presenceId: "available" })
  accept(h, "bob")
  h.run(failed("cb-retry~dial~1"))
  h.advance(1_000)
  request("cb-queued", "+14155550005")
  return h
}

const all = (records: Map<string, CallbackListRecord>) =>
  callbackListPageOf(records.values(), {}, 100, null).records

describe("I2 the callback list (issue 20)", () => {
  it("I2 each callback's status is the module's own; a closed one keeps how it ended", () => {
    const h = day()
    const records = new Map<string, CallbackListRecord>()
    projectCallbackList(records, h.log)
    for (const r of records.values())
      if (r.status !== "closed")
        expect(r.status, r.callbackId).toBe(callbackView(h.state, r.callbackId)?.status)
    expect(
      Object.fromEntries([...records.values()].map((r) => [r.callbackId, [r.status, r.outcome, r.attempts]])),
    ).toEqual({
      "cb-window": ["scheduled", null, 0],
      "cb-cancelled": ["closed", "cancelled", 0],
      "cb-dialled": ["dialing", null, 0],
      "cb-retry": ["retry_wait", null, 1],
      "cb-queued": ["queued", null, 0],
    })
  })

  it("I2 newest first, filtered by queue, status, number and time, a cursor page at a time", () => {
    const h = day()
    const records = new Map<string, CallbackListRecord>()
    projectCallbackList(records, h.log)
    expect(all(records).map((r) => r.callbackId)).toEqual([
      "cb-queued",
      "cb-retry",
      "cb-dialled",
      "cb-cancelled",
      "cb-window",
    ])
    const ids = (q: Parameters<typeof callbackListPageOf>[1]) =>
      callbackListPageOf(records.values(), q, 100, null).records.map((r) => r.callbackId)
    expect(ids({ status: "open" })).toEqual(["cb-queued", "cb-retry", "cb-dialled", "cb-window"])
    expect(ids({ status: "closed" })).toEqual(["cb-cancelled"])
    expect(ids({ number: CALLER })).toEqual(["cb-dialled"])
    expect(ids({ from: 1_000, to: 3_000 })).toEqual(["cb-dialled", "cb-cancelled"])
    expect(ids({ queueId: "other" })).toEqual([])
    const first = callbackListPageOf(records.values(), {}, 2, null)
    const second = callbackListPageOf(records.values(), {}, 2, first.next)
    const third = callbackListPageOf(records.values(), {}, 2, second.next)
    expect([...first.records, ...second.records, ...third.records].map((r) => r.callbackId)).toEqual(
      all(records).map((r) => r.callbackId),
    )
    expect(third.next).toBeNull()
  })

  it("N1 any split of the log into batches, each applied to the stored records it touches, gives the same list", () => {
    const h = day()
    const whole = new Map<string, CallbackListRecord>()
    projectCallbackList(whole, h.log)
    for (const size of [1, 2, 7]) {
      const stored = new Map<string, CallbackListRecord>()
      for (let i = 0; i < h.log.length; i += size) {
        const batch = h.log.slice(i, i + size)
        const touched = [...callbackListKeysOf(batch)].flatMap((id) => stored.get(id) ?? [])
        for (const r of projectCallbackListBatch(touched, batch)) stored.set(r.callbackId, r)
      }
      expect(all(stored), `batches of ${size}`).toEqual(all(whole))
    }
  })
})
