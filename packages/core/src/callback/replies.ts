import type { CenterState } from "../center/state"
import { handlers } from "../kernel/handlers"
import type { ReadReply } from "../kernel/module"
import type { CallbackCommand } from "./commands"
import type { OverflowSettings } from "./overflow"
import { pendingFor } from "./schedule"
import { type CallbackView, callbackView, queueOverflow } from "./views"

/** Issue 20: what a callback command answers its caller, instead of the events it appended. */
export type CallbackReply = CallbackRequestReply | CallbackView | OverflowSettings | null

/**
 * C7, B3: what a callback request answers: the callback that will be made, whether the request
 * joined a pending one for the same number and queue, and whether this request scheduled it
 * (`created`: false for a join, or for a repeat of the same `callbackId`, which changes nothing).
 */
export interface CallbackRequestReply {
  readonly callbackId: string
  readonly joined: boolean
  readonly created: boolean
}

type Read = ReadReply<CenterState, CallbackReply>
type Cmd<T extends CallbackCommand["_tag"]> = Extract<CallbackCommand, { _tag: T }>

/** Asked before the request is applied, as its decision saw it: a pending callback is joined, or is this one. */
const requestedOf = (state: CenterState, command: Cmd<"RequestCallback">): Read => {
  const pending = pendingFor(state, command)
  const reply: CallbackRequestReply =
    pending === undefined
      ? { callbackId: command.callbackId, joined: false, created: true }
      : { callbackId: pending, joined: pending !== command.callbackId, created: false }
  return () => reply
}

/**
 * What each callback command answers its caller (kernel `Module.replies`). A cancel has none
 * here: the callback it closed is served from call history (I2), the same read that answers a
 * repeated cancel and a later GET, so the API answers from there.
 */
export const CALLBACK_REPLIES = handlers<CallbackCommand, [CenterState], Read>()
  // Issue 20: the overflow settings as stored (null: none set).
  .on("SetQueueOverflow", (command) => (after) => queueOverflow(after, command.queueId) ?? null)
  .on("RequestCallback", (command, state) => requestedOf(state, command))
  // A rescheduled callback is still pending (it may have entered its queue): the view GET serves.
  .on("RescheduleCallback", (command) => (after) => callbackView(after, command.callbackId) as CallbackView)
