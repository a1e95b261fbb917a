import type { BasePresence } from "@lifeline/core/routing"

/** R5 EWT for people: whole seconds as m:ss, or why there is no estimate. */
export const formatEwt = (ewtMs: number | null): string => {
  if (ewtMs === null) return "no staffed reps"
  const seconds = Math.round(ewtMs / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`
}

/** Column order and headings for the presence counts. */
export const PRESENCE_COLUMNS: readonly { readonly base: BasePresence; readonly label: string }[] = [
  { base: "available", label: "Available" },
  { base: "busy", label: "Busy" },
  { base: "busy_dnd", label: "Do not disturb" },
  { base: "away", label: "Away" },
  { base: "offline", label: "Offline" },
]

/** A share (0 to 1) as a whole percentage: "75%". */
export const formatShare = (share: number): string => `${Math.round(share * 100)}%`

/** A queue's service level as the breach check reads it. */
export interface ServiceLevelSeries {
  readonly queueId: string
  readonly name: string
  readonly target: { readonly share: number; readonly thresholdMs: number }
  readonly intervals: readonly { readonly start: number; readonly serviceLevel: number | null }[]
}

/** A queue below its target over the last interval in which some wait ended. */
export interface Breach {
  readonly queueId: string
  readonly name: string
  readonly serviceLevel: number
  readonly target: ServiceLevelSeries["target"]
}

/** The SL of the latest interval in which some wait ended; null before any. */
export const latestOf = (q: ServiceLevelSeries): number | null =>
  q.intervals.findLast((i) => i.serviceLevel !== null)?.serviceLevel ?? null

/** Issue 19: the queue's SL over its latest interval with a settled call, when below the target. */
export const breachOf = (q: ServiceLevelSeries): Breach | undefined => {
  const last = latestOf(q)
  return last === null || last >= q.target.share
    ? undefined
    : { queueId: q.queueId, name: q.name, serviceLevel: last, target: q.target }
}

/**
 * The breaches now, keeping the object of a breach that was already on (one alert per breach:
 * a queue that stays below keeps its alert as it was, and is not announced again).
 */
export const carryBreaches = (before: readonly Breach[], queues: readonly ServiceLevelSeries[]): Breach[] => {
  const known = new Map(before.map((b) => [b.queueId, b]))
  return queues.flatMap((q) => {
    const breach = breachOf(q)
    return breach === undefined ? [] : [known.get(q.queueId) ?? breach]
  })
}

/** What a rep is working on, in words: "Call · Billing", "Ringing: Callback · Sales". */
export const workWords = (w: {
  readonly kind: "call" | "callback"
  readonly queueName: string
  readonly status: "ringing" | "assigned"
}): string =>
  `${w.status === "ringing" ? "Ringing: " : ""}${w.kind === "call" ? "Call" : "Callback"} · ${w.queueName}`
