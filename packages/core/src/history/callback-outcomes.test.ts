import { describe, expect, it } from "vitest"
import { CALLBACK_LIFETIME_MS } from "../callback/expiry"
import { RING_TIMEOUT_MS } from "../callback/retry"
import {
  accept,
  answered,
  CALLER,
  failed,
  inbound,
  offerTimes,
  overflowCenter,
  played,
  pressed,
} from "../callback/test-kit"
import type { CenterHarness } from "../center/test-kit"
import { historyAnalytics } from "./analytics"
import { historyKeysOf, historyRecords, projectHistory, projectHistoryBatch } from "./projection"
import type { HistoryRecord } from "./record"

/** Issue 22: history records how each item really ended, callbacks included (C1, C4–C8, B1, B3). */

const recordOf = (h: CenterHarness, itemId: string): HistoryRecord | undefined =>
  historyRecords(projectHistory(h.log)).find((r) => r.itemId === itemId)

const request = (callbackId: string, extra: Record<string, unknown> = {}) =>
  ({ _tag: "RequestCallback", callbackId, number: CALLER, queueId: "q", ...extra }) as const

/** Ann is available; scheduled callback "cb" is offered to her at t=0 (retry after 60 s). */
const offeredToAnn = (maxAttempts = 2) => {
  const h = overflowCenter({
    presence: "available",
    overflow: { rules: [], retry: { delayMs: 60_000, maxAttempts } },
  })
  h.run(request("cb"))
  return h
}

const placed = (h: CenterHarness, n: number) =>
  h.run({
    _tag: "RecordDelivery",
    messageId: `callback~cb~dial~${n}`,
    outcome: { _tag: "Sent", providerId: null },
  })

describe("issue 22: how a callback ended, in history", () => {
  it("C6 C8 served: connected and completed, by the rep who took it", () => {
    const h = offeredToAnn()
    accept(h, "ann")
    placed(h, 1)
    h.run(answered("cb~dial~1"))
    h.advance(90_000)
    h.run({ _tag: "CompleteWork", itemId: "cb", repId: "ann" })
    expect(recordOf(h, "cb")).toMatchObject({
      kind: "callback",
      outcome: "served",
      endReason: "served",
      repId: "ann",
      attempts: 0,
      endedAt: 90_000,
      handleMs: 90_000,
    })
  })

  it("B1 closed after its last failed attempt: unreachable, with the attempts, no rep and no answer", () => {
    const h = offeredToAnn(2)
    accept(h, "ann")
    placed(h, 1)
    h.advance(RING_TIMEOUT_MS)
    expect(recordOf(h, "cb")).toMatchObject({ outcome: "held", repId: null, answeredAt: null, attempts: 1 })
    h.advance(60_000)
    accept(h, "ann")
    placed(h, 2)
    h.run(failed("cb~dial~2", "busy"))
    expect(recordOf(h, "cb")).toMatchObject({
      kind: "callback",
      outcome: "unreachable",
      endReason: "unreachable",
      attempts: 2,
      repId: null,
      answeredAt: null,
      offers: 2,
      endedAt: RING_TIMEOUT_MS + 60_000,
    })
  })

  it("C8 never served: expired after 7 days, not left waiting", () => {
    const h = overflowCenter()
    h.run(request("cb"))
    expect(recordOf(h, "cb")).toMatchObject({ kind: "callback", outcome: "waiting" })
    h.advance(CALLBACK_LIFETIME_MS)
    expect(recordOf(h, "cb")).toMatchObject({
      outcome: "expired",
      endReason: "expired",
      endedAt: CALLBACK_LIFETIME_MS,
    })
  })

  it("C7 scheduled for a window: recorded as scheduled, waiting once the window opens", () => {
    const h = overflowCenter()
    h.run(request("cb", { window: { start: 3_600_000, end: 7_200_000 } }))
    expect(recordOf(h, "cb")).toMatchObject({ kind: "callback", outcome: "scheduled", arrivedAt: 0 })
    h.advance(3_600_000)
    expect(recordOf(h, "cb")).toMatchObject({ outcome: "waiting", arrivedAt: 3_600_000 })
    h.advance(3_600_000)
    expect(recordOf(h, "cb")).toMatchObject({ outcome: "expired", endReason: "window_ended" })
  })

  it("C8 completed without a connection: cancelled", () => {
    const h = offeredToAnn()
    accept(h, "ann")
    h.run({ _tag: "CompleteWork", itemId: "cb", repId: "ann" })
    expect(recordOf(h, "cb")).toMatchObject({
      kind: "callback",
      outcome: "cancelled",
      endReason: "cancelled",
    })
  })

  it("C4 B3 a waiting call that pressed 1 is a callback; one that joined a pending callback says which", () => {
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
    h.run(pressed("c1"))
    h.run(played("c1"))
    expect(recordOf(h, "c1")).toMatchObject({
      kind: "call",
      outcome: "joined",
      endReason: "joined",
      joinedInto: "cb1",
      endedAt: 30_000,
    })
    expect(recordOf(h, "cb1")).toMatchObject({ kind: "callback", outcome: "waiting" })
  })

  it("C1 a transferred call is in the queue it went to, and says where it came from", () => {
    const h = overflowCenter({ reps: ["ann", "bob"] })
    h.run({ _tag: "CreateQueue", queueId: "q2", name: "Q2", members: ["bob"] })
    h.run({
      _tag: "SetQueueOverflow",
      queueId: "q",
      rules: [
        {
          condition: { _tag: "OwnWaitAbove", ms: 60_000 },
          action: { _tag: "TransferToQueue", queueId: "q2" },
        },
      ],
    })
    h.run(inbound("c1"))
    h.advance(60_000)
    expect(recordOf(h, "c1")).toMatchObject({ queueId: "q2", transferredFrom: "q", outcome: "waiting" })
    expect(historyAnalytics(historyRecords(projectHistory(h.log))).map((a) => a.queueId)).toEqual(["q2"])
  })
})

describe("issue 22: a projector's batches give the history one pass gives", () => {
  it("N1 any split of the log into batches, each applied to the stored records it touches, gives the same records", () => {
    const h = offeredToAnn(3)
    accept(h, "ann")
    placed(h, 1)
    h.advance(RING_TIMEOUT_MS + 60_000)
    accept(h, "ann")
    placed(h, 2)
    h.run(answered("cb~dial~2"))
    h.run(inbound("c1"))
    h.run(inbound("c2"))
    h.run({ _tag: "CallEnded", callId: "c2", eventId: "e-c2" })
    h.run({ _tag: "CompleteWork", itemId: "cb", repId: "ann" })
    const whole = historyRecords(projectHistory(h.log))
    expect(whole.map((r) => r.outcome)).toEqual(["served", "ringing", "abandoned"])
    for (const size of [1, 2, 3, 7, 50]) {
      const table = new Map<string, HistoryRecord>()
      for (let i = 0; i < h.log.length; i += size) {
        const batch = h.log.slice(i, i + size)
        const touched = [...historyKeysOf(batch)].flatMap((id) => table.get(id) ?? [])
        for (const r of projectHistoryBatch(touched, batch)) table.set(r.itemId, r)
      }
      expect(
        [...table.values()].sort((a, b) => a.arrivedAt - b.arrivedAt || (a.itemId < b.itemId ? -1 : 1)),
      ).toEqual(whole)
    }
  })
})
