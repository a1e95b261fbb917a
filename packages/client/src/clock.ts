import { Schema, SchemaGetter } from "effect"

/**
 * SPEC I5 (issue 20): the test clock's contract. An instant is ISO 8601; a step forward is
 * milliseconds or a compact duration (`90s`, `59m59s`, `7d`).
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/

/** A calendar date that exists: `Date` would roll 2026-02-31 over into March. */
const realDate = (s: string): boolean => {
  const [, y, m, d] = ISO_TIME.exec(s) ?? []
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
  return day.getUTCMonth() === Number(m) - 1 && day.getUTCDate() === Number(d)
}

/** An ISO 8601 time (or date), decoded to a `Date`. */
export const IsoTime = Schema.String.check(
  Schema.makeFilter(
    (s) => (ISO_TIME.test(s) && realDate(s)) || "must be an ISO 8601 time such as 2026-01-31T09:00:00Z",
  ),
).pipe(Schema.decodeTo(Schema.DateFromString))

const UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** `90s`, `59m59s`, `7d`, `1h30m`, `250ms`: whole numbers of units, largest first or not. */
const COMPACT = /^(\d+(ms|s|m|h|d))+$/u

export const compactMs = (text: string): number | undefined => {
  if (!COMPACT.test(text)) return undefined
  let ms = 0
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/gu))
    ms += Number(amount) * UNITS_MS[unit as keyof typeof UNITS_MS]
  return Number.isSafeInteger(ms) ? ms : undefined
}

/** A duration forward: milliseconds, or a text such as `90s` or `7d`. */
const Forward = Schema.Union([
  Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  Schema.String.check(
    Schema.makeFilter(
      (s) => compactMs(s) !== undefined || "must be milliseconds or a duration such as 90s, 59m59s, 7d",
    ),
  ).pipe(
    Schema.decodeTo(Schema.Number, {
      decode: SchemaGetter.transform((s: string) => compactMs(s) ?? 0),
      encode: SchemaGetter.transform((ms: number) => `${ms}ms`),
    }),
  ),
])

/** `by` a duration, or `to` an instant: exactly one. */
export const AdvanceClock = Schema.Union([
  Schema.Struct({
    by: Forward.annotate({ description: "How far: milliseconds, or a duration such as 90s, 59m59s, 7d" }),
  }),
  Schema.Struct({ to: IsoTime }),
])

export const ClockReading = Schema.Struct({
  clock: Schema.Literals(["real", "virtual"]),
  now: Schema.String,
  nextTimerAt: Schema.optionalKey(Schema.NullOr(Schema.String)),
  /** Timers that fired during this move. */
  fired: Schema.optionalKey(Schema.Finite),
}).annotate({
  identifier: "ClockReading",
  description:
    "The node's clock: real, or a sandbox's test clock; its time and, in a sandbox, the next timer",
})
