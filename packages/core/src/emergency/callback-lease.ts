import { handlers } from "../kernel/handlers"
import { armTimer, disarmTimer, type TimerChange } from "../ports/timer"
import type { EmergencyCommandOf } from "./commands"
import type { EmergencyEvent } from "./events"
import type { CallbackPool, EmergencyState, Lease } from "./state"

/** E5: a callback number routes to the rep for exactly this long from the (latest) dial. */
export const CALLBACK_LEASE_MS = 60 * 60_000

/** E6: the lease routes a call that arrives strictly before its end (59:59.999 yes, 60:00 no). */
export const leaseLiveAt = (lease: Lease, now: number): boolean => now < lease.expiresAt

export const leaseEndFor = (dialAt: number): number => dialAt + CALLBACK_LEASE_MS

/**
 * The free number released longest ago (never used counts as longest, in pool order): a late
 * PSAP callback for an expired lease is then least likely to reach the next rep who dials.
 */
export const pickFreeNumber = (
  pool: CallbackPool,
  leased: ReadonlyMap<string, Lease>,
  releasedAt: ReadonlyMap<string, number>,
): string | undefined => {
  let best: string | undefined
  let bestAt = Number.POSITIVE_INFINITY
  for (const n of pool.numbers) {
    if (leased.has(n)) continue
    const at = releasedAt.get(n) ?? Number.NEGATIVE_INFINITY
    if (at < bestAt) {
      best = n
      bestAt = at
    }
  }
  return best
}

export const leaseExpiryTimerId = (leaseId: string): string => `emergency/lease-expiry/${leaseId}`

/** Expiry is a durable timer (ARCHITECTURE rule 4); renewing re-arms the same timer. */
export const LEASE_TIMERS = handlers<EmergencyEvent, [], readonly TimerChange<EmergencyTimerCommand>[]>()
  .on(["CallbackLeased", "CallbackLeaseRenewed"], (event) => [
    armTimer(leaseExpiryTimerId(event.leaseId), event.expiresAt, {
      _tag: "ExpireCallbackLease",
      leaseId: event.leaseId,
    }),
  ])
  .on("CallbackLeaseExpired", (event) => [disarmTimer(leaseExpiryTimerId(event.leaseId))])

/** What the module's durable timers send (E5's lease expiry, W5's session bound in drop.ts). */
export type EmergencyTimerCommand = EmergencyCommandOf<
  "ExpireCallbackLease" | "CloseEmergencyWindow" | "EndSilentEmergency"
>

/** A phone number as the provider may write it, reduced to `+` and digits for comparison. */
export const normalizeNumber = (raw: string): string => {
  const plus = raw.trimStart().startsWith("+")
  const digits = raw.replace(/\D/g, "")
  return plus ? `+${digits}` : digits
}

export const nextLeaseId = (state: EmergencyState): string => `lease-${state.counters.leases + 1}`

/** What the PSAP is given to call back on, and the events that reserve it. */
export interface CallbackDecision {
  readonly number: string
  /** When the number stops reaching the rep; null when no pool number could be leased. */
  readonly until: number | null
  readonly events: readonly EmergencyEvent[]
}

/**
 * E5 at a real dial: the rep's lease is renewed (a rep holds one number at most), or a free pool
 * number is leased; when none is free the pool is reported exhausted and the overflow number
 * (or, without one, the calling number) is presented instead. The call goes ahead either way.
 */
export const callbackOnDial = (
  state: EmergencyState,
  repId: string,
  sessionId: string,
  callingNumber: string,
  now: number,
): CallbackDecision => {
  const expiresAt = leaseEndFor(now)
  const held = state.leaseByRep.get(repId)
  if (held !== undefined) {
    const { leaseId, number } = held
    return {
      number,
      until: expiresAt,
      events: [{ _tag: "CallbackLeaseRenewed", leaseId, repId, sessionId, number, at: now, expiresAt }],
    }
  }
  const free = pickFreeNumber(state.pool, state.leaseByNumber, state.releasedAt)
  if (free !== undefined) {
    const leaseId = nextLeaseId(state)
    return {
      number: free,
      until: expiresAt,
      events: [{ _tag: "CallbackLeased", leaseId, repId, sessionId, number: free, at: now, expiresAt }],
    }
  }
  const overflow = state.pool.overflowNumber
  const fallbackNumber = overflow ?? callingNumber
  return {
    number: fallbackNumber,
    until: null,
    events: [
      {
        _tag: "CallbackPoolExhausted",
        sessionId,
        repId,
        poolSize: state.pool.numbers.length,
        fallbackNumber,
        routesTo: overflow === null ? "ordinary_line" : "fallback_reps",
        at: now,
      },
    ],
  }
}
