import { Schema } from "effect"
import { Audited } from "../audit/actor"
import { Id, IssuedId } from "../ids"
import { OverflowSettings } from "./overflow"

const Priority = Schema.Int.check(Schema.isBetween({ minimum: -1000, maximum: 1000 }))
const EpochMs = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 8_640_000_000_000_000 }))

/** The contact window (UTC epoch milliseconds) of a C7 request or a reschedule. */
export const CallbackWindow = Schema.Struct({ start: EpochMs, end: EpochMs })

/** C1, C3, C4, B1: a queue's overflow rules, its editable texts, caller id and retry policy. */
export const SetQueueOverflow = Schema.TaggedStruct("SetQueueOverflow", {
  ...Audited,
  queueId: Id,
  ...OverflowSettings.fields,
})

/**
 * C7: schedule a callback from any platform. `callbackId` is the caller's id for the request (the
 * API makes one); the answer names the callback that will be made, which is another one when
 * the request joined a pending one (B3). The contact window is UTC epoch milliseconds.
 */
export const RequestCallback = Schema.TaggedStruct("RequestCallback", {
  callbackId: Id,
  /** B2: E.164 and dialable. */
  number: Schema.String.check(Schema.isMaxLength(32)),
  queueId: Id,
  /** The number to call from; by default the queue's caller id, else the provider's default. */
  from: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(32))),
  window: Schema.optionalKey(CallbackWindow),
  priority: Schema.optionalKey(Priority),
  attributes: Schema.optionalKey(Schema.Record(Schema.String, Schema.String)),
})

/**
 * I2, issue 20: withdraw a callback not yet being dialled (scheduled, queued, waiting for a
 * retry). It closes as "cancelled"; cancelling one already cancelled changes nothing (the API
 * answers from call history).
 */
export const CancelCallback = Schema.TaggedStruct("CancelCallback", { ...Audited, callbackId: Id })

/**
 * I2, C7, issue 20: move a pending callback's contact window (checked as a request's is). One
 * waiting for its window waits for the new one; one already in its queue keeps its place, so its
 * new window must be open now.
 */
export const RescheduleCallback = Schema.TaggedStruct("RescheduleCallback", {
  ...Audited,
  callbackId: Id,
  window: CallbackWindow,
})

/** Durable timers' commands; a late, early or repeated one changes nothing. */
export const PlayCallbackOffer = Schema.TaggedStruct("PlayCallbackOffer", { itemId: IssuedId })
export const CheckOwnWait = Schema.TaggedStruct("CheckOwnWait", { itemId: IssuedId })
export const HangUpCaller = Schema.TaggedStruct("HangUpCaller", { callId: IssuedId })
export const OpenCallbackWindow = Schema.TaggedStruct("OpenCallbackWindow", { callbackId: Id })
export const CallbackNoAnswer = Schema.TaggedStruct("CallbackNoAnswer", { callbackId: Id, callId: IssuedId })
export const RetryCallback = Schema.TaggedStruct("RetryCallback", { callbackId: Id })
export const ExpireCallback = Schema.TaggedStruct("ExpireCallback", { callbackId: Id })

export const CallbackCommand = Schema.Union([
  SetQueueOverflow,
  RequestCallback,
  CancelCallback,
  RescheduleCallback,
  PlayCallbackOffer,
  CheckOwnWait,
  HangUpCaller,
  OpenCallbackWindow,
  CallbackNoAnswer,
  RetryCallback,
  ExpireCallback,
])
export type CallbackCommand = typeof CallbackCommand.Type
