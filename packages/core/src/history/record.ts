/**
 * E8: one entry of call history. It describes a routed work item (an ordinary inbound call, a
 * callback) and nothing else: it is built only from routing item events, and emergency calls are
 * never routing items (the rep's browser places them; PSAP callbacks are redirected before routing
 * sees them). There is no emergency variant, no dialled number and no session to put one in.
 */
export interface HistoryRecord {
  readonly itemId: string
  readonly queueId: string
  readonly workstreamId: string | null
  readonly priority: number
  /** The caller's and the dialled number, when the item was a call. */
  readonly from: string | null
  readonly to: string | null
  readonly arrivedAt: number
  readonly outcome: HistoryOutcome
  /** The rep who took it. */
  readonly repId: string | null
  readonly offers: number
  /** Offers declined or left to expire. */
  readonly refusals: number
  readonly answeredAt: number | null
  readonly endedAt: number | null
  readonly handleMs: number | null
}

export type HistoryOutcome = "waiting" | "ringing" | "answered" | "completed" | "abandoned" | "escalated"

/** The projection's own, writable copy of a record. */
export type MutableHistoryRecord = { -readonly [K in keyof HistoryRecord]: HistoryRecord[K] }
