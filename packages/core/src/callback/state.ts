import type { CallbackSource, DeadlineReason } from "./events"
import type { OverflowPolicy, WaitHistory } from "./overflow"
import type { RetryPolicy } from "./retry"

/**
 * A waiting call in a queue with overflow settings (C1), from arrival until it is connected,
 * hangs up, leaves the queue, or asks for a callback.
 */
export interface OverflowWatch {
  readonly itemId: string
  queueId: string
  /** The settings it is under: its queue's, or its route rule's override (C2). */
  policy: OverflowPolicy
  /** The caller's number when a callback can be made to it (B2: anonymous callers get none). */
  readonly from: string | null
  /** The number the caller dialled (the default number to call back from). */
  readonly to: string | null
  /** C3: set once the call is under a direct-callback overflow. */
  offer: { readonly policy: OverflowPolicy; dueAt: number; played: number } | null
  /** C1 own wait: waited time already checked, the next check's time, a check held back. */
  ownWaitChecked: number
  ownWaitDueAt: number | null
  ownWaitDeferred: boolean
  /** Queues the call was transferred out of: it is never transferred back (no loops). */
  readonly visited: string[]
  /** The candidates group it sits in while queue rules may still put it under a callback offer. */
  group: Set<OverflowWatch> | null
  /** It left with timers still armed: an OverflowWatchEnded disarms them. */
  leaving: "hung_up" | "connected" | "closed" | null
}

export type CallbackStatus = "scheduled" | "queued" | "dialing" | "connected" | "retry_wait"

/** A callback to make (C4 or C7), until it closes. Its routing item has the same id. */
export interface CallbackRecord {
  readonly callbackId: string
  readonly number: string
  readonly from: string
  readonly queueId: string
  readonly source: CallbackSource
  readonly requestedAt: number
  /** Moved by a reschedule (I2), with the deadline. */
  window: { readonly start: number; readonly end: number } | null
  readonly priority: number
  readonly attributes: Readonly<Record<string, string>>
  readonly retry: RetryPolicy
  deadline: number
  deadlineReason: DeadlineReason
  status: CallbackStatus
  /** Failed attempts so far (B1). */
  attempts: number
  /** Dials placed so far: each gets its own call id. */
  dials: number
  dial: {
    readonly callId: string
    readonly messageId: string
    readonly repId: string
    connected: boolean
  } | null
  retryAt: number | null
  /** Requests that joined this one (B3). */
  joined: number
  /** Every dial leg's call id, so late provider events about old legs are recognised. */
  readonly legs: string[]
}

export interface CallbackState {
  /** C1: each queue's overflow settings. */
  readonly queues: Map<string, OverflowPolicy>
  /** C2: route-rule overrides, by `overrideKey(workstreamId, ruleId)`. */
  readonly overrides: Map<string, OverflowPolicy>
  /** Recent waits per queue, for the average-wait condition. */
  readonly waits: Map<string, WaitHistory>
  readonly watched: Map<string, OverflowWatch>
  /**
   * Per queue, the watched calls that a queue rule could still put under a direct-callback
   * overflow, grouped by the policy they are under: a queue change checks each group once.
   */
  readonly candidates: Map<string, Map<OverflowPolicy, Set<OverflowWatch>>>
  readonly callbacks: Map<string, CallbackRecord>
  /** B3: the pending callback for `numberKey(queueId, number)`. */
  readonly byNumber: Map<string, string>
  /** C6: dial legs' call ids to their callback. */
  readonly legs: Map<string, string>
  /** Calls hearing a last prompt before their line is released, with the deadline. */
  readonly farewells: Map<string, number>
}

export const emptyCallbackState = (): CallbackState => ({
  queues: new Map(),
  overrides: new Map(),
  waits: new Map(),
  watched: new Map(),
  candidates: new Map(),
  callbacks: new Map(),
  byNumber: new Map(),
  legs: new Map(),
  farewells: new Map(),
})

export const overrideKey = (workstreamId: string, ruleId: string): string => `${workstreamId}\u0000${ruleId}`
export const numberKey = (queueId: string, number: string): string => `${queueId}\u0000${number}`
