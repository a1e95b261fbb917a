import { Option } from "effect"
import { Flag } from "effect/cli"
import type { Confidence } from "../analysis/statistics"
import type { CoreKind } from "../run"

/**
 * The command line's options, each checked where it is parsed (issue 17 Build 6): a bad value is
 * refused by the CLI module with the flag's name (`Invalid value for flag --hours: …`), and exit 2.
 */

const finite = (name: string) => Flag.Finite(name)

/** A number > 0 (and below `max`). */
export const positiveFlag = (name: string, max = Number.POSITIVE_INFINITY) =>
  finite(name).pipe(
    Flag.filter(
      (n) => n > 0 && n <= max,
      (n) => `${n} must be more than 0${max === Number.POSITIVE_INFINITY ? "" : ` and at most ${max}`}`,
    ),
  )

export const positiveIntegerFlag = (name: string, min = 1) =>
  Flag.Int(name).pipe(
    Flag.filter(
      (n) => n >= min,
      (n) => `${n} must be a whole number >= ${min}`,
    ),
  )

export const seedFlag = Flag.Int("seed").pipe(
  Flag.filter(
    (n) => n >= 0 && n <= 0xffffffff,
    (n) => `${n} must be an integer from 0 to 4294967295`,
  ),
  Flag.withDescription("PRNG seed, an integer from 0 to 4294967295 (default: the scenario file's, else 1)"),
  Flag.optional,
)

/** Virtual hours: anything a scenario file's `simulation.hours` accepts (a number > 0). */
export const hoursFlag = (what: string) =>
  positiveFlag("hours").pipe(
    Flag.withDescription(`virtual hours to simulate, more than 0 (${what})`),
    Flag.optional,
  )

export const coreFlag = <const K extends readonly CoreKind[]>(kinds: K, description: string) =>
  Flag.Literals("core", kinds).pipe(Flag.withDescription(description), Flag.optional)

export const workersFlag = (description: string) =>
  positiveIntegerFlag("workers").pipe(Flag.withDescription(description), Flag.optional)

export const confidenceFlag = Flag.Literals("confidence", ["0.95", "0.99"]).pipe(
  Flag.withDescription("confidence level of the intervals: 0.95 (default) or 0.99"),
  Flag.optional,
)

export const confidenceOf = (flag: Option.Option<"0.95" | "0.99">): Confidence =>
  Option.getOrElse(flag, () => "0.95") === "0.99" ? 0.99 : 0.95

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, "": 1000 }

/** "90" or "90s", "30m", "1.5h", "2d" → ms; undefined when it is none of those. */
export const parseDuration = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/.exec(text)
  if (match === null) return undefined
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? ""] as number)
  return Number.isFinite(ms) ? Math.round(ms) : undefined
}

export const durationFlag = (name: string, description: string) =>
  Flag.String(name).pipe(
    Flag.filterMap(
      (text) => {
        const ms = parseDuration(text)
        return ms === undefined ? Option.none() : Option.some(ms)
      },
      (text) => `'${text}' is not a duration: a number of seconds, or with a unit: 90s, 30m, 1.5h, 2d`,
    ),
    Flag.withDescription(description),
    Flag.optional,
  )

export const fileFlag = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.optional)

export const switchFlag = (name: string, description: string) =>
  Flag.Boolean(name).pipe(Flag.withDescription(description), Flag.withDefault(false))

/** An optional value, or undefined (the library's options take undefined for "not given"). */
export const given = <A>(option: Option.Option<A>): A | undefined => Option.getOrUndefined(option)

/** A service-level target: its share (0–1) and, when given, its threshold in ms. */
export interface SlTarget {
  readonly target: number
  readonly thresholdMs?: number
}

/**
 * "80/20" (80% answered within 20 s), "0.8/20", or the share alone ("80", "0.8"): a number above
 * 1 is a percentage. The planner's way of writing a service-level target.
 */
export const parseSlTarget = (text: string): SlTarget | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*(?:\/\s*(\d+(?:\.\d+)?)\s*s?)?\s*$/.exec(text)
  if (match === null) return undefined
  const share = Number(match[1])
  const target = share > 1 ? share / 100 : share
  if (!(target > 0 && target < 1)) return undefined
  return match[2] === undefined ? { target } : { target, thresholdMs: Math.round(Number(match[2]) * 1000) }
}

export const slTargetFlag = (description: string) =>
  Flag.String("target").pipe(
    Flag.filterMap(
      (text) => Option.fromUndefinedOr(parseSlTarget(text)),
      (text) =>
        `'${text}' is not a service-level target: a share between 0 and 100% with an optional threshold in seconds, e.g. 80/20, 0.8/20 or 80`,
    ),
    Flag.withDescription(description),
    Flag.optional,
  )
