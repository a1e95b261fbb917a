import { Result } from "effect"
import type { Actor } from "../audit/actor"
import type { CenterEvent } from "../center/events"
import type { CenterAsks, CenterDecision } from "../center/module"
import type { CenterState } from "../center/state"
import { AlreadyExists, InvalidField, InvalidState, UnknownEntity } from "../kernel/errors"
import type { EnqueueItem } from "../routing/commands"
import { hasItem, itemOf, queueOf } from "../routing/reads"
import type { CancelCallback, OpenCallbackWindow, RequestCallback, RescheduleCallback } from "./commands"
import { numberProblem } from "./e164"
import type { CallbackError } from "./errors"
import { deadlineOf } from "./expiry"
import { orRefused } from "./refusals"
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
  const existing = pendingFor(state, command)
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

/** B3: the pending callback for the request's number and queue, if there is one. */
export const pendingFor = (
  state: CenterState,
  request: Pick<Request, "queueId" | "number">,
): string | undefined => state.callback.byNumber.get(numberKey(request.queueId, request.number))

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
  const window = command.window === undefined ? undefined : windowProblem(command.window, now)
  return window === undefined ? undefined : fail(window)
}

/** C7, N3: a contact window must end after it starts, and not have ended already. */
export const windowProblem = (
  window: { readonly start: number; readonly end: number },
  now: number,
): CallbackError | undefined => {
  if (window.end <= window.start)
    return new InvalidField({ field: "window.end", message: "the window must end after it starts" })
  if (window.end <= now)
    return new InvalidField({ field: "window.end", message: "the window has already ended" })
  return undefined
}

/** The callback's routing item enters its queue (C5: offered like any item from then on). */
const enqueueItem = (
  request: Pick<CallbackRecord, "callbackId" | "queueId" | "priority" | "attributes">,
): typeof EnqueueItem.Type => ({
  _tag: "EnqueueItem",
  itemId: request.callbackId,
  queueId: request.queueId,
  priority: request.priority,
  attributes: request.attributes,
})

/** A caller waits for the answer: a refusal to queue the callback is the command's error. */
const enqueue = (
  state: CenterState,
  request: Pick<CallbackRecord, "callbackId" | "queueId" | "priority" | "attributes">,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const queued = asks.routing(state, enqueueItem(request), now)
  return Result.isFailure(queued) ? Result.fail(queued.failure) : Result.succeed(queued.success)
}

/**
 * C7: the contact window opened: the callback enters its queue now. A timer fired it, so a
 * refusal is recorded as `CallbackRefused` (issue 18) and the callback waits for its deadline.
 */
export const openWindow = (
  state: CenterState,
  command: typeof OpenCallbackWindow.Type,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const record = state.callback.callbacks.get(command.callbackId)
  if (record?.status !== "scheduled" || (record.window !== null && now < record.window.start))
    return Result.succeed([])
  const enqueue = enqueueItem(record)
  return Result.succeed(orRefused(record.callbackId, enqueue, asks.routing(state, enqueue, now), now))
}

/** I2, issue 20: an integrator manages a pending callback: cancel it, or move its window. */

const unknown = (callbackId: string): CenterDecision =>
  fail(new UnknownEntity({ entity: "callback", id: callbackId, field: "callbackId" }))

/** A callback a rep is dialling or talking to is being served: it is no longer anyone else's to change. */
const beingServed = (record: CallbackRecord, action: string): CallbackError | undefined =>
  record.status === "dialing" || record.status === "connected"
    ? new InvalidState({
        field: "callbackId",
        message: `the callback is being ${record.status === "dialing" ? "dialled" : "served"}: it cannot be ${action}`,
      })
    : undefined

/** Who asked, for the audit trail, when the driver said (the API does). */
const actorOf = (command: { readonly actor?: Actor }): { readonly actor?: Actor } =>
  command.actor === undefined ? {} : { actor: command.actor }

/**
 * Withdraw the callback: `CallbackCancelled`, then it closes as "cancelled" (C8's report; its
 * timers are disarmed by the close). One waiting for its window has no routing item and closes
 * at once; one in its queue (an offer to a rep withdrawn) or held for a retry leaves routing,
 * whose `ItemClosed` closes it. Unknown once closed: the API answers a repeat from call history.
 */
export const cancelCallback = (
  state: CenterState,
  command: typeof CancelCallback.Type,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const record = state.callback.callbacks.get(command.callbackId)
  if (record === undefined) return unknown(command.callbackId)
  const served = beingServed(record, "cancelled")
  if (served !== undefined) return fail(served)
  const { callbackId } = record
  const cancelled: CenterEvent = { _tag: "CallbackCancelled", callbackId, at: now, ...actorOf(command) }
  if (itemOf(state.routing, callbackId) === undefined)
    return Result.succeed([
      cancelled,
      { _tag: "CallbackClosed", callbackId, reason: "cancelled", attempts: record.attempts, at: now },
    ])
  const closed = asks.routing(state, { _tag: "CloseItem", itemId: callbackId, reason: "cancelled" }, now)
  return Result.isFailure(closed)
    ? Result.fail(closed.failure)
    : Result.succeed([cancelled, ...closed.success])
}

/**
 * Move the contact window (C7's rules) and with it the C8 deadline. A callback waiting for its
 * window waits for the new one, or enters its queue now if it has opened. One already in its
 * queue (or held for a retry) keeps its place there, so its new window must have started.
 */
export const rescheduleCallback = (
  state: CenterState,
  command: typeof RescheduleCallback.Type,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const record = state.callback.callbacks.get(command.callbackId)
  if (record === undefined) return unknown(command.callbackId)
  const problem = beingServed(record, "rescheduled") ?? windowProblem(command.window, now)
  if (problem !== undefined) return fail(problem)
  const { window } = command
  const waits = record.status === "scheduled"
  if (!waits && window.start > now)
    return fail(
      new InvalidField({
        field: "window.start",
        message: "the callback is already in its queue: its new window must have started",
      }),
    )
  const deadline = deadlineOf(record.requestedAt, window)
  const rescheduled: CenterEvent = {
    _tag: "CallbackRescheduled",
    callbackId: record.callbackId,
    window,
    deadline: deadline.at,
    deadlineReason: deadline.reason,
    at: now,
    ...actorOf(command),
  }
  if (!waits || window.start > now) return Result.succeed([rescheduled])
  const queued = enqueue(state, record, now, asks)
  return Result.isFailure(queued) ? queued : Result.succeed([rescheduled, ...queued.success])
}
