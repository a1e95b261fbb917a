import { Schema } from "effect"
import { Actor } from "../audit/actor"
import { OverflowAction, OverflowCondition, OverflowSettings } from "./overflow"
import { RetryPolicy } from "./retry"

const CallbackSourceSchema = Schema.Literals(["in_queue", "scheduled"])
export type CallbackSource = typeof CallbackSourceSchema.Type
const WatchEndReasonSchema = Schema.Literals(["pressed_1", "hung_up", "connected", "closed"])
export type WatchEndReason = typeof WatchEndReasonSchema.Type
/** How a callback ended (C8, B1, I2). */
export const CallbackCloseReasonSchema = Schema.Literals([
  "served",
  "expired",
  "window_ended",
  "unreachable",
  "cancelled",
])
export type CallbackCloseReason = typeof CallbackCloseReasonSchema.Type
const DeadlineReasonSchema = Schema.Literals(["expired", "window_ended"])
/** Why an unserved callback closes by itself (C8): its 7 days ran out, or its window ended. */
export type DeadlineReason = typeof DeadlineReasonSchema.Type

/**
 * The callback module's events; with the routing events they rebuild its state (N1). Each is an
 * Effect Schema, by tag (issue 22, Build 2; docs/events.md).
 */
export const CallbackEventSchemas = {
  QueueOverflowSet: Schema.TaggedStruct("QueueOverflowSet", {
    queueId: Schema.String,
    settings: OverflowSettings,
    at: Schema.Number,
    /** Who set them, for the audit trail (absent in older events). */
    actor: Schema.optionalKey(Actor),
  }),
  /** C1: a rule acted on a waiting call. For a direct callback, the first offer is due then (C3). */
  OverflowApplied: Schema.TaggedStruct("OverflowApplied", {
    itemId: Schema.String,
    queueId: Schema.String,
    condition: OverflowCondition,
    action: OverflowAction,
    firstOfferAt: Schema.NullOr(Schema.Number),
    at: Schema.Number,
  }),
  /** C1: the call's own wait has been checked up to `checkedMs`; the next check is due at `dueAt`. */
  OwnWaitCheckScheduled: Schema.TaggedStruct("OwnWaitCheckScheduled", {
    itemId: Schema.String,
    checkedMs: Schema.Number,
    dueAt: Schema.NullOr(Schema.Number),
    /** The check came due while a rep was being offered the call: it runs if the call comes back. */
    deferred: Schema.Boolean,
    at: Schema.Number,
  }),
  /** C3: the offer was queued to the caller; the next one is due at `nextAt`. */
  CallbackOfferPlayed: Schema.TaggedStruct("CallbackOfferPlayed", {
    itemId: Schema.String,
    count: Schema.Number,
    nextAt: Schema.Number,
    at: Schema.Number,
  }),
  /** The call is no longer watched for overflow; its offer and own-wait timers stop (C3). */
  OverflowWatchEnded: Schema.TaggedStruct("OverflowWatchEnded", {
    itemId: Schema.String,
    reason: WatchEndReasonSchema,
    at: Schema.Number,
  }),
  /** C4, C7: a callback will be made to `number` from `queueId`. */
  CallbackRequested: Schema.TaggedStruct("CallbackRequested", {
    callbackId: Schema.String,
    number: Schema.String,
    /** The number to call from; "" leaves it to the provider's default caller id. */
    from: Schema.String,
    queueId: Schema.String,
    source: CallbackSourceSchema,
    window: Schema.NullOr(Schema.Struct({ start: Schema.Number, end: Schema.Number })),
    priority: Schema.Number,
    attributes: Schema.Record(Schema.String, Schema.String),
    retry: RetryPolicy,
    deadline: Schema.Number,
    deadlineReason: DeadlineReasonSchema,
    at: Schema.Number,
  }),
  /** B3: a request for the same number and queue joined the pending callback `callbackId`. */
  CallbackJoined: Schema.TaggedStruct("CallbackJoined", {
    callbackId: Schema.String,
    requestId: Schema.String,
    source: CallbackSourceSchema,
    at: Schema.Number,
  }),
  /** The caller hears a last prompt; the line is released when it has played (C4, C1 end call). */
  CallerFarewell: Schema.TaggedStruct("CallerFarewell", {
    callId: Schema.String,
    hangUpBy: Schema.Number,
    at: Schema.Number,
  }),
  CallerReleased: Schema.TaggedStruct("CallerReleased", {
    callId: Schema.String,
    by: Schema.Literals(["prompt_played", "timeout", "caller"]),
    at: Schema.Number,
  }),
  /** C5: the offer `offerId` is a callback, not an incoming call. */
  CallbackOffered: Schema.TaggedStruct("CallbackOffered", {
    callbackId: Schema.String,
    offerId: Schema.String,
    repId: Schema.String,
    at: Schema.Number,
  }),
  /** C6: the rep accepted, so the customer is dialled on `callId` (attempt counts failures + 1). */
  CallbackDialed: Schema.TaggedStruct("CallbackDialed", {
    callbackId: Schema.String,
    attempt: Schema.Number,
    callId: Schema.String,
    messageId: Schema.String,
    repId: Schema.String,
    offerId: Schema.String,
    noAnswerAt: Schema.Number,
    at: Schema.Number,
  }),
  CallbackConnected: Schema.TaggedStruct("CallbackConnected", {
    callbackId: Schema.String,
    callId: Schema.String,
    repId: Schema.String,
    at: Schema.Number,
  }),
  /**
   * W1, C6: the customer of a connected callback hung up. The rep's call is over; the work stays
   * the rep's to wrap up and complete, as after a routed caller hangs up.
   */
  CallbackCallEnded: Schema.TaggedStruct("CallbackCallEnded", {
    callbackId: Schema.String,
    callId: Schema.String,
    repId: Schema.String,
    at: Schema.Number,
  }),
  /** B1: the dial failed or was not answered; retried at `retryAt`, or not (null). */
  CallbackAttemptFailed: Schema.TaggedStruct("CallbackAttemptFailed", {
    callbackId: Schema.String,
    attempt: Schema.Number,
    callId: Schema.String,
    reason: Schema.String,
    retryAt: Schema.NullOr(Schema.Number),
    at: Schema.Number,
  }),
  /** I2, issue 20: someone withdrew the callback; `CallbackClosed` ("cancelled") follows. */
  CallbackCancelled: Schema.TaggedStruct("CallbackCancelled", {
    callbackId: Schema.String,
    at: Schema.Number,
    actor: Schema.optionalKey(Actor),
  }),
  /** I2, C7, issue 20: the callback's contact window moved, and with it its C8 deadline. */
  CallbackRescheduled: Schema.TaggedStruct("CallbackRescheduled", {
    callbackId: Schema.String,
    window: Schema.Struct({ start: Schema.Number, end: Schema.Number }),
    deadline: Schema.Number,
    deadlineReason: DeadlineReasonSchema,
    at: Schema.Number,
    actor: Schema.optionalKey(Actor),
  }),
  /**
   * Issue 18: routing refused what the callback module asked of it in a timer or a follow-up
   * (queue it when its window opened, hold it for a retry, resume it, close it): the refusal is
   * recorded, never dropped. The callback stays as it was; its deadline still closes it (C8).
   */
  CallbackRefused: Schema.TaggedStruct("CallbackRefused", {
    callbackId: Schema.String,
    /** The routing command that was refused, e.g. "EnqueueItem". */
    asked: Schema.String,
    /** The refusal: its tag, the field it names and its message. */
    error: Schema.String,
    field: Schema.String,
    message: Schema.String,
    at: Schema.Number,
  }),
  /** C8, B1: the callback is over, with why; the report operators read. */
  CallbackClosed: Schema.TaggedStruct("CallbackClosed", {
    callbackId: Schema.String,
    reason: CallbackCloseReasonSchema,
    attempts: Schema.Number,
    at: Schema.Number,
  }),
} as const

export type CallbackEvent = (typeof CallbackEventSchemas)[keyof typeof CallbackEventSchemas]["Type"]

export const CALLBACK_EVENT_TAGS: ReadonlySet<string> = new Set(Object.keys(CallbackEventSchemas))
