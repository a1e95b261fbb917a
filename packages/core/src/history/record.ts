import type { Disposition } from "../calls/commands"

/**
 * E8: one entry of call history. It describes a routed work item (an ordinary inbound call, a
 * callback) or an ordinary outbound call a rep placed (W1), and nothing else: it is built only
 * from routing item events, the customer callback module's events about those items and the
 * calls module's events, and emergency calls are none of them (the rep's browser places them
 * through the emergency dial, which the calls module refuses to dial; PSAP callbacks are
 * redirected before routing sees them). There is no emergency variant and no session to put one in.
 */
export interface HistoryRecord {
  readonly itemId: string
  /** The queue the item is (or ended) in: after a C1 transfer, the queue it went to. */
  readonly queueId: string
  readonly workstreamId: string | null
  readonly priority: number
  /** The caller's and the dialled number, when the item was a call. */
  readonly from: string | null
  readonly to: string | null
  readonly arrivedAt: number
  readonly outcome: HistoryOutcome
  /** The rep who took it (cleared when a callback's dial failed: nobody served it then). */
  readonly repId: string | null
  readonly offers: number
  /** Offers declined or left to expire. */
  readonly refusals: number
  readonly answeredAt: number | null
  readonly endedAt: number | null
  readonly handleMs: number | null
  /** An ordinary call, or a callback (C4 requested in the queue, C7 scheduled). */
  readonly kind: HistoryKind
  /** Why it ended, as the core said it: `completed`, `abandoned`, a close reason, a callback's. */
  readonly endReason: string | null
  /** A callback's failed dial attempts (B1); 0 for a call. */
  readonly attempts: number
  /** B3: the pending callback this call's request joined. */
  readonly joinedInto: string | null
  /** C1: the queue the item was first transferred out of. */
  readonly transferredFrom: string | null
  /**
   * W1: a routed item (inbound), or an ordinary call a rep placed (outbound: its `itemId` is the
   * call's id, its `queueId` empty, never an emergency number: E8).
   */
  readonly direction: HistoryDirection
  /** W1: the disposition of the rep's wrap-up (the last one, after a transfer); notes stay in the event log. */
  readonly disposition: Disposition | null
}

export type HistoryDirection = "inbound" | "outbound"

export type HistoryKind = "call" | "callback"

/**
 * Where an item is, or how it ended. Open: scheduled (a C7 callback before its window), waiting,
 * ringing, answered, held (B1: a callback between attempts), escalated. Ended: completed (a call),
 * abandoned, served (a callback connected and completed), expired (C8, or its window ended),
 * unreachable (B1: closed after its last failed attempt), joined (B3), cancelled (a callback
 * completed without a connection, or closed for another reason), closed (C1 voicemail, end call).
 */
export const HISTORY_OUTCOMES = [
  "scheduled",
  "waiting",
  "ringing",
  "answered",
  "held",
  "escalated",
  "completed",
  "abandoned",
  "served",
  "expired",
  "unreachable",
  "joined",
  "cancelled",
  "closed",
] as const

export type HistoryOutcome = (typeof HISTORY_OUTCOMES)[number]

export const isHistoryOutcome = (value: string): value is HistoryOutcome =>
  (HISTORY_OUTCOMES as readonly string[]).includes(value)

/** The projection's own, writable copy of a record. */
export type MutableHistoryRecord = { -readonly [K in keyof HistoryRecord]: HistoryRecord[K] }
