import type { HistoryRecord } from "@lifeline/core/history"

/**
 * A real day's calls as the replay needs them (issue 17 Build 5, SPEC P3), taken from call
 * history: when each caller arrived and in which queue, how long the rep talked, and how long
 * the caller waited. An abandoned call's wait is its caller's patience; an answered call's wait
 * is only a lower bound of it (a censored patience).
 */
export interface RecordedCall {
  /** Epoch ms. */
  readonly arrivedAt: number
  /** The queue the call arrived in (before any C1 transfer). */
  readonly queueId: string
  readonly outcome: RecordedOutcome
  /** Arrival to the rep's acceptance (answered) or to the hang-up (abandoned); null otherwise. */
  readonly waitMs: number | null
  /** The rep's acceptance to the end of the work (a call's or its callback's), when it was completed; else null. */
  readonly handleMs: number | null
}

/**
 * How the call's wait ended in the record: a rep took it, the caller hung up, or neither (a
 * caller who pressed 1 for a callback, a call an overflow rule closed, a call not over yet).
 */
export type RecordedOutcome = "answered" | "abandoned" | "other"

export interface RecordedDay {
  /** The UTC date, YYYY-MM-DD. */
  readonly day: string
  /** Its midnight (epoch ms); the day is [from, from + 24 h). */
  readonly from: number
  /** In arrival order (ties in history's order: item id). */
  readonly calls: readonly RecordedCall[]
  /** Records of the day that are not arrivals (C7 callbacks whose window has not opened, outbound calls). */
  readonly skipped: number
}

const DAY_MS = 86_400_000

/** The UTC day `day` (YYYY-MM-DD) as [from, to) epoch ms; a RangeError naming it when it is no date. */
export const dayWindow = (day: string): { readonly from: number; readonly to: number } => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  const from =
    match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  if (!Number.isFinite(from) || new Date(from).toISOString().slice(0, 10) !== day)
    throw new RangeError(`'${day}' is not a date: YYYY-MM-DD, e.g. 2025-01-06`)
  return { from, to: from + DAY_MS }
}

const outcomeOf = (r: HistoryRecord): RecordedOutcome => {
  // A callback item's acceptance is the rep's, not the caller's: its caller had pressed 1 (C4).
  if (r.kind === "callback") return "other"
  if (r.answeredAt !== null) return "answered"
  return r.outcome === "abandoned" ? "abandoned" : "other"
}

const waitOf = (r: HistoryRecord, outcome: RecordedOutcome): number | null => {
  if (outcome === "answered") return (r.answeredAt as number) - r.arrivedAt
  if (outcome === "abandoned" && r.endedAt !== null) return r.endedAt - r.arrivedAt
  return null
}

/**
 * One history record as an arrival; undefined for a C7 callback still scheduled (nobody called
 * in) and for a rep's outbound call. A callback requested in the queue (C4) is kept: its caller
 * did call in that day.
 */
export const recordedCallOf = (r: HistoryRecord): RecordedCall | undefined => {
  // An outbound call (a rep's dial) is no arrival either.
  if (r.outcome === "scheduled" || r.direction === "outbound") return undefined
  const outcome = outcomeOf(r)
  return {
    arrivedAt: r.arrivedAt,
    queueId: r.transferredFrom ?? r.queueId,
    outcome,
    waitMs: waitOf(r, outcome),
    // A callback's talk is the same customer's business: kept even though the caller pressed 1.
    handleMs: r.handleMs,
  }
}

/** The day's calls from its history records (in history's order, as pages and exports give them). */
export const recordedDayOf = (day: string, records: Iterable<HistoryRecord>): RecordedDay => {
  const { from, to } = dayWindow(day)
  const calls: RecordedCall[] = []
  let skipped = 0
  for (const r of records) {
    if (r.arrivedAt < from || r.arrivedAt >= to) continue
    const call = recordedCallOf(r)
    if (call === undefined) skipped += 1
    else calls.push(call)
  }
  // History's order is arrival then item id already; a stable sort keeps that for any source.
  calls.sort((a, b) => a.arrivedAt - b.arrivedAt)
  return { day, from, calls, skipped }
}

/** The queues the day's calls arrived in, in order of first arrival. */
export const queuesOf = (day: RecordedDay): string[] => [...new Set(day.calls.map((c) => c.queueId))]

/**
 * The mean patience of a queue's callers by maximum likelihood for exponential patience with
 * censoring: the time callers spent waiting (every wait is time exposed to hanging up, answered
 * or not) over the callers who hung up. Undefined when nobody hung up (no evidence of impatience).
 */
export const fittedMeanPatienceMs = (calls: readonly RecordedCall[], queueId: string): number | undefined => {
  let exposedMs = 0
  let abandoned = 0
  for (const c of calls) {
    if (c.queueId !== queueId || c.waitMs === null) continue
    exposedMs += c.waitMs
    if (c.outcome === "abandoned") abandoned += 1
  }
  return abandoned === 0 ? undefined : exposedMs / abandoned
}
