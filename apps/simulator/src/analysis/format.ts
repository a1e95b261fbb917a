import type { Scenario } from "../scenario"
import type { CaseResult } from "./validate"
import type { StaffingCheck, ThresholdRun, WhatIfInput } from "./whatif"

const fixed = (x: number) => (Math.abs(x) >= 10 ? x.toFixed(2) : x.toFixed(4))
const UNITS = { pWait: "", pAbandon: "", asa: " s", meanWait: " s", serviceLevel: "", occupancy: "" } as const

/** Whether the case meets the 1% target, and whether 1% is within what this many arrivals can resolve. */
const verdict = (r: CaseResult): string => {
  const resolved = r.checks.every((c) => c.relativeHalfWidth < 0.01)
  const within = r.checks.every((c) => c.withinOnePercent)
  const inside = r.checks.every((c) => c.analyticInsideCi)
  return [
    `  => ${within ? "every metric within 1%" : "NOT every metric within 1%"}; analytic ${inside ? "inside every CI" : "NOT inside every CI"};`,
    resolved
      ? "every CI narrower than ±1%, so the 1% check is meaningful"
      : "some CI wider than ±1%: this many arrivals cannot resolve 1% here",
  ].join(" ")
}

/** The validate report: simulated ± 95 % CI vs analytic per metric. */
export const formatValidation = (results: readonly CaseResult[]): string =>
  [
    "Lifeline simulator validation (SPEC B7, issue 17): batch means (count chosen from the run) after 10% warm-up, 95% CI",
    "Metrics as defined in docs/simulator.md: ASA over answered calls, mean wait over all settled callers, SL = answered within T / (answered + abandoned)",
    ...results.flatMap((r) => [
      `${r.name}: ${r.arrivals} arrivals in ${r.seconds.toFixed(1)} s (${Math.round(r.arrivals / r.seconds)} arrivals/s), ${r.batches} batches${r.correlated ? " (still correlated: run longer)" : ""}`,
      ...r.checks.map((c) =>
        [
          `  ${c.metric.padEnd(12)}`,
          `sim ${fixed(c.simulated.estimate)} ± ${fixed(c.simulated.halfWidth)}${UNITS[c.metric]}`.padEnd(30),
          `analytic ${fixed(c.analytic)}${UNITS[c.metric]}`.padEnd(22),
          `rel. err ${(100 * c.relativeError).toFixed(2)}%`.padEnd(17),
          `(CI ±${(100 * c.relativeHalfWidth).toFixed(2)}%)`.padEnd(14),
          c.withinOnePercent ? "within 1%" : "NOT within 1%",
          c.analyticInsideCi ? "analytic inside CI" : "analytic OUTSIDE CI",
        ].join(" "),
      ),
      verdict(r),
    ]),
    "",
  ].join("\n")

const pct = (x: number | null) => (x === null ? "-" : `${(100 * x).toFixed(1)}%`)

export const formatWhatIf = (input: WhatIfInput, checks: readonly StaffingCheck[], hours: number): string => {
  const model =
    input.patienceSeconds === undefined ? "Erlang C" : `Erlang A, patience ${input.patienceSeconds} s`
  const found = checks[checks.length - 1]
  return [
    `What-if (B7): ${input.callsPerHour} calls/h, AHT ${input.ahtSeconds} s, ${model}; target ${pct(input.target)} answered within ${input.thresholdSeconds} s`,
    ...checks.map(
      (c) =>
        `  ${String(c.agents).padStart(4)} reps: analytic SL ${pct(c.analytic)}, simulated SL ${pct(c.simulated)} (${hours} h)` +
        `  ${c.analytic >= input.target ? "meets" : "misses"} target`,
    ),
    `Smallest staffing meeting the target: ${found?.agents ?? "-"} reps`,
    "",
  ].join("\n")
}

const secs = (ms: number | null) => (ms === null ? "-" : (ms / 1000).toFixed(1))

/** The threshold comparison: one line per threshold and queue with callbacks and waits (B7). */
export const formatThresholds = (
  scenario: Scenario,
  runs: readonly ThresholdRun[],
  seed: number,
  unit: "s" | "calls",
): string => {
  const header = [
    "threshold",
    "queue",
    "offered",
    "answered",
    "abandoned",
    "callbacks asked",
    "callbacks done",
  ]
  header.push("ASA (s)", "max wait (s)", "SL")
  const body = runs.flatMap((r) =>
    r.queues.map((q) => [
      unit === "s" ? `${r.threshold / 1000} s` : `${r.threshold} waiting`,
      q.name,
      String(q.offered),
      String(q.answered),
      String(q.abandoned),
      String(q.callbacksRequested ?? "-"),
      String(q.callbacksCompleted ?? "-"),
      secs(q.asaMs),
      secs(q.maxWaitMs),
      pct(q.serviceLevel),
    ]),
  )
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? "").length)))
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")
  return [
    `What-if (B7): "${scenario.name}", seed ${seed}, the callback-offer threshold of each queue with a direct-callback rule (C1)`,
    line(header),
    ...body.map(line),
    "Same seed for every threshold; callbacks asked are settled apart from answered and abandoned (SL over answered + abandoned).",
    "",
  ].join("\n")
}
