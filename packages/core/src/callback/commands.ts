import { Schema } from "effect"
import { Audited } from "../audit/actor"
import { Id, IssuedId } from "../ids"
import { OverflowSettings } from "./overflow"

const Priority = Schema.Int.check(Schema.isBetween({ minimum: -1000, maximum: 1000 }))
const EpochMs = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 8_640_000_000_000_000 }))

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
  window: Schema.optionalKey(Schema.Struct({ start: EpochMs, end: EpochMs })),
  priority: Schema.optionalKey(Priority),
  attributes: Schema.optionalKey(Schema.Record(Schema.String, Schema.String)),
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
  PlayCallbackOffer,
  CheckOwnWait,
  HangUpCaller,
  OpenCallbackWindow,
  CallbackNoAnswer,
  RetryCallback,
  ExpireCallback,
])
export type CallbackCommand = typeof CallbackCommand.Type
