import { Result } from "effect"
import type { DigitCollected } from "../center/commands"
import type { CenterEvent } from "../center/events"
import { telephonyMessage } from "../center/lines"
import type { CenterAsks, CenterDecision } from "../center/module"
import type { CenterState } from "../center/state"
import { issuedId } from "../ids"
import { itemOf } from "../routing/reads"
import { CALLBACK_KEY, nextOfferAt, OFFER_KEY_TIMEOUT_MS } from "./cadence"
import type { PlayCallbackOffer } from "./commands"
import { deadlineOf } from "./expiry"
import { farewell } from "./farewell"
import { numberKey } from "./state"

const none: CenterDecision = Result.succeed([])

/**
 * C3: an offer came due. The caller hears it (and may press the key) while still waiting, offered
 * to a rep or escalated; the next one is due 120 s after this one was.
 */
export const playOffer = (
  state: CenterState,
  command: typeof PlayCallbackOffer.Type,
  now: number,
): CenterDecision => {
  const w = state.callback.watched.get(command.itemId)
  const offer = w?.offer
  if (w === undefined || offer === undefined || offer === null || w.leaving !== null || now < offer.dueAt)
    return none
  const item = itemOf(state.routing, command.itemId)
  if (item === undefined || item.status === "assigned" || item.status === "held") return none
  const count = offer.played + 1
  return Result.succeed([
    { _tag: "CallbackOfferPlayed", itemId: w.itemId, count, nextAt: nextOfferAt(offer.dueAt, now), at: now },
    telephonyMessage(
      issuedId("callback", w.itemId, "offer", count),
      {
        _tag: "CollectDigit",
        callId: w.itemId,
        prompt: offer.policy.texts.offer,
        timeoutMs: OFFER_KEY_TIMEOUT_MS,
      },
      "callback-offer",
      w.itemId,
      now,
    ),
  ])
}

/**
 * B3: the caller's request joins the pending callback; their call's item leaves the queue. Should
 * routing refuse to close the item, the refusal is the answer to the key press: nothing is
 * appended, rather than a join whose call stays queued.
 */
const joinPending = (
  state: CenterState,
  callbackId: string,
  callId: string,
  now: number,
  ended: CenterEvent,
  confirm: readonly CenterEvent[],
  asks: CenterAsks,
): CenterDecision => {
  const closed = asks.routing(state, { _tag: "CloseItem", itemId: callId, reason: "joined" }, now)
  if (Result.isFailure(closed)) return Result.fail(closed.failure)
  return Result.succeed([
    ended,
    { _tag: "CallbackJoined", callbackId, requestId: callId, source: "in_queue", at: now },
    ...confirm,
    ...closed.success,
  ])
}

/**
 * C4: the caller pressed a key. On 1 after an offer: the confirmation, then the line is released,
 * and the same work item stays in the queue with its age and place, now a callback. B3: when a
 * callback for the same number and queue is pending, the request joins it and the call's item
 * leaves. Any other key, or a key before any offer, is ignored. Undefined: not a call of ours.
 */
export const pressKey = (
  state: CenterState,
  command: typeof DigitCollected.Type,
  now: number,
  asks: CenterAsks,
): CenterDecision | undefined => {
  const cb = state.callback
  const w = cb.watched.get(command.callId)
  if (w === undefined) return cb.callbacks.has(command.callId) ? none : undefined
  if (command.digit !== CALLBACK_KEY || w.offer === null || w.offer.played === 0 || w.leaving !== null)
    return none
  const item = itemOf(state.routing, command.callId)
  if (w.from === null || item === undefined || item.status === "assigned") return none
  const policy = w.offer.policy
  const ended: CenterEvent = { _tag: "OverflowWatchEnded", itemId: w.itemId, reason: "pressed_1", at: now }
  const confirm = farewell(w.itemId, policy.texts.confirmation, "callback-confirmation", now)
  const existing = cb.byNumber.get(numberKey(w.queueId, w.from))
  if (existing !== undefined) return joinPending(state, existing, w.itemId, now, ended, confirm, asks)
  const deadline = deadlineOf(now, null)
  const requested: CenterEvent = {
    _tag: "CallbackRequested",
    callbackId: w.itemId,
    number: w.from,
    from: policy.callerId ?? w.to ?? "",
    queueId: w.queueId,
    source: "in_queue",
    window: null,
    priority: item.priority,
    attributes: item.attributes,
    retry: policy.retry,
    deadline: deadline.at,
    deadlineReason: deadline.reason,
    at: now,
  }
  return Result.succeed([ended, requested, ...confirm])
}
