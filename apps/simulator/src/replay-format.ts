import type { ReplayedCall, ReplayResult } from "./replay"
import type { RecordedDay } from "./replay-day"
import type { QueueSummary } from "./stats"

/** How the replay's calls compare with the record, per queue. */
export interface CallComparison {
  readonly queueId: string
  readonly calls: number
  /** Calls with the same outcome and the same wait, to the millisecond. */
  readonly same: number
  /** Calls answered in both, and the mean absolute difference of their waits (ms; null: none). */
  readonly answeredInBoth: number
  readonly meanAbsWaitDiffMs: number | null
}

export const compareCalls = (day: RecordedDay, calls: readonly ReplayedCall[]): CallComparison[] => {
  const byQueue = new Map<string, { calls: number; same: number; both: number; diff: number }>()
  day.calls.forEach((recorded, i) => {
    const replayed = calls[i] as ReplayedCall
    const tally = byQueue.get(recorded.queueId) ?? { calls: 0, same: 0, both: 0, diff: 0 }
    byQueue.set(recorded.queueId, tally)
    tally.calls += 1
    if (replayed.outcome === recorded.outcome && replayed.waitMs === recorded.waitMs) tally.same += 1
    if (replayed.outcome === "answered" && recorded.outcome === "answered") {
      tally.both += 1
      tally.diff += Math.abs((replayed.waitMs as number) - (recorded.waitMs as number))
    }
  })
  return [...byQueue].map(([queueId, t]) => ({
    queueId,
    calls: t.calls,
    same: t.same,
    answeredInBoth: t.both,
    meanAbsWaitDiffMs: t.both === 0 ? null : t.diff / t.both,
  }))
}

const seconds = (ms: number | null) => (ms === null ? "-" : `${(ms / 1000).toFixed(1)} s`)
const percent = (share: number | null) => (share === null ? "-" : `${(share * 100).toFixed(1)}%`)

const row = (cells: readonly string[], widths: readonly number[]) =>
  `${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ")}\n`

const summaryCells = (source: string, q: QueueSummary): string[] => [
  String(q.offered),
  String(q.answered),
  String(q.abandoned),
  percent(q.pWait),
  seconds(q.asaMs),
  seconds(q.maxWaitMs),
  percent(q.serviceLevel),
  source === "replayed" && q.callbacksRequested !== null
    ? `${q.callbacksRequested}/${q.callbacksCompleted}`
    : "-",
]

/** The replay's report: per queue the day as recorded and as replayed, then how the calls compare. */
export const formatReplay = (source: string, day: RecordedDay, result: ReplayResult): string => {
  const sl = `SL ${(result.recorded[0]?.slThresholdMs ?? 20_000) / 1000} s`
  const head = [
    "queue",
    "",
    "offered",
    "answered",
    "abandoned",
    "P(wait)",
    "ASA",
    "max wait",
    sl,
    "callbacks asked/done",
  ]
  const names = result.replayed.map((q) => q.queueId)
  const widths = head.map((h, i) =>
    i === 0 ? Math.max(5, ...names.map((n) => n.length)) : Math.max(h.length, 9),
  )
  const patience =
    result.answeredPatience === "fitted"
      ? "fitted: the recorded wait plus an exponential residual with the day's censored mean"
      : "infinite: they never hang up"
  let out =
    `Lifeline replay (issue 17, P3): ${day.day} from ${source}, ${day.calls.length} calls` +
    `${day.skipped === 0 ? "" : ` (${day.skipped} scheduled callbacks left out)`}, staffing "${result.scenario}", seed ${result.seed}\n` +
    `callers who hung up keep their recorded patience; the others: ${patience}\n` +
    row(head, widths)
  const recorded = new Map(result.recorded.map((q) => [q.queueId, q]))
  for (const q of result.replayed) {
    const before = recorded.get(q.queueId)
    if (before === undefined || before.offered === 0) continue
    out += row([q.queueId, "recorded", ...summaryCells("recorded", before)], widths)
    out += row(["", "replayed", ...summaryCells("replayed", q)], widths)
  }
  for (const c of compareCalls(day, result.calls)) {
    const mean = result.meanPatienceMs[c.queueId] ?? null
    out +=
      `${c.queueId}: ${c.same} of ${c.calls} calls with the same outcome and wait; ` +
      `${c.answeredInBoth} answered in both, mean |wait difference| ${seconds(c.meanAbsWaitDiffMs)}; ` +
      `fitted mean patience ${mean === null ? "none (nobody hung up)" : seconds(mean)}\n`
  }
  return out
}

/** One line per call: the record and the replay side by side (`--calls`). */
export const callsCsv = (day: RecordedDay, calls: readonly ReplayedCall[]): string => {
  let out = "arrivedAt,queueId,recordedOutcome,recordedWaitMs,handleMs,replayedOutcome,replayedWaitMs\r\n"
  day.calls.forEach((c, i) => {
    const r = calls[i] as ReplayedCall
    out += `${new Date(c.arrivedAt).toISOString()},${c.queueId},${c.outcome},${c.waitMs ?? ""},${c.handleMs ?? ""},${r.outcome},${r.waitMs ?? ""}\r\n`
  })
  return out
}
