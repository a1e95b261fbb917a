import { Result } from "effect"
import type { CallAnswered, CallEnded, CallFailed } from "../center/commands"
import type { CenterEvent } from "../center/events"
import { telephonyMessage } from "../center/lines"
import type { CenterAsks, CenterDecision, Emit } from "../center/module"
import type { CenterState } from "../center/state"
import { issuedId } from "../ids"
import { isStillSending, messageRef } from "../outbox/reads"
import type { RoutingCommand } from "../routing/commands"
import { itemOf } from "../routing/reads"
import type { CallbackNoAnswer, RetryCallback } from "./commands"
import type { CallbackCloseReason } from "./events"
import { orRefused } from "./refusals"
import { RING_TIMEOUT_MS, retryAt } from "./retry"
import type { CallbackRecord } from "./state"

/**
 * C6 preview dialing and B1 retries. A callback item is dialled only in the follow-up of its
 * offer being accepted, once per acceptance; the rep stays assigned while the customer's phone
 * rings and is bridged when it is answered. A failed or unanswered dial frees the rep and holds
 * the item (its age kept) until the retry, or closes it when no attempt is left.
 */
const none: CenterDecision = Result.succeed([])

export const dialOnAccept = (
  state: CenterState,
  event: { readonly itemId: string; readonly offerId: string; readonly repId: string },
  now: number,
  emit: Emit,
): void => {
  const record = state.callback.callbacks.get(event.itemId)
  if (record === undefined || record.dial !== null) return
  const callId = issuedId(record.callbackId, "dial", record.dials + 1)
  const messageId = issuedId("callback", callId)
  emit({
    _tag: "CallbackDialed",
    callbackId: record.callbackId,
    attempt: record.attempts + 1,
    callId,
    messageId,
    repId: event.repId,
    offerId: event.offerId,
    noAnswerAt: now + RING_TIMEOUT_MS,
    at: now,
  })
  const place = { _tag: "PlaceCall", callId, to: record.number, from: record.from } as const
  emit(telephonyMessage(messageId, place, "callback-dial", record.callbackId, now))
}

/** Provider events about a dial leg; undefined when the call is not one. */
export const onLeg = (
  state: CenterState,
  command: typeof CallAnswered.Type | typeof CallEnded.Type | typeof CallFailed.Type,
  now: number,
  asks: CenterAsks,
): CenterDecision | undefined => {
  const callbackId = state.callback.legs.get(command.callId)
  if (callbackId === undefined) return undefined
  const record = state.callback.callbacks.get(callbackId)
  const dial = record?.dial?.callId === command.callId ? record.dial : null
  if (record === undefined) return none
  switch (command._tag) {
    case "CallAnswered":
      // An old leg answered late (after we gave up on it): nobody waits for it.
      if (dial === null) return Result.succeed([hangUpLeg(record, command.callId, now, command.eventId)])
      if (dial.connected) return none
      return Result.succeed([
        { _tag: "CallbackConnected", callbackId, callId: dial.callId, repId: dial.repId, at: now },
        telephonyMessage(
          connectMessageId(dial.callId),
          { _tag: "Connect", callId: dial.callId, repId: dial.repId },
          "callback-connect",
          callbackId,
          now,
        ),
      ])
    case "CallFailed":
      return dial === null || dial.connected
        ? none
        : Result.succeed(failAttempt(state, record, command.reason, now, false, asks))
    case "CallEnded":
      if (dial === null) return none
      // W1: the rep sees the customer hang up; the work stays theirs to wrap up and complete.
      if (dial.connected)
        return Result.succeed([
          { _tag: "CallbackCallEnded", callbackId, callId: dial.callId, repId: dial.repId, at: now },
        ])
      return Result.succeed(failAttempt(state, record, "ended before answer", now, false, asks))
  }
}

/** Ring-no-answer: the timer of a dial that is still ringing. */
export const noAnswer = (
  state: CenterState,
  command: typeof CallbackNoAnswer.Type,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const record = state.callback.callbacks.get(command.callbackId)
  const dial = record?.dial
  if (record === undefined || dial === undefined || dial === null) return none
  if (dial.callId !== command.callId || dial.connected) return none
  return Result.succeed(failAttempt(state, record, "no answer", now, true, asks))
}

/** The outbox gave up on a dial (no retry left): the attempt failed. */
export const onDialNotSent = (
  state: CenterState,
  event: { readonly messageId: string; readonly reason: string; readonly retryAt: number | null },
  now: number,
  emit: Emit,
  asks: CenterAsks,
): void => {
  if (event.retryAt !== null) return
  const ref = messageRef(state.outbox, event.messageId)
  const record = ref === undefined ? undefined : state.callback.callbacks.get(ref)
  const dial = record?.dial
  if (record === undefined || dial === undefined || dial === null) return
  if (dial.messageId === event.messageId && !dial.connected) {
    for (const e of failAttempt(state, record, `dial not placed: ${event.reason}`, now, false, asks)) emit(e)
  } else if (isConnectMessage(event.messageId, dial.callId) && dial.connected) {
    // The customer answered but could not be bridged to the rep: nobody must be left on the line.
    for (const e of failAttempt(state, record, `not bridged: ${event.reason}`, now, true, asks)) emit(e)
  }
}

const connectMessageId = (callId: string): string => issuedId("callback", callId, "connect")

/** The bridge of this leg, by its id now or as issued before issue 20 (`callback/<leg>/connect`). */
const isConnectMessage = (messageId: string, callId: string): boolean =>
  messageId === connectMessageId(callId) || messageId === `callback/${callId}/connect`

/** B1: a failed attempt frees the rep; the item is held for the retry, or closed. */
const failAttempt = (
  state: CenterState,
  record: CallbackRecord,
  reason: string,
  now: number,
  hangUp: boolean,
  asks: CenterAsks,
): CenterEvent[] => {
  const dial = record.dial
  if (dial === null) return []
  const attempt = record.attempts + 1
  const at = retryAt(record.retry, attempt, now, record.deadline)
  const events: CenterEvent[] = [
    {
      _tag: "CallbackAttemptFailed",
      callbackId: record.callbackId,
      attempt,
      callId: dial.callId,
      reason,
      retryAt: at,
      at: now,
    },
  ]
  if (hangUp) events.push(hangUpLeg(record, dial.callId, now))
  // A dial the outbox is still trying to place must not ring the customer later, with no rep.
  if (isStillSending(state.outbox, dial.messageId)) {
    events.push({
      _tag: "OutboxCancelled",
      messageId: dial.messageId,
      reason: "callback attempt given up",
      at: now,
    })
  }
  const itemId = record.callbackId
  const routing: RoutingCommand =
    at !== null
      ? { _tag: "HoldItem", itemId, repId: dial.repId }
      : {
          _tag: "CloseItem",
          itemId,
          reason: attempt >= record.retry.maxAttempts ? "unreachable" : record.deadlineReason,
        }
  events.push(...orRefused(itemId, routing, asks.routing(state, routing, now), now))
  return events
}

const hangUpLeg = (record: CallbackRecord, callId: string, now: number, eventId?: string): CenterEvent =>
  telephonyMessage(
    eventId === undefined
      ? issuedId("callback", callId, "hangup")
      : issuedId("callback", callId, "hangup", eventId),
    { _tag: "HangUp", callId },
    "callback-hangup",
    record.callbackId,
    now,
  )

/** B1: the retry delay is over: the held item returns to its queue at its original place. */
export const retry = (
  state: CenterState,
  command: typeof RetryCallback.Type,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const record = state.callback.callbacks.get(command.callbackId)
  if (record?.status !== "retry_wait" || itemOf(state.routing, command.callbackId)?.status !== "held")
    return none
  const resume: RoutingCommand = { _tag: "ResumeItem", itemId: command.callbackId }
  return Result.succeed(orRefused(command.callbackId, resume, asks.routing(state, resume, now), now))
}

const CLOSE_REASONS: ReadonlySet<string> = new Set<CallbackCloseReason>([
  "expired",
  "window_ended",
  "unreachable",
])

/** C8, B1: the callback item left routing (completed, closed, abandoned): report how it ended. */
export const onItemGone = (
  state: CenterState,
  event:
    | { readonly _tag: "WorkCompleted"; readonly itemId: string }
    | { readonly _tag: "ItemAbandoned"; readonly itemId: string }
    | { readonly _tag: "ItemClosed"; readonly itemId: string; readonly reason: string },
  now: number,
  emit: Emit,
): void => {
  const record = state.callback.callbacks.get(event.itemId)
  if (record === undefined) return
  const dial = record.dial
  if (dial !== null && !dial.connected) emit(hangUpLeg(record, dial.callId, now))
  const reason: CallbackCloseReason =
    event._tag === "WorkCompleted"
      ? dial?.connected === true
        ? "served"
        : "cancelled"
      : event._tag === "ItemClosed" && CLOSE_REASONS.has(event.reason)
        ? (event.reason as CallbackCloseReason)
        : "cancelled"
  emit({ _tag: "CallbackClosed", callbackId: record.callbackId, reason, attempts: record.attempts, at: now })
}
