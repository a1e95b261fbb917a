import { describe, expect, it } from "vitest"
import type { CenterEvent } from "../center/events"
import { CALLBACK_LEASE_MS } from "../emergency/callback-lease"
import {
  busyWithCall,
  dial,
  emergencyCenter,
  end,
  inbound,
  leasedNumber,
  ORDINARY_LINE,
  OVERFLOW_NUMBER,
  POOL,
  PSAP_NUMBER,
} from "../emergency/test-kit"
import { historyAnalytics } from "./analytics"
import { historyCsv } from "./export"
import {
  applyToHistory,
  emptyHistory,
  type HistorySource,
  historyRecords,
  projectHistory,
} from "./projection"
import type { HistoryRecord } from "./record"

/** A day with ordinary calls around every kind of emergency traffic. */
const mixedDay = () => {
  const h = emergencyCenter()
  busyWithCall(h, "call-1", "ann")
  h.advance(60_000)
  h.run({ _tag: "CompleteWork", itemId: "call-1", repId: "ann" })
  h.run(dial("ann", "911"))
  const number = leasedNumber(h)
  h.run(inbound("psap-1", number))
  h.run({ _tag: "CallEnded", callId: "psap-1", eventId: "e-psap-1" })
  h.run(inbound("call-2", ORDINARY_LINE))
  h.run({ _tag: "CallEnded", callId: "call-2", eventId: "e-call-2" })
  h.run(end())
  h.run(dial("bob", "933"))
  h.run(end("bob"))
  h.run(dial("ann", "112", "FR"))
  h.run(inbound("psap-2", OVERFLOW_NUMBER))
  h.run({ _tag: "CallFailed", callId: "psap-2", eventId: "e-psap-2", reason: "busy" })
  h.advance(CALLBACK_LEASE_MS)
  h.run(inbound("psap-3", number))
  return h
}

describe("E8 call history cannot hold an emergency call", () => {
  it("E8 neither emergency calls nor PSAP callbacks appear in history, analytics or exports", () => {
    const h = mixedDay()
    const history = projectHistory(h.log)
    const records = historyRecords(history)
    expect(records.map((r) => r.itemId)).toEqual(["call-1", "call-2"])
    const everything = [
      JSON.stringify(records),
      JSON.stringify(historyAnalytics(records)),
      historyCsv(records),
    ].join("\n")
    for (const secret of ["psap-", "emergency-", "lease-", POOL[0], OVERFLOW_NUMBER, PSAP_NUMBER]) {
      expect(everything).not.toContain(secret)
    }
    // The dialled numbers, as numbers of their own (not digits inside a timestamp).
    expect(everything).not.toMatch(/(?<!\d)(911|933|112)(?!\d)/)
  })

  it("E8 the projection reads work-item events only (routing, customer callbacks): fed every event of the stream one by one, it holds the same", () => {
    const h = mixedDay()
    const history = emptyHistory()
    for (const event of h.log) applyToHistory(history, event)
    expect(historyRecords(history)).toEqual(historyRecords(projectHistory(h.log)))
    const emergencyEvents = h.log.filter((e) => /Emergency|Psap|Callback/.test(e._tag))
    expect(emergencyEvents.length).toBeGreaterThan(10)
    const fromEmergencyOnly = projectHistory(emergencyEvents)
    expect(historyRecords(fromEmergencyOnly)).toEqual([])
  })

  it("E8 by type: an emergency event is not a history source, and a record has no field for one", () => {
    const dialled = mixedDay().eventsOf("EmergencyDialled")[0] as CenterEvent
    // @ts-expect-error an emergency event is not something history is built from
    const source: HistorySource = dialled
    expect(source._tag).toBe("EmergencyDialled")
    const record: HistoryRecord = historyRecords(projectHistory(mixedDay().log))[0] as HistoryRecord
    // @ts-expect-error a history record has no place for a dialled emergency number
    expect(record.dialledNumber).toBeUndefined()
  })
})

describe("E8 call history of ordinary calls", () => {
  it("E8 a record follows its call: answered by whom, when, for how long; a hang-up while waiting is abandoned", () => {
    const [completed, abandoned] = historyRecords(projectHistory(mixedDay().log))
    expect(completed).toMatchObject({
      itemId: "call-1",
      queueId: "q",
      workstreamId: "ws",
      to: ORDINARY_LINE,
      outcome: "completed",
      repId: "ann",
      offers: 1,
      handleMs: 60_000,
    })
    expect(abandoned).toMatchObject({ itemId: "call-2", outcome: "abandoned", repId: null })
  })

  it("E8 analytics per queue are computed from history records", () => {
    const records = historyRecords(projectHistory(mixedDay().log))
    expect(historyAnalytics(records)).toEqual([
      {
        queueId: "q",
        calls: 2,
        answered: 1,
        completed: 1,
        abandoned: 1,
        escalated: 0,
        averageWaitMs: 0,
        averageHandleMs: 60_000,
        callbacks: 0,
        outcomes: { completed: 1, abandoned: 1 },
      },
    ])
    expect(historyAnalytics(records, { from: 0, to: 1 })).toEqual([])
  })

  it("E8 the export is CSV with quoting, ISO times, and no formula a spreadsheet would run", () => {
    const record: HistoryRecord = {
      itemId: 'x,"y"',
      queueId: "=cmd()",
      workstreamId: null,
      priority: 0,
      from: "+15551230000",
      to: "@sum",
      arrivedAt: Date.UTC(2026, 0, 5, 14),
      outcome: "waiting",
      repId: null,
      offers: 0,
      refusals: 0,
      answeredAt: null,
      endedAt: null,
      handleMs: null,
      kind: "call",
      endReason: "-1+2",
      attempts: 0,
      joinedInto: null,
      transferredFrom: null,
      direction: "inbound",
      disposition: null,
    }
    const [header, row] = historyCsv([record]).split("\r\n")
    expect(header).toBe(
      "itemId,queueId,workstreamId,priority,from,to,arrivedAt,outcome,repId,offers,refusals,answeredAt,endedAt,handleMs," +
        "kind,endReason,attempts,joinedInto,transferredFrom,direction,disposition",
    )
    expect(row).toBe(
      `"x,""y""",'=cmd(),,0,+15551230000,'@sum,2026-01-05T14:00:00.000Z,waiting,,0,0,,,,call,'-1+2,0,,,inbound,`,
    )
  })
})
