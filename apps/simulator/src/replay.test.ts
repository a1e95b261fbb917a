import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type HistoryRecord, historyCsv } from "@lifeline/core/history"
import { describe, expect, it } from "vitest"
import { replayDay } from "./replay"
import { readDayFromCsv } from "./replay-csv"
import { dayWindow, fittedMeanPatienceMs, type RecordedCall, recordedDayOf } from "./replay-day"
import type { Scenario } from "./scenario"
import type { QueueSummary } from "./stats"

const DAY = "2025-03-10"
const { from } = dayWindow(DAY)
const MIN = 60_000
const AT_9 = from + 9 * 60 * MIN

const record = (itemId: string, fields: Partial<HistoryRecord>): HistoryRecord => ({
  itemId,
  queueId: "billing",
  workstreamId: null,
  priority: 0,
  from: null,
  to: null,
  arrivedAt: AT_9,
  outcome: "completed",
  repId: null,
  offers: 1,
  refusals: 0,
  answeredAt: null,
  endedAt: null,
  handleMs: null,
  kind: "call",
  endReason: null,
  attempts: 0,
  joinedInto: null,
  transferredFrom: null,
  direction: "inbound",
  disposition: null,
  ...fields,
})

/** One rep, FIFO: call 1 at 9:00 talks 5 min; call 2 at 9:01 waits 4 min, talks 3; call 3 at 9:02 hangs up after 2 min. */
const records = [
  record("a", { answeredAt: AT_9, endedAt: AT_9 + 5 * MIN, handleMs: 5 * MIN }),
  record("b", { arrivedAt: AT_9 + MIN, answeredAt: AT_9 + 5 * MIN, handleMs: 3 * MIN }),
  record("c", { arrivedAt: AT_9 + 2 * MIN, outcome: "abandoned", endedAt: AT_9 + 4 * MIN }),
  // Not arrivals of the day: the day before, and a C7 callback whose window has not opened.
  record("d", { arrivedAt: from - 1 }),
  record("e", { arrivedAt: AT_9, outcome: "scheduled", kind: "callback" }),
]

const scenario = (reps: number): Scenario => ({
  name: "billing desk",
  queues: [
    {
      queueId: "billing",
      name: "Billing",
      assignment: "most_idle",
      meanInterArrivalMs: 60_000,
      meanHandleMs: 240_000,
      // Ignored by a replay: the day's callers bring their own patience.
      meanPatienceMs: 1,
    },
  ],
  reps: Array.from({ length: reps }, (_, i) => ({ repId: `r${i + 1}`, queues: ["billing"] })),
})

describe("replay a real day (issue 17 Build 5, P3)", () => {
  const day = recordedDayOf(DAY, records)

  it("P3 takes the day's arrivals from history: queue, time, handle time, waits; skips other days and scheduled callbacks", () => {
    expect(day.calls).toEqual<RecordedCall[]>([
      { arrivedAt: AT_9, queueId: "billing", outcome: "answered", waitMs: 0, handleMs: 5 * MIN },
      { arrivedAt: AT_9 + MIN, queueId: "billing", outcome: "answered", waitMs: 4 * MIN, handleMs: 3 * MIN },
      {
        arrivedAt: AT_9 + 2 * MIN,
        queueId: "billing",
        outcome: "abandoned",
        waitMs: 2 * MIN,
        handleMs: null,
      },
    ])
    expect(day.skipped).toBe(1)
    // Censored exponential MLE: 6 min of waiting, one caller hung up.
    expect(fittedMeanPatienceMs(day.calls, "billing")).toBe(6 * MIN)
    expect(() => dayWindow("2025-02-30")).toThrow(/'2025-02-30' is not a date/)
  })

  it("P3 a rep's outbound call is no arrival of the day (issue 17)", () => {
    const day = recordedDayOf(DAY, [
      record("in", { handleMs: 5 * MIN }),
      record("out", { arrivedAt: AT_9 + MIN, direction: "outbound", handleMs: 2 * MIN }),
    ])
    expect(day.calls.map((c) => c.arrivedAt)).toEqual([AT_9])
    expect(day.skipped).toBe(1)
  })

  it("P3 the same staffing gives the same waits, call for call, and the same summary", () => {
    for (const answeredPatience of ["fitted", "infinite"] as const) {
      const result = replayDay(day, { scenario: scenario(1), seed: 7, answeredPatience })
      expect(result.calls).toEqual([
        { outcome: "answered", waitMs: 0 },
        { outcome: "answered", waitMs: 4 * MIN },
        { outcome: "abandoned", waitMs: 2 * MIN },
      ])
      // The EWT error is the replay's own: the record keeps no estimate to compare.
      const withoutEwt = ({ ewtMeanErrorMs: _e, ewtMeanAbsErrorMs: _a, ...rest }: QueueSummary) => rest
      expect(result.replayed.map(withoutEwt)).toEqual(result.recorded.map(withoutEwt))
    }
  })

  it("P3 another staffing: with two reps nobody waits and the caller who hung up is answered", () => {
    const result = replayDay(day, { scenario: scenario(2), seed: 7, answeredPatience: "fitted" })
    expect(result.calls.map((c) => c.outcome)).toEqual(["answered", "answered", "answered"])
    expect(result.calls[1]?.waitMs).toBe(0)
    expect(result.replayed[0]).toMatchObject({ offered: 3, answered: 3, abandoned: 0 })
  })

  it("P3 N3 a queue of the day missing from the scenario is refused by name", () => {
    const other = recordedDayOf(DAY, [record("x", { queueId: "sales" })])
    expect(() => replayDay(other, { scenario: scenario(1), seed: 1, answeredPatience: "fitted" })).toThrow(
      /queue 'sales' took calls on 2025-03-10 but is not in the scenario/,
    )
  })

  it("P3 the history's CSV export gives the same day as the store's records; a missing column is named", () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeline-replay-csv-"))
    try {
      const path = join(dir, "history.csv")
      // The export as GET /api/history/export.csv writes it (ISO times, RFC 4180).
      writeFileSync(path, historyCsv(records))
      expect(readDayFromCsv(path, DAY)).toEqual(day)
      writeFileSync(path, "itemId,queueId\r\na,billing\r\n")
      expect(() => readDayFromCsv(path, DAY)).toThrow(/has no column 'arrivedAt'/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
