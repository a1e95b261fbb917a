import type { Scenario, ScenarioRep } from "../scenario"
import { presenceAt, SIM_DAY } from "../scenario-setup"

/**
 * One rep's time on shift and not on a break in [from, to) (ms since the epoch), per voice unit:
 * the staffed time of occupancy (analysis/metrics.ts) and the interval report's reps staffed.
 */
export const staffedMs = (rep: ScenarioRep, from: number, to: number): number => {
  const capacity = rep.capacity ?? 1
  if (rep.shift === undefined && rep.breaks === undefined) return capacity * (to - from)
  // Presence changes only at the schedule's clock times: step over them day by day.
  const DAY = 86_400_000
  const points = new Set<number>([from, to])
  for (let d = Math.floor((from - SIM_DAY) / DAY) - 1; d <= Math.floor((to - SIM_DAY) / DAY); d++) {
    const base = SIM_DAY + d * DAY
    const edges = [rep.shift?.startMs ?? 0, rep.shift?.endMs ?? DAY]
    for (const b of rep.breaks ?? []) edges.push(b.atMs, b.atMs + b.durationMs)
    for (const e of edges) if (base + e > from && base + e < to) points.add(base + e)
  }
  const sorted = [...points].sort((a, b) => a - b)
  let total = 0
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as number
    if (presenceAt(rep, a - SIM_DAY) === "available") total += (sorted[i] as number) - a
  }
  return capacity * total
}

/**
 * Each queue's staffed rep time in [from, to), in the scenario's queue order: a rep who serves k
 * queues counts 1/k of their time in each (exact for dedicated reps, an allocation for shared ones).
 */
export const staffedByQueue = (scenario: Scenario, from: number, to: number): Float64Array => {
  const index = new Map(scenario.queues.map((q, i) => [q.queueId, i]))
  const byQueue = new Float64Array(scenario.queues.length)
  for (const rep of scenario.reps) {
    const qs = rep.queues.map((id) => index.get(id)).filter((i): i is number => i !== undefined)
    if (qs.length === 0) continue
    const share = staffedMs(rep, from, to) / qs.length
    for (const q of qs) byQueue[q] = (byQueue[q] as number) + share
  }
  return byQueue
}
