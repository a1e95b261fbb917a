import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { F } from "../analysis/metrics"
import { IntervalStats } from "../interval-stats"
import { measure } from "../measure"
import { mulberry32 } from "../random"
import { runSimulation } from "../run"
import type { Scenario } from "../scenario"
import { SIM_DAY } from "../scenario-setup"
import {
  INTERVAL_COLUMNS,
  type IntervalReportFile,
  reportCsv,
  singleRunTable,
  writeIntervalReport,
} from "./interval-table"

const DAY0 = SIM_DAY
const MIN = 60_000
const Q = 15 * MIN
const HOUR = 3_600_000

describe("issue 17 interval statistics (per queue and interval)", () => {
  it("SL, ASA and abandons by the interval the call arrived in", () => {
    const s = new IntervalStats(["a", "b"], DAY0, Q, 20_000)
    s.arrived("a", DAY0 + MIN)
    s.settled("a", DAY0 + MIN, 10_000, true)
    s.arrived("a", DAY0 + 2 * MIN)
    s.settled("a", DAY0 + 2 * MIN, 40_000, true)
    s.arrived("a", DAY0 + 14 * MIN)
    s.settled("a", DAY0 + 14 * MIN, 90_000, false) // abandoned in the next interval, counted in its arrival's
    s.arrived("b", DAY0 + 16 * MIN)
    s.settled("b", DAY0 + 16 * MIN, 0, true)
    s.finish(DAY0 + 30 * MIN)
    const rows = s.rows()
    expect(rows.map((r) => [r.queueId, r.offered, r.answered, r.answeredWithin, r.abandoned])).toEqual([
      ["a", 3, 2, 1, 1],
      ["a", 0, 0, 0, 0],
      ["b", 0, 0, 0, 0],
      ["b", 1, 1, 1, 0],
    ])
    expect(rows[0]?.serviceLevel).toBeCloseTo(1 / 3, 12)
    expect(rows[0]?.asaMs).toBe(25_000)
    expect(rows[1]?.serviceLevel).toBeNull()
  })

  it("the mean waiting is the time-weighted mean of the step function, checked second by second", () => {
    const random = mulberry32(17)
    const s = new IntervalStats(["q"], DAY0, Q, 20_000)
    const seconds = 3 * 15 * 60 // three intervals
    const level = new Array<number>(seconds).fill(0)
    let t = 0
    let current = 0
    while (t < seconds) {
      const next = Math.min(seconds, t + 1 + Math.floor(random() * 120))
      for (let i = t; i < next; i++) level[i] = current
      t = next
      if (t < seconds) {
        current = Math.floor(random() * 9)
        s.waiting("q", DAY0 + t * 1000, current)
      }
    }
    s.finish(DAY0 + seconds * 1000)
    const rows = s.rows()
    expect(rows).toHaveLength(3)
    for (const [i, row] of rows.entries()) {
      const slice = level.slice(i * 900, (i + 1) * 900)
      expect(row.meanWaiting).toBeCloseTo(slice.reduce((a, b) => a + b, 0) / 900, 9)
      expect(row.maxWaiting).toBe(Math.max(...slice))
    }
  })

  it("sampled once a minute, the mean waiting follows the true level within the sampling error", () => {
    const s = new IntervalStats(["q"], DAY0, Q, 20_000)
    // the true level: 4 from 00:00 to 00:07:30, 1 until 00:15, then 6; steps every 10 s
    const level = (t: number) => (t < 7.5 * MIN ? 4 : t < Q ? 1 : 6)
    let reads = 0
    for (let t = 0; t < 2 * Q; t += 10_000)
      s.sampleWaiting(DAY0 + t, () => {
        reads += 1
        return level(t)
      })
    s.finish(DAY0 + 2 * Q)
    expect(reads).toBe(30) // once a minute, not once a step
    const [first, second] = s.rows()
    expect(first?.meanWaiting).toBeCloseTo((7 * 4 + 1 * 4 + 7 * 1) / 15, 9) // the 07:00 sample still saw 4
    expect(second?.meanWaiting).toBe(6)
  })

  it("a talk's time is split over the intervals it spans; callbacks count where they happen", () => {
    const s = new IntervalStats(["q"], DAY0, Q, 20_000)
    s.talk("q", DAY0 + 10 * MIN, 40 * MIN) // 5 min, 15 min, 15 min, 5 min
    s.callbackRequested("q", DAY0 + 20 * MIN)
    s.callbackDone("q", DAY0 + 50 * MIN)
    s.finish(DAY0 + 60 * MIN)
    const table = singleRunTable({ name: "t", queues: [queue("q")], reps: [] }, s)
    const busy = s.rows().map((r) => (r.sums[F.busyMs] ?? 0) / MIN)
    expect(busy).toEqual([5, 15, 15, 5])
    expect(table.rows.map((r) => r.values.callbacksRequested?.estimate)).toEqual([0, 1, 0, 0])
    expect(table.rows.map((r) => r.values.callbacksDone?.estimate)).toEqual([0, 0, 0, 1])
  })
})

const queue = (queueId: string, overrides: Partial<Scenario["queues"][number]> = {}) => ({
  queueId,
  name: queueId,
  assignment: "most_idle" as const,
  meanInterArrivalMs: 60_000,
  meanHandleMs: 240_000,
  ...overrides,
})

/** Two queues, five reps; rep-5 serves both and works 09:00–11:00 with a break at 10:00. */
const scenario: Scenario = {
  name: "two queues",
  queues: [queue("billing", { meanPatienceMs: 120_000 }), queue("support", { meanInterArrivalMs: 120_000 })],
  reps: [
    { repId: "rep-1", queues: ["billing"] },
    { repId: "rep-2", queues: ["billing"] },
    { repId: "rep-3", queues: ["billing"] },
    { repId: "rep-4", queues: ["support"] },
    {
      repId: "rep-5",
      queues: ["billing", "support"],
      shift: { startMs: 9 * HOUR, endMs: 11 * HOUR },
      breaks: [{ atMs: 10 * HOUR, durationMs: 15 * MIN, presenceId: "away" }],
    },
  ],
  simulation: { startMs: 8 * HOUR, endMs: 12 * HOUR, slThresholdMs: 20_000, seed: 1 },
}

describe("issue 17 Build 3 the interval report", () => {
  it("one run: the intervals add up to the summary; SL and ASA as analysis/metrics.ts defines them; reps staffed from the schedule", () => {
    const summary = runSimulation({ seed: 4, scenario, intervalMs: Q })
    const stats = summary.intervals
    if (stats === undefined) throw new Error("no interval statistics")
    const table = singleRunTable(scenario, stats)
    expect(table.rows).toHaveLength(2 * 16)
    for (const q of summary.queues) {
      const mine = table.rows.filter((r) => r.queueId === q.queueId)
      const total = (id: string) => mine.reduce((n, r) => n + (r.values[id]?.estimate ?? 0), 0)
      expect([total("offered"), total("answered"), total("abandoned")]).toEqual([
        q.offered,
        q.answered,
        q.abandoned,
      ])
      // SL over the run from the intervals' sums equals the summary's (one definition).
      const raw = stats.rows().filter((r) => r.queueId === q.queueId)
      const within = raw.reduce((n, r) => n + r.answeredWithin, 0)
      expect(within / (q.answered + q.abandoned)).toBeCloseTo(q.serviceLevel ?? -1, 12)
      for (const r of mine) {
        const v = r.values
        if (v.serviceLevel?.estimate !== null && v.serviceLevel !== undefined) {
          const row = raw.find((x) => x.startAt === r.startAt)
          expect(v.serviceLevel.estimate).toBeCloseTo(
            (row?.answeredWithin ?? 0) / ((row?.answered ?? 0) + (row?.abandoned ?? 0)),
            12,
          )
          expect(v.asa?.estimate).toBeCloseTo((row?.asaMs ?? 0) / 1000, 9)
        }
        expect(v.serviceLevel?.halfWidth ?? null).toBeNull() // one run: no interval
      }
    }
    // reps staffed: billing 3 + rep-5's half (09:00–10:00, 10:15–11:00), support 1 + the other half
    const staffed = (queueId: string, hour: number, minute = 0) =>
      table.rows.find((r) => r.queueId === queueId && r.startAt === DAY0 + hour * HOUR + minute * MIN)?.values
        .repsStaffed?.estimate
    expect([
      staffed("billing", 8),
      staffed("billing", 9),
      staffed("billing", 10),
      staffed("billing", 10, 15),
    ]).toEqual([3, 3.5, 3, 3.5])
    expect([staffed("support", 8), staffed("support", 9, 45), staffed("support", 11)]).toEqual([1, 1.5, 1])
    // occupancy: talk time within the interval over staffed time, never above 1 for dedicated reps
    for (const r of table.rows.filter((x) => x.queueId === "support"))
      expect(r.values.occupancy?.estimate ?? 0).toBeLessThanOrEqual(1.5 + 1e-9)
  })

  it("with replications each figure carries its interval; the CSV and JSON say the same", () => {
    const report = measure({ scenario, seed: 2, replications: 6, confidence: 0.95, intervalMs: HOUR })
    const table = report.intervals
    if (table === undefined) throw new Error("no interval table")
    expect(table.replications).toBe(6)
    const busy = table.rows.filter((r) => r.queueId === "billing" && r.startAt < DAY0 + 12 * HOUR)
    expect(busy).toHaveLength(4)
    for (const r of busy) {
      const sl = r.values.serviceLevel
      expect(sl?.halfWidth).toBeGreaterThan(0)
      expect(r.values.offered?.halfWidth).toBeGreaterThan(0)
      expect(r.values.repsStaffed?.halfWidth).toBe(0) // the schedule is the same in every replication
    }
    // the whole day's offered calls, across replications, are the measured ones
    const offered = table.rows
      .filter((r) => r.queueId === "billing")
      .reduce((n, r) => n + (r.values.offered?.estimate ?? 0), 0)
    const billing = report.queues[0]
    expect(offered * 6).toBeGreaterThanOrEqual(billing?.settled ?? Number.POSITIVE_INFINITY)

    const dir = mkdtempSync(join(tmpdir(), "interval-report-"))
    try {
      const [csvPath, jsonPath] = writeIntervalReport(dir, table, 0.8)
      const csv = readFileSync(csvPath as string, "utf8")
        .trim()
        .split("\n")
      const header = csv[0]?.split(",") ?? []
      expect(header.slice(0, 5)).toEqual(["queue", "start", "end", "offered", "offered_hw"])
      for (const c of INTERVAL_COLUMNS) expect(header).toContain(c.csv)
      expect(header).toContain("service_level_hw")
      expect(csv).toHaveLength(table.rows.length + 1)
      const file = JSON.parse(readFileSync(jsonPath as string, "utf8")) as IntervalReportFile
      expect(file.slTarget).toBe(0.8)
      expect(file.rows).toHaveLength(table.rows.length)
      // every CSV cell is the JSON's value (10 significant digits)
      for (const [i, line] of csv.slice(1).entries()) {
        const cells = line.split(",")
        const row = file.rows[i]
        expect(cells[0]).toBe(row?.queue)
        for (const c of INTERVAL_COLUMNS) {
          const cell = cells[header.indexOf(c.csv)] ?? ""
          const value = row?.values[c.id]?.estimate ?? null
          if (value === null) expect(cell).toBe("")
          else expect(Number(cell)).toBeCloseTo(value, 6)
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("a queue id with a comma is quoted in the CSV", () => {
    const s = new IntervalStats(["a,b"], DAY0, Q, 20_000)
    s.arrived("a,b", DAY0)
    s.finish(DAY0 + Q)
    const csv = reportCsv(singleRunTable({ name: "t", queues: [queue("a,b")], reps: [] }, s))
    expect(csv.split("\n")[1]?.startsWith('"a,b",')).toBe(true)
  })
})
