import type { TransferTarget } from "./commands"
import type { CallEndedBy } from "./events"

export type CallState = "ringing" | "connected" | "on_hold" | "ended"

/** W1: one rep's leg of a call, from connect (or dial) until its wrap-up is saved. */
export interface CallLeg {
  readonly callId: string
  readonly repId: string
  /** The routing item a routed call is; null for an outbound call. */
  readonly itemId: string | null
  readonly direction: "inbound" | "outbound"
  readonly from: string
  readonly to: string
  readonly queueId: string | null
  readonly attributes: Readonly<Record<string, string>>
  /** How long the caller waited before this rep took the call; null for an outbound call. */
  readonly waitedMs: number | null
  state: CallState
  muted: boolean
  /** When the current state began. */
  since: number
  connectedAt: number | null
  endedAt: number | null
  endedBy: CallEndedBy | null
  transferredTo: TransferTarget | null
  /** Events on this leg so far: numbers its provider actions, so each has its own outbox id. */
  changes: number
}

/**
 * The calls module's slice: legs that are up or wait for wrap-up (a saved wrap-up or the work's
 * completion removes its leg, so the slice holds what is live, not the log's age; history keeps
 * the rest). A call has one leg per rep who had it: its latest in `legs`, and, after a transfer,
 * the earlier reps' ended legs waiting for their wrap-up in `earlier` (few: the common call never
 * has one, so a call costs one map entry and no key string). A rep's legs are found by a pass
 * over both (reads.ts `legsOfRep`): that is a read for the rep's screen, while every accepted and
 * completed call would pay for an index by rep (schema version 6 dropped it).
 */
export interface CallsState {
  /** Each call's latest leg, by call id. */
  readonly legs: Map<string, CallLeg>
  /** Ended legs of calls that went on to another rep, by `legKey(callId, repId)`. */
  readonly earlier: Map<string, CallLeg>
  /** Outbound calls placed so far: the next one's id (deterministic, N1). */
  outboundPlaced: number
}

export const emptyCallsState = (): CallsState => ({
  legs: new Map(),
  earlier: new Map(),
  outboundPlaced: 0,
})

/** An earlier leg's key: a call and a rep (ids hold no NUL). */
export const legKey = (callId: string, repId: string): string => `${callId}\u0000${repId}`
