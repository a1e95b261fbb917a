import type { Summary } from "./run"

const seconds = (ms: number | null) => (ms === null ? "-" : (ms / 1000).toFixed(1))
const percent = (p: number | null) => (p === null ? "-" : `${(100 * p).toFixed(1)}%`)

const row = (cells: readonly string[], widths: readonly number[]) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ")

/** The per-queue summary as plain text; depends on nothing but the summary, so runs compare byte for byte. */
export const formatSummary = (summary: Summary): string => {
  const threshold = summary.queues[0]?.slThresholdMs ?? 0
  const callbacks = summary.queues.some((q) => q.callbacksRequested !== null)
  const header = ["queue", "offered", "answered", "abandoned", "P(wait)", "ASA (s)", "max wait (s)"]
  header.push(`SL ${seconds(threshold)} s`, "EWT bias (s)", "EWT MAE (s)")
  if (callbacks) header.push("callbacks asked", "callbacks done")
  const body = summary.queues.map((q) => [
    q.name,
    String(q.offered),
    String(q.answered),
    String(q.abandoned),
    percent(q.pWait),
    seconds(q.asaMs),
    seconds(q.maxWaitMs),
    percent(q.serviceLevel),
    seconds(q.ewtMeanErrorMs),
    seconds(q.ewtMeanAbsErrorMs),
    ...(callbacks ? [String(q.callbacksRequested ?? "-"), String(q.callbacksCompleted ?? "-")] : []),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? "").length)))
  return [
    `Lifeline simulator: scenario "${summary.scenario}", seed ${summary.seed}, ${summary.hours} h of virtual time`,
    row(header, widths),
    ...body.map((cells) => row(cells, widths)),
    `SL = answered within ${seconds(threshold)} s / (answered + abandoned); P(wait) over the same calls; ASA over answered calls.`,
    "EWT bias / MAE: the core's EWT (R5) at arrival minus the actual wait, mean and mean absolute, over answered calls.",
    ...(callbacks
      ? [
          "Callbacks asked: callers who pressed 1 or were sent to a callback (C3, C4), settled apart from answered and abandoned; done: served by a rep.",
        ]
      : []),
    ...(summary.emergency === undefined
      ? []
      : [
          `Emergency calls (E1, E4): ${summary.emergency.dialled} dialled by reps, ${summary.emergency.skipped} with nobody on shift to dial, ${summary.emergency.repMinutes.toFixed(1)} rep-minutes in them.`,
        ]),
    "",
  ].join("\n")
}
