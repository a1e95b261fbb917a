import type { CenterState } from "../center/state"
import { offeredItemId } from "../routing/reads"
import { itemPosition } from "../routing/views"
import type { CallbackSource } from "./events"
import type { OverflowSettings } from "./overflow"
import type { CallbackStatus } from "./state"

/** Read models for drivers and tests. None of them changes anything. */

/** C5: what a rep is being offered: a callback to make, or an incoming call. */
export const offerKind = (state: CenterState, offerId: string): "callback" | "call" | undefined => {
  const itemId = offeredItemId(state.routing, offerId)
  if (itemId === undefined) return undefined
  return state.callback.callbacks.has(itemId) ? "callback" : "call"
}

export interface CallbackView {
  readonly callbackId: string
  readonly number: string
  readonly queueId: string
  readonly source: CallbackSource
  readonly status: CallbackStatus
  /** 1-based place in the queue while it waits there (R3), else null. */
  readonly position: number | null
  readonly attempts: number
  readonly requestedAt: number
  readonly window: { readonly start: number; readonly end: number } | null
  readonly retryAt: number | null
  /** C8: when it closes unserved. */
  readonly deadline: number
  /** B3: requests that joined this one. */
  readonly joined: number
}

/** A pending callback; closed ones are reported by their `CallbackClosed` event. */
export const callbackView = (state: CenterState, callbackId: string): CallbackView | undefined => {
  const r = state.callback.callbacks.get(callbackId)
  if (r === undefined) return undefined
  return {
    callbackId,
    number: r.number,
    queueId: r.queueId,
    source: r.source,
    status: r.status,
    position: itemPosition(state.routing, callbackId),
    attempts: r.attempts,
    requestedAt: r.requestedAt,
    window: r.window,
    retryAt: r.retryAt,
    deadline: r.deadline,
    joined: r.joined,
  }
}

export interface OverflowCallView {
  readonly itemId: string
  readonly queueId: string
  /** C3: the caller hears the callback offer. */
  readonly offered: boolean
  readonly offersPlayed: number
  readonly nextOfferAt: number | null
  readonly nextOwnWaitCheckAt: number | null
}

/** How the overflow handling sees a waiting call, or undefined when it does not watch it. */
export const overflowCallView = (state: CenterState, itemId: string): OverflowCallView | undefined => {
  const w = state.callback.watched.get(itemId)
  if (w === undefined || w.leaving !== null) return undefined
  return {
    itemId,
    queueId: w.queueId,
    offered: w.offer !== null,
    offersPlayed: w.offer?.played ?? 0,
    nextOfferAt: w.offer?.dueAt ?? null,
    nextOwnWaitCheckAt: w.ownWaitDueAt,
  }
}

/** C1: a queue's overflow settings as last set. */
export const queueOverflow = (state: CenterState, queueId: string): OverflowSettings | undefined =>
  state.callback.queues.get(queueId)?.settings
