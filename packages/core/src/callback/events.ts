import type { Actor } from "../audit/actor"
import type { DeadlineReason } from "./expiry"
import type { OverflowAction, OverflowCondition, OverflowSettings } from "./overflow"
import type { RetryPolicy } from "./retry"

export type CallbackSource = "in_queue" | "scheduled"
export type WatchEndReason = "pressed_1" | "hung_up" | "connected" | "closed"
export type CallbackCloseReason = "served" | "expired" | "window_ended" | "unreachable" | "cancelled"

/** The callback module's events; with the routing events they rebuild its state (N1). */
export type CallbackEvent =
  | {
      readonly _tag: "QueueOverflowSet"
      readonly queueId: string
      readonly settings: OverflowSettings
      readonly at: number
      /** Who set them, for the audit trail (absent in older events). */
      readonly actor?: Actor
    }
  /** C1: a rule acted on a waiting call. For a direct callback, the first offer is due then (C3). */
  | {
      readonly _tag: "OverflowApplied"
      readonly itemId: string
      readonly queueId: string
      readonly condition: OverflowCondition
      readonly action: OverflowAction
      readonly firstOfferAt: number | null
      readonly at: number
    }
  /** C1: the call's own wait has been checked up to `checkedMs`; the next check is due at `dueAt`. */
  | {
      readonly _tag: "OwnWaitCheckScheduled"
      readonly itemId: string
      readonly checkedMs: number
      readonly dueAt: number | null
      /** The check came due while a rep was being offered the call: it runs if the call comes back. */
      readonly deferred: boolean
      readonly at: number
    }
  /** C3: the offer was queued to the caller; the next one is due at `nextAt`. */
  | {
      readonly _tag: "CallbackOfferPlayed"
      readonly itemId: string
      readonly count: number
      readonly nextAt: number
      readonly at: number
    }
  /** The call is no longer watched for overflow; its offer and own-wait timers stop (C3). */
  | {
      readonly _tag: "OverflowWatchEnded"
      readonly itemId: string
      readonly reason: WatchEndReason
      readonly at: number
    }
  /** C4, C7: a callback will be made to `number` from `queueId`. */
  | {
      readonly _tag: "CallbackRequested"
      readonly callbackId: string
      readonly number: string
      /** The number to call from; "" leaves it to the provider's default caller id. */
      readonly from: string
      readonly queueId: string
      readonly source: CallbackSource
      readonly window: { readonly start: number; readonly end: number } | null
      readonly priority: number
      readonly attributes: Readonly<Record<string, string>>
      readonly retry: RetryPolicy
      readonly deadline: number
      readonly deadlineReason: DeadlineReason
      readonly at: number
    }
  /** B3: a request for the same number and queue joined the pending callback `callbackId`. */
  | {
      readonly _tag: "CallbackJoined"
      readonly callbackId: string
      readonly requestId: string
      readonly source: CallbackSource
      readonly at: number
    }
  /** The caller hears a last prompt; the line is released when it has played (C4, C1 end call). */
  | {
      readonly _tag: "CallerFarewell"
      readonly callId: string
      readonly hangUpBy: number
      readonly at: number
    }
  | {
      readonly _tag: "CallerReleased"
      readonly callId: string
      readonly by: "prompt_played" | "timeout" | "caller"
      readonly at: number
    }
  /** C5: the offer `offerId` is a callback, not an incoming call. */
  | {
      readonly _tag: "CallbackOffered"
      readonly callbackId: string
      readonly offerId: string
      readonly repId: string
      readonly at: number
    }
  /** C6: the rep accepted, so the customer is dialled on `callId` (attempt counts failures + 1). */
  | {
      readonly _tag: "CallbackDialed"
      readonly callbackId: string
      readonly attempt: number
      readonly callId: string
      readonly messageId: string
      readonly repId: string
      readonly offerId: string
      readonly noAnswerAt: number
      readonly at: number
    }
  | {
      readonly _tag: "CallbackConnected"
      readonly callbackId: string
      readonly callId: string
      readonly repId: string
      readonly at: number
    }
  /** B1: the dial failed or was not answered; retried at `retryAt`, or not (null). */
  | {
      readonly _tag: "CallbackAttemptFailed"
      readonly callbackId: string
      readonly attempt: number
      readonly callId: string
      readonly reason: string
      readonly retryAt: number | null
      readonly at: number
    }
  /** C8, B1: the callback is over, with why; the report operators read. */
  | {
      readonly _tag: "CallbackClosed"
      readonly callbackId: string
      readonly reason: CallbackCloseReason
      readonly attempts: number
      readonly at: number
    }

export const CALLBACK_EVENT_TAGS: ReadonlySet<string> = new Set<CallbackEvent["_tag"]>([
  "QueueOverflowSet",
  "OverflowApplied",
  "OwnWaitCheckScheduled",
  "CallbackOfferPlayed",
  "OverflowWatchEnded",
  "CallbackRequested",
  "CallbackJoined",
  "CallerFarewell",
  "CallerReleased",
  "CallbackOffered",
  "CallbackDialed",
  "CallbackConnected",
  "CallbackAttemptFailed",
  "CallbackClosed",
])
