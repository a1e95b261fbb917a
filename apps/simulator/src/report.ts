import type { Summary } from "./run"

const seconds = (ms: number | null) => (ms === null ? "-" : (ms / 1000).toFixed(1))

const row = (cells: readonly string[], widths: readonly number[]) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ")

/** The per-queue summary as plain text; depends on nothing but the summary, so runs compare byte for byte. */
export const formatSummary = (summary: Summary): string => {
  const header = ["queue", "offered", "answered", "ASA (s)", "max wait (s)"]
  const body = summary.queues.map((q) => [
    q.name,
    String(q.offered),
    String(q.answered),
    seconds(q.asaMs),
    seconds(q.maxWaitMs),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? "").length)))
  return [
    `Lifeline simulator: scenario "${summary.scenario}", seed ${summary.seed}, ${summary.hours} h of virtual time`,
    row(header, widths),
    ...body.map((cells) => row(cells, widths)),
    "",
  ].join("\n")
}
