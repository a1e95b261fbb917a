import { type Confidence, ratioInterval } from "../analysis/statistics"
import type { Scenario } from "../scenario"

/**
 * Scenario realism (issue 17 Build 7): what the reps, the PSAP and the scheduled callbacks did in
 * a run. Each part is present only when the scenario asks for that behaviour, so a scenario
 * without it reports exactly what it reported before.
 */

/** R4: offers made to reps who may decline or let them ring, and what became of them. */
export interface OfferTally {
  made: number
  declined: number
  /** Let ring until the core's offer expiry (30 s); the item is offered again. */
  expired: number
  /** Items the core stopped offering after too many declines and expiries (R4 decline limit). */
  escalated: number
}

/** E6/B5: emergency calls that dropped and the PSAP's calls back on the leased number. */
export interface PsapTally {
  dropped: number
  /** PSAP calls to the callback number. */
  called: number
  /** Put through to the rep who dialled (E6: through DND), or to a fallback rep (B5). */
  toRep: number
  toFallback: number
  /** No rep could take it (B5: every fallback tried). */
  unanswered: number
}

/** C7: callbacks scheduled through the API with a contact window. */
export interface ScheduledTally {
  requested: number
  /** Dial attempts made inside the callback's window, and outside it (none expected). */
  dialledInWindow: number
  dialledOutsideWindow: number
  served: number
  /** Closed unserved: the window ended (or C8's 7 days passed). */
  expired: number
  /** Closed after the retries ran out (B1). */
  unreachable: number
}

export interface RealismTally {
  readonly offers?: OfferTally
  readonly psap?: PsapTally
  readonly scheduled?: ScheduledTally
}

const zeroOffers = (): OfferTally => ({ made: 0, declined: 0, expired: 0, escalated: 0 })
const zeroPsap = (): PsapTally => ({ dropped: 0, called: 0, toRep: 0, toFallback: 0, unanswered: 0 })
const zeroScheduled = (): ScheduledTally => ({
  requested: 0,
  dialledInWindow: 0,
  dialledOutsideWindow: 0,
  served: 0,
  expired: 0,
  unreachable: 0,
})

/** The empty tally of the behaviours `scenario` has; undefined when it has none. */
export const realismOf = (scenario: Scenario): RealismTally | undefined => {
  const offers = scenario.reps.some((r) => r.offers !== undefined)
  const psap = scenario.emergency?.dropProbability !== undefined
  const scheduled = scenario.queues.some((q) => q.scheduledCallbacks !== undefined)
  if (!offers && !psap && !scheduled) return undefined
  return {
    ...(offers ? { offers: zeroOffers() } : {}),
    ...(psap ? { psap: zeroPsap() } : {}),
    ...(scheduled ? { scheduled: zeroScheduled() } : {}),
  }
}

/** Counts summed field by field (the components of a run, the replications of a measurement). */
const sumInto = <T extends object>(into: T, add: T): T => {
  const out = { ...into } as Record<string, number>
  for (const [k, v] of Object.entries(add)) out[k] = (out[k] ?? 0) + (v as number)
  return out as T
}

export const mergeRealism = (parts: readonly (RealismTally | undefined)[]): RealismTally | undefined => {
  const present = parts.filter((p): p is RealismTally => p !== undefined)
  if (present.length === 0) return undefined
  const merge = <K extends keyof RealismTally>(key: K) => {
    const values = present.map((p) => p[key]).filter((v) => v !== undefined)
    const [first, ...rest] = values
    return first === undefined ? {} : { [key]: rest.reduce((a, b) => sumInto(a, b), first) }
  }
  return { ...merge("offers"), ...merge("psap"), ...merge("scheduled") }
}

/** The counts of a tally by name ("offers.declined", …), for intervals across replications. */
export const realismCounts = (tally: RealismTally): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const [group, counts] of Object.entries(tally))
    for (const [name, n] of Object.entries(counts as Record<string, number>)) out[`${group}.${name}`] = n
  return out
}

const share = (n: number, of: number) => (of === 0 ? "-" : `${((100 * n) / of).toFixed(1)}%`)

/** The summary's lines for a tally: one per behaviour the scenario has. */
export const formatRealism = (tally: RealismTally | undefined): string[] => {
  if (tally === undefined) return []
  const lines: string[] = []
  const { offers, psap, scheduled } = tally
  if (offers !== undefined)
    lines.push(
      `Offers (R4) to reps who may decline or let ring: ${offers.made} made, ${offers.declined} declined (${share(offers.declined, offers.made)}), ${offers.expired} expired unanswered (${share(offers.expired, offers.made)}) and offered again, ${offers.escalated} items escalated at the decline limit.`,
    )
  if (psap !== undefined)
    lines.push(
      `Emergency calls that dropped (E6): ${psap.dropped}; PSAP callbacks on the leased number: ${psap.called}, ${psap.toRep} put through to the rep (DND bypassed), ${psap.toFallback} to a fallback rep (B5), ${psap.unanswered} unanswered.`,
    )
  if (scheduled !== undefined)
    lines.push(
      `Scheduled callbacks (C7): ${scheduled.requested} requested, dialled ${scheduled.dialledInWindow} times inside their window and ${scheduled.dialledOutsideWindow} outside, ${scheduled.served} served, ${scheduled.expired} expired unserved, ${scheduled.unreachable} unreachable.`,
    )
  return lines
}

/** A figure of the realism report with its interval (null half-width: one run, no interval). */
export interface RealismFigure {
  readonly estimate: number | null
  readonly halfWidth: number | null
}

/** Shares worth reading beside the counts: id, label, numerator and denominator counts. */
export const REALISM_SHARES: readonly {
  readonly id: string
  readonly label: string
  readonly numerator: string
  readonly denominator: string
}[] = [
  {
    id: "offersDeclined",
    label: "offers declined / made",
    numerator: "offers.declined",
    denominator: "offers.made",
  },
  {
    id: "offersExpired",
    label: "offers expired / made",
    numerator: "offers.expired",
    denominator: "offers.made",
  },
  {
    id: "psapToRep",
    label: "PSAP callbacks put through to the rep / received",
    numerator: "psap.toRep",
    denominator: "psap.called",
  },
  {
    id: "scheduledServed",
    label: "scheduled callbacks served / requested",
    numerator: "scheduled.served",
    denominator: "scheduled.requested",
  },
]

/**
 * The realism counts across independent replications: each count's mean per run, and the
 * shares above as ratio estimates, each with its interval (analysis/statistics.ts, one
 * observation per replication, as every other metric). One run (batch means): its counts, no interval.
 */
export const realismIntervals = (
  tallies: readonly RealismTally[],
  confidence: Confidence,
): { readonly perRun: Record<string, RealismFigure>; readonly shares: Record<string, RealismFigure> } => {
  const counts = tallies.map(realismCounts)
  const names = Object.keys(counts[0] ?? {})
  const column = (name: string) => counts.map((c) => c[name] ?? 0)
  const figure = (ys: number[], xs: number[]): RealismFigure => {
    const interval = ratioInterval(ys, xs, confidence)
    if (interval === null) return { estimate: null, halfWidth: null }
    return { estimate: interval.estimate, halfWidth: tallies.length < 2 ? null : interval.halfWidth }
  }
  const ones = tallies.map(() => 1)
  const perRun = Object.fromEntries(names.map((n) => [n, figure(column(n), ones)]))
  const shares = Object.fromEntries(
    REALISM_SHARES.filter((s) => names.includes(s.numerator) && names.includes(s.denominator)).map((s) => [
      s.id,
      figure(column(s.numerator), column(s.denominator)),
    ]),
  )
  return { perRun, shares }
}
