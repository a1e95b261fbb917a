import { Result } from "effect"
import type { CenterEvent } from "../center/events"
import type { CenterAsks, CenterDecision, Emit } from "../center/module"
import type { CenterState } from "../center/state"
import type { Handlers } from "../kernel/handlers"
import { type ItemRead, itemOf, queueOf, repOf } from "../routing/reads"
import { firstOfferAt } from "./cadence"
import type { CheckOwnWait } from "./commands"
import { nextOwnWaitStep, queueConditionHolds } from "./overflow"
import { actionEvents, canAct, isTerminal } from "./overflow-actions"
import type { OverflowWatch } from "./state"

/**
 * When C1 conditions are evaluated, without scanning waiting calls on every event:
 * - queue rules, when a call arrives in the queue (after the router had its chance to offer it);
 * - queue rules with a direct-callback action, again when the queue changes, for the calls a
 *   rule could still put under the offer (the candidates: each moves out once);
 * - own-wait rules, by one timer per call at its next threshold.
 */

const emitAll = (emit: Emit, events: readonly CenterEvent[]) => {
  for (const e of events) emit(e)
}

/** C1 on arrival: the first queue rule that holds and can act does; then the own-wait timer. */
export const onArrival = (
  state: CenterState,
  itemId: string,
  now: number,
  emit: Emit,
  asks: CenterAsks,
): void => {
  const w = state.callback.watched.get(itemId)
  const item = itemOf(state.routing, itemId)
  // Offered at once: nothing overflows; its own wait is timed if it comes back.
  if (w === undefined || w.leaving !== null || item === undefined || item.status !== "waiting") return
  const waits = state.callback.waits.get(w.queueId)
  for (const rule of w.policy.queueRules) {
    if (!canAct(state, w, rule.action) || !queueConditionHolds(rule.condition, item.queue, waits, now))
      continue
    const events = actionEvents(state, w, item, rule, now, asks)
    if (events === undefined) continue
    emitAll(emit, events)
    if (isTerminal(rule.action)) return
    break
  }
  scheduleOwnWait(w, item, now, emit)
}

/** A call that comes back to waiting (declined, expired, requeued) runs a check held back. */
export const onBackToWaiting = (
  state: CenterState,
  itemId: string,
  now: number,
  emit: Emit,
  asks: CenterAsks,
): void => {
  const w = state.callback.watched.get(itemId)
  const item = itemOf(state.routing, itemId)
  if (w === undefined || w.leaving !== null || item === undefined || item.status !== "waiting") return
  if (w.ownWaitDeferred) emitAll(emit, ownWaitEvents(state, w, item, now, asks))
  else scheduleOwnWait(w, item, now, emit)
}

/** C1/C3 while waiting: a queue change may put its candidates under a direct-callback offer. */
export const recheckQueue = (state: CenterState, queueId: string, now: number, emit: Emit): void => {
  const groups = state.callback.candidates.get(queueId)
  if (groups === undefined || groups.size === 0) return
  const queue = queueOf(state.routing, queueId)
  if (queue === undefined) return
  const waits = state.callback.waits.get(queueId)
  for (const [policy, group] of [...groups]) {
    const rule = policy.callbackQueueRules.find((r) => queueConditionHolds(r.condition, queue, waits, now))
    if (rule === undefined) continue
    for (const w of [...group]) {
      emit({
        _tag: "OverflowApplied",
        itemId: w.itemId,
        queueId,
        condition: rule.condition,
        action: rule.action,
        firstOfferAt: firstOfferAt(now),
        at: now,
      })
    }
  }
}

/** Arm the own-wait timer at the next threshold of the call's settings, if it is not armed there. */
const scheduleOwnWait = (w: OverflowWatch, item: ItemRead, now: number, emit: Emit): void => {
  const step = nextOwnWaitStep(w.policy, w.ownWaitChecked)
  const dueAt = step === undefined ? null : item.arrivedAt + step
  if (dueAt === w.ownWaitDueAt) return
  emit({
    _tag: "OwnWaitCheckScheduled",
    itemId: w.itemId,
    checkedMs: w.ownWaitChecked,
    dueAt,
    deferred: false,
    at: now,
  })
}

/** The own-wait timer fired. While a rep is being offered the call, the check waits for it. */
export const checkOwnWait = (
  state: CenterState,
  command: typeof CheckOwnWait.Type,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const w = state.callback.watched.get(command.itemId)
  const item = itemOf(state.routing, command.itemId)
  if (w === undefined || w.leaving !== null || item === undefined) return Result.succeed([])
  if (w.ownWaitDueAt === null || now < w.ownWaitDueAt) return Result.succeed([])
  if (item.status === "offered") {
    const held: CenterEvent = {
      _tag: "OwnWaitCheckScheduled",
      itemId: w.itemId,
      checkedMs: w.ownWaitChecked,
      dueAt: null,
      deferred: true,
      at: now,
    }
    return Result.succeed([held])
  }
  if (item.status !== "waiting" && item.status !== "escalated") return Result.succeed([])
  return Result.succeed(ownWaitEvents(state, w, item, now, asks))
}

/**
 * C1 own wait: the first own-wait rule whose threshold was crossed since the last check and that
 * can act does. The check is recorded first, with the next threshold unless the call leaves.
 */
const ownWaitEvents = (
  state: CenterState,
  w: OverflowWatch,
  item: ItemRead,
  now: number,
  asks: CenterAsks,
): CenterEvent[] => {
  const waited = now - item.arrivedAt
  let acted: CenterEvent[] = []
  let terminal = false
  for (const rule of w.policy.settings.rules) {
    const c = rule.condition
    if (c._tag !== "OwnWaitAbove" || c.ms <= w.ownWaitChecked || c.ms > waited) continue
    const events = actionEvents(state, w, item, rule, now, asks)
    if (events === undefined) continue
    acted = events
    terminal = isTerminal(rule.action)
    break
  }
  const step = terminal ? undefined : nextOwnWaitStep(w.policy, waited)
  const dueAt = step === undefined ? null : item.arrivedAt + step
  return [
    { _tag: "OwnWaitCheckScheduled", itemId: w.itemId, checkedMs: waited, dueAt, deferred: false, at: now },
    ...acted,
  ]
}

/** A watched call left with timers armed: disarm them (C3: no offer after hang-up or connect). */
export const endWatch = (state: CenterState, itemId: string, now: number, emit: Emit): void => {
  const w = state.callback.watched.get(itemId)
  if (w?.leaving === undefined || w.leaving === null) return
  emit({ _tag: "OverflowWatchEnded", itemId, reason: w.leaving, at: now })
}

type FollowUps = Handlers<CenterEvent, [state: CenterState, now: number, emit: Emit, asks: CenterAsks], void>

/** The overflow part of the callback module's follow-ups, registered after `h`'s. O(1) per event but for recheckQueue. */
export const withOverflowFollowUps = (h: FollowUps): FollowUps =>
  h
    .on("ItemQueued", (event, state, now, emit, asks) => {
      onArrival(state, event.itemId, now, emit, asks)
      recheckQueue(state, event.queueId, now, emit)
    })
    .on("ItemTransferred", (event, state, now, emit, asks) => {
      onArrival(state, event.itemId, now, emit, asks)
      recheckQueue(state, event.toQueueId, now, emit)
    })
    .on(["OfferDeclined", "OfferExpired", "ItemRequeued"], (event, state, now, emit, asks) => {
      onBackToWaiting(state, event.itemId, now, emit, asks)
      recheckItemQueue(state, event.itemId, now, emit)
    })
    .on("OfferAccepted", (event, state, now, emit) => {
      endWatch(state, event.itemId, now, emit)
      recheckItemQueue(state, event.itemId, now, emit)
    })
    .on(["ItemAbandoned", "ItemClosed"], (event, state, now, emit) =>
      endWatch(state, event.itemId, now, emit),
    )
    .on("PresenceChanged", (event, state, now, emit) => {
      const rep = repOf(state.routing, event.repId)
      if (rep === undefined || state.callback.candidates.size === 0) return
      for (const m of rep.membershipList) recheckQueue(state, m.queue.config.queueId, now, emit)
    })
    .on("QueueMemberRemoved", (event, state, now, emit) => recheckQueue(state, event.queueId, now, emit))

const recheckItemQueue = (state: CenterState, itemId: string, now: number, emit: Emit): void => {
  const item = itemOf(state.routing, itemId)
  if (item !== undefined) recheckQueue(state, item.queue.config.queueId, now, emit)
}
