import { Schema } from "effect"

/** R3: how a queue picks among reps who can take its next item. */
export const AssignmentMethod = Schema.Literals(["highest_capacity", "round_robin", "most_idle"])
export type AssignmentMethod = typeof AssignmentMethod.Type

/** Days are 0 (Sunday) to 6; times are "HH:MM" in the queue's IANA time zone; close > open. */
export const OperatingWindow = Schema.Struct({
  day: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 6 })),
  open: Schema.String.check(Schema.isPattern(/^([01]\d|2[0-3]):[0-5]\d$/u)),
  close: Schema.String.check(Schema.isPattern(/^([01]\d|2[0-4]):[0-5]\d$/u)),
})
export type OperatingWindow = typeof OperatingWindow.Type

export const OperatingHours = Schema.Struct({
  timeZone: Schema.String,
  windows: Schema.Array(OperatingWindow),
})
export type OperatingHours = typeof OperatingHours.Type

export interface QueueConfig {
  readonly queueId: string
  readonly name: string
  /** Among a rep's queues, higher priority is served first (R3). */
  readonly priority: number
  readonly assignment: AssignmentMethod
  /** The capacity profile an item of this queue consumes, and how many units (R2). */
  readonly profile: string
  readonly units: number
  readonly offerTimeoutMs: number
  /** After this many declines or expiries an item stops being offered and is escalated (R4). */
  readonly declineLimit: number
  /** B4: one priority level per this many ms of waiting; null keeps strict priority order. */
  readonly agingStepMs: number | null
  /** R5: the handle time assumed until the queue has history. */
  readonly defaultHandleTimeMs: number
  /** Null means always open. */
  readonly operatingHours: OperatingHours | null
}

/** Defaults an operator can rely on when a queue is created without them. */
export const QUEUE_DEFAULTS = {
  priority: 0,
  assignment: "highest_capacity",
  profile: "voice",
  units: 1,
  offerTimeoutMs: 30_000,
  declineLimit: 5,
  agingStepMs: 60_000,
  defaultHandleTimeMs: 180_000,
  operatingHours: null,
} as const satisfies Omit<QueueConfig, "queueId" | "name">

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(":")
  return Number(h) * 60 + Number(m)
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 }

/** Formatters are costly to build and the overflow checks (C1) ask often: one per time zone. */
const formatters = new Map<string, Intl.DateTimeFormat>()
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Is `timeZone` an IANA zone this runtime knows (N3: refused at the edge, not when evaluated)? */
export const isKnownTimeZone = (timeZone: string): boolean => {
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

/** Is the queue open at `now` (epoch ms)? Uses the IANA zone data, never the host's zone. */
export const isOpenAt = (hours: OperatingHours | null, now: number): boolean => {
  if (hours === null) return true
  const parts = formatterFor(hours.timeZone).formatToParts(now)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ""
  const day = WEEKDAYS[part("weekday")]
  const at = Number(part("hour")) * 60 + Number(part("minute"))
  return hours.windows.some((w) => w.day === day && minutes(w.open) <= at && at < minutes(w.close))
}
