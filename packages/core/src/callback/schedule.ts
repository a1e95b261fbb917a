import { Result } from "effect"
import type { CenterEvent } from "../center/events"
import type { CenterAsks, CenterDecision } from "../center/module"
import type { CenterState } from "../center/state"
import { AlreadyExists, InvalidField, InvalidState, UnknownEntity } from "../kernel/errors"
import { hasItem, queueOf } from "../routing/reads"
import type { OpenCallbackWindow, RequestCallback } from "./commands"
import { numberProblem } from "./e164"
import type { CallbackError } from "./errors"
import { deadlineOf } from "./expiry"
import { DEFAULT_RETRY } from "./retry"
import { type CallbackRecord, numberKey } from "./state"

type Request = typeof RequestCallback.Type
const fail = (error: CallbackError): CenterDecision => Result.fail(error)

/**
 * C7: a callback scheduled through the API. Checked before it is accepted: the number (B2), the
 * queue and its reps (C9), the contact window. B3: a request for a number and queue that already
 * have a pending callback joins it (`CallbackJoined` names the callback that will be made); the
 * same request sent again changes nothing. Without a window, or once it has opened, the callback
 * enters its queue at once; otherwise when the window opens.
 */
export const requestCallback = (
  state: CenterState,
  command: Request,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const problem = requestProblem(state, command, now)
  if (problem !== undefined) return problem
  const existing = state.callback.byNumber.get(numberKey(command.queueId, command.number))
  if (existing === command.callbackId) return Result.succeed([])
  if (existing !== undefined) {
    return Result.succeed([
      {
        _tag: "CallbackJoined",
        callbackId: existing,
        requestId: command.callbackId,
        source: "scheduled",
        at: now,
      },
    ])
  }
  if (state.callback.callbacks.has(command.callbackId) || hasItem(state.routing, command.callbackId))
    return fail(new AlreadyExists({ entity: "callback", id: command.callbackId, field: "callbackId" }))
  const window = command.window ?? null
  const deadline = deadlineOf(now, window)
  const requested: CenterEvent = {
    _tag: "CallbackRequested",
    callbackId: command.callbackId,
    number: command.number,
    from: command.from ?? state.callback.queues.get(command.queueId)?.callerId ?? "",
    queueId: command.queueId,
    source: "scheduled",
    window,
    priority: command.priority ?? 0,
    attributes: command.attributes ?? {},
    retry: state.callback.queues.get(command.queueId)?.retry ?? DEFAULT_RETRY,
    deadline: deadline.at,
    deadlineReason: deadline.reason,
    at: now,
  }
  if (window !== null && window.start > now) return Result.succeed([requested])
  const queued = enqueue(
    state,
    { ...command, priority: command.priority ?? 0, attributes: command.attributes ?? {} },
    now,
    asks,
  )
  return Result.isFailure(queued) ? queued : Result.succeed([requested, ...queued.success])
}

const requestProblem = (state: CenterState, command: Request, now: number): CenterDecision | undefined => {
  const number = numberProblem(command.number)
  if (number !== undefined) return fail(new InvalidField({ field: "number", message: `number ${number}` }))
  const from = command.from === undefined ? undefined : numberProblem(command.from)
  if (from !== undefined) return fail(new InvalidField({ field: "from", message: `from ${from}` }))
  const queue = queueOf(state.routing, command.queueId)
  if (queue === undefined)
    return fail(new UnknownEntity({ entity: "queue", id: command.queueId, field: "queueId" }))
  if (queue.members.size === 0)
    return fail(
      // C9: nobody could ever make the callback.
      new InvalidState({ field: "queueId", message: "the queue has no reps to make the callback" }),
    )
  const window = command.window
  if (window !== undefined && window.end <= window.start)
    return fail(new InvalidField({ field: "window.end", message: "the window must end after it starts" }))
  if (window !== undefined && window.end <= now)
    return fail(new InvalidField({ field: "window.end", message: "the window has already ended" }))
  return undefined
}

const enqueue = (
  state: CenterState,
  request: Pick<CallbackRecord, "callbackId" | "queueId" | "priority" | "attributes">,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const queued = asks.routing(
    state,
    {
      _tag: "EnqueueItem",
      itemId: request.callbackId,
      queueId: request.queueId,
      priority: request.priority,
      attributes: request.attributes,
    },
    now,
  )
  return Result.isFailure(queued) ? Result.fail(queued.failure) : Result.succeed(queued.success)
}

/** C7: the contact window opened: the callback enters its queue now. */
export const openWindow = (
  state: CenterState,
  command: typeof OpenCallbackWindow.Type,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const record = state.callback.callbacks.get(command.callbackId)
  if (record?.status !== "scheduled" || (record.window !== null && now < record.window.start))
    return Result.succeed([])
  const queued = enqueue(state, record, now, asks)
  return Result.isFailure(queued) ? Result.succeed([]) : queued
}
