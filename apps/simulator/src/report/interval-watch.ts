import type { CenterEvent } from "@lifeline/core"
import type { TalkHook } from "../engine/simulation"
import { WaitingWatch } from "../engine/waiting-watch"
import type { IntervalStats } from "../interval-stats"

/**
 * The interval report's view of the core's events (issue 17 Build 3): the waiting counts (as the
 * plots always had them), and the callbacks callers asked for (C3, C4) and those served, each in
 * the interval it happened in and the queue it was asked for in.
 */
export class IntervalWatch extends WaitingWatch {
  /** Open callbacks and their queue: a CallbackClosed names only the callback. */
  private readonly callbackQueue = new Map<string, string>()

  constructor(
    private readonly stats: IntervalStats,
    router: ConstructorParameters<typeof WaitingWatch>[1],
  ) {
    super(stats, router)
  }

  override onEvent(event: CenterEvent, at: number): void {
    super.onEvent(event, at)
    if (event._tag === "CallbackRequested") {
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
