import { Result } from "effect"
import type { CenterEvent } from "../center/events"
import { telephonyMessage } from "../center/lines"
import type { CenterAsks } from "../center/module"
import type { CenterState } from "../center/state"
import { issuedId } from "../ids"
import { hasQueue, type ItemRead } from "../routing/reads"
import { firstOfferAt } from "./cadence"
import { farewell } from "./farewell"
import type { OverflowAction, OverflowRule } from "./overflow"
import type { OverflowWatch } from "./state"

/**
 * C1 actions on a watched call, as the events they take. Each returns undefined when it cannot
 * be taken now, so the next rule may act instead: no callback offer to a caller whose number
 * cannot be called back (B2) or who already hears it; no transfer back to a queue the call came
 * from (loops), nor to a queue that does not exist.
 */
export const canAct = (state: CenterState, w: OverflowWatch, action: OverflowAction): boolean => {
  switch (action._tag) {
    case "DirectCallback":
      return w.offer === null && w.from !== null
    case "TransferToQueue":
      return (
        action.queueId !== w.queueId &&
        !w.visited.includes(action.queueId) &&
        hasQueue(state.routing, action.queueId)
      )
    case "Voicemail":
    case "EndCall":
      return true
  }
}

/** Whether the action leaves the call waiting in the same queue (only a callback offer does). */
export const isTerminal = (action: OverflowAction): boolean => action._tag !== "DirectCallback"

export const actionEvents = (
  state: CenterState,
  w: OverflowWatch,
  item: ItemRead,
  rule: OverflowRule,
  now: number,
  asks: CenterAsks,
): CenterEvent[] | undefined => {
  if (!canAct(state, w, rule.action)) return undefined
  const action = rule.action
  const applied: CenterEvent = {
    _tag: "OverflowApplied",
    itemId: item.itemId,
    queueId: w.queueId,
    condition: rule.condition,
    action,
    firstOfferAt: action._tag === "DirectCallback" ? firstOfferAt(now) : null,
    at: now,
  }
  switch (action._tag) {
    case "DirectCallback":
      return [applied]
    case "TransferToQueue": {
      const moved = asks.routing(
        state,
        { _tag: "TransferItem", itemId: item.itemId, queueId: action.queueId },
        now,
      )
      return Result.isFailure(moved) ? undefined : [applied, ...moved.success]
    }
    case "Voicemail": {
      const closed = close(state, item, "voicemail", now, asks)
      if (closed === undefined) return undefined
      const prompt = { _tag: "Play", callId: item.itemId, prompt: w.policy.texts.voicemail } as const
      return [
        applied,
        telephonyMessage(
          issuedId("callback", item.itemId, "voicemail"),
          prompt,
          "overflow-voicemail",
          item.itemId,
          now,
        ),
        ...closed,
      ]
    }
    case "EndCall": {
      const closed = close(state, item, "ended", now, asks)
      if (closed === undefined) return undefined
      return [applied, ...farewell(item.itemId, w.policy.texts.endCall, "overflow-end-call", now), ...closed]
    }
  }
}

const close = (state: CenterState, item: ItemRead, reason: string, now: number, asks: CenterAsks) => {
  const closed = asks.routing(state, { _tag: "CloseItem", itemId: item.itemId, reason }, now)
  return Result.isFailure(closed) ? undefined : closed.success
}
