import type { CenterEvent } from "@lifeline/core/center"
import type { TalkHook } from "../engine/simulation"
import { WaitingWatch } from "../engine/waiting-watch"
import type { IntervalStats } from "../interval-stats"

/**
 * The interval report's view of the core's events (issue 17 Build 3): the waiting counts (as the
 * plots always had them), the callbacks asked for (C3, C4, C7) and those served, and the offers
 * reps declined or let expire (R4), each in the interval it happened in and the queue it was for.
 */
export class IntervalWatch extends WaitingWatch {
  /** Open callbacks and their queue: a CallbackClosed names only the callback. */
  private readonly callbackQueue = new Map<string, string>()

  constructor(
    private readonly stats: IntervalStats,
    private readonly routerState: ConstructorParameters<typeof WaitingWatch>[1],
  ) {
    super(stats, routerState)
  }

  override onEvent(event: CenterEvent, at: number): void {
    super.onEvent(event, at)
    if (event._tag === "OfferDeclined" || event._tag === "OfferExpired") {
      // R4: the item is back in its queue (or escalated there) when the refusal is reported.
      const queueId = this.routerState().items.get(event.itemId)?.queue.config.queueId
      if (queueId !== undefined) this.stats.offerRefused(queueId, at, event._tag === "OfferExpired")
    } else if (event._tag === "CallbackRequested") {
      this.callbackQueue.set(event.callbackId, event.queueId)
      this.stats.callbackRequested(event.queueId, at)
    } else if (event._tag === "CallbackClosed") {
      const queueId = this.callbackQueue.get(event.callbackId)
      this.callbackQueue.delete(event.callbackId)
      if (queueId !== undefined && event.reason === "served") this.stats.callbackDone(queueId, at)
    }
  }
}

/** A run's talk hook: the interval statistics' busy time, then the caller's own hook (measure.ts). */
export const talkHook = (
  stats: IntervalStats | undefined,
  own: TalkHook | undefined,
): TalkHook | undefined => {
  if (stats === undefined) return own
  return (queueId, at, handleMs) => {
    stats.talk(queueId, at, handleMs)
    own?.(queueId, at, handleMs)
  }
}
