import { Result } from "effect"
import type { CenterAsks, CenterDecision } from "../center/module"
import type { CenterState } from "../center/state"
import type { RoutingCommand } from "../routing/commands"
import { itemOf } from "../routing/reads"
import type { ExpireCallback } from "./commands"
import type { DeadlineReason } from "./events"
import { orRefused } from "./refusals"

/** C8: a callback request that is never served closes this long after it could first be served. */
export const CALLBACK_LIFETIME_MS = 7 * 24 * 60 * 60_000

export interface Deadline {
  readonly at: number
  readonly reason: DeadlineReason
}

/**
 * When an unserved callback closes: 7 days after it could first be served (its request, or the
 * start of its contact window), or when its contact window ends, whichever comes first.
 */
export const deadlineOf = (
  requestedAt: number,
  window: { readonly start: number; readonly end: number } | null,
): Deadline => {
  const servable = window === null ? requestedAt : Math.max(requestedAt, window.start)
  const lapses = servable + CALLBACK_LIFETIME_MS
  return window !== null && window.end < lapses
    ? { at: window.end, reason: "window_ended" }
    : { at: lapses, reason: "expired" }
}

/**
 * C8: the deadline came. A callback not yet in its queue closes at once; one in routing leaves it
 * (a pending offer withdrawn) and is reported closed; one a rep is dialling or talking to is being
 * served and stays (a failed dial after the deadline closes it then).
 */
export const expire = (
  state: CenterState,
  command: typeof ExpireCallback.Type,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  const record = state.callback.callbacks.get(command.callbackId)
  if (record === undefined || now < record.deadline) return Result.succeed([])
  const item = itemOf(state.routing, record.callbackId)
  if (item === undefined) {
    return Result.succeed([
      {
        _tag: "CallbackClosed",
        callbackId: record.callbackId,
        reason: record.deadlineReason,
        attempts: record.attempts,
        at: now,
      },
    ])
  }
  if (item.status === "assigned") return Result.succeed([])
  const close: RoutingCommand = { _tag: "CloseItem", itemId: item.itemId, reason: record.deadlineReason }
  return Result.succeed(orRefused(record.callbackId, close, asks.routing(state, close, now), now))
}
