/**
 * The simulator's queue metrics, defined once (SPEC B7, issue 17 Build 2). Every figure the
 * simulator reports (the `run` summary, interval reports, `validate`, `coverage`) is one of these
 * ratios of sums, computed by `ratioOf` from sums that `addOutcome` / `addTalk` keep. Which calls
 * count:
 *
 * - a call is **settled** when it was answered (a rep accepted it) or abandoned (the caller hung up
 *   while waiting). Callers who asked for a callback (C3, C4) and calls an overflow rule closed (C1
 *   voicemail, end call) are settled apart and are in no metric below; calls still waiting when a
 *   run ends are in none either;
 * - **wait** is arrival to the rep's acceptance (answered) or to the hang-up (abandoned).
 */

/** The sums kept per queue (and per batch): counts, and waits and rep times in ms. */
export const FIELDS = [
  "settled",
  "answered",
  "abandoned",
  "waited",
  "answeredWithinT",
  "waitAnsweredMs",
  "waitAllMs",
  "busyMs",
  "staffedMs",
] as const
export type Field = (typeof FIELDS)[number]
export const FIELD_COUNT = FIELDS.length
/** Each field's offset in a queue's block of sums. */
export const F: { readonly [K in Field]: number } = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as {
  readonly [K in Field]: number
}

export const METRIC_IDS = ["pWait", "asa", "meanWait", "serviceLevel", "pAbandon", "occupancy"] as const
export type MetricId = (typeof METRIC_IDS)[number]

export interface MetricDefinition {
  readonly id: MetricId
  readonly label: string
  readonly numerator: Field
  readonly denominator: Field
  /** A share (printed as %) or a time (kept in ms, printed in seconds). */
  readonly kind: "share" | "time"
  readonly definition: string
}

/** The definitions, in report order; docs/simulator.md quotes them. */
export const METRICS: readonly MetricDefinition[] = [
  {
    id: "pWait",
    label: "P(wait)",
    numerator: "waited",
    denominator: "settled",
    kind: "share",
    definition: "settled calls that did not reach a rep the moment they arrived (wait > 0) / settled calls",
  },
  {
    id: "asa",
    label: "ASA",
    numerator: "waitAnsweredMs",
    denominator: "answered",
    kind: "time",
    definition: "mean wait of answered calls (arrival to the rep's acceptance)",
  },
  {
    id: "meanWait",
    label: "mean wait",
    numerator: "waitAllMs",
    denominator: "settled",
    kind: "time",
    definition:
      "mean wait of all settled callers, answered and abandoned (Erlang A's E[W]; = ASA when nobody abandons)",
  },
  {
    id: "serviceLevel",
    label: "SL",
    numerator: "answeredWithinT",
    denominator: "settled",
    kind: "share",
    definition:
      "answered within T / (answered + abandoned): every abandoned call counts against, also one that hung up before T (P(answered within T) of Erlang A)",
  },
  {
    id: "pAbandon",
    label: "P(abandon)",
    numerator: "abandoned",
    denominator: "settled",
    kind: "share",
    definition: "abandoned / settled calls",
  },
  {
    id: "occupancy",
    label: "occupancy",
    numerator: "busyMs",
    denominator: "staffedMs",
    kind: "share",
    definition:
      "talk time of the queue's calls / staffed rep time (rep-time on shift and not on a break, per voice unit; a rep serving k queues counts 1/k in each)",
  },
]

export const metric = (id: MetricId): MetricDefinition => METRICS.find((m) => m.id === id) as MetricDefinition

/** A metric's value from sums (a queue's block at `offset`); null when its denominator is 0. */
export const ratioOf = (sums: ArrayLike<number>, offset: number, m: MetricDefinition): number | null => {
  const den = sums[offset + F[m.denominator]] as number
  return den === 0 ? null : (sums[offset + F[m.numerator]] as number) / den
}

/** One settled call into a queue's sums: the single place a call's outcome is classified. */
export const addOutcome = (
  sums: Float64Array,
  offset: number,
  waitMs: number,
  answered: boolean,
  thresholdMs: number,
): void => {
  add(sums, offset + F.settled, 1)
  add(sums, offset + F.waitAllMs, waitMs)
  if (waitMs > 0) add(sums, offset + F.waited, 1)
  if (answered) {
    add(sums, offset + F.answered, 1)
    add(sums, offset + F.waitAnsweredMs, waitMs)
    if (waitMs <= thresholdMs) add(sums, offset + F.answeredWithinT, 1)
  } else add(sums, offset + F.abandoned, 1)
}

export const add = (sums: Float64Array, index: number, value: number): void => {
  sums[index] = (sums[index] as number) + value
}
