import type { CenterEvent } from "@lifeline/core/center"
import type { RouterState } from "@lifeline/core/routing"
import type { IntervalStats } from "../interval-stats"

/**
 * Feeds the plots' interval statistics with each queue's waiting count whenever an event may
 * have changed it. Items are followed to their current queue (C1 transfers move them), so an
 * event that names only the item still finds its queue after the core has let the item go.
 */
export class WaitingWatch {
  private readonly queueOfItem = new Map<string, string>()

  constructor(
    private readonly intervals: IntervalStats,
    private readonly router: () => RouterState,
  ) {}

  private update(queueId: string | undefined, at: number): void {
    if (queueId === undefined) return
    const queue = this.router().queues.get(queueId)
    if (queue !== undefined) this.intervals.waiting(queueId, at, queue.waiting.size)
  }

  onEvent(event: CenterEvent, at: number): void {
    switch (event._tag) {
      case "ItemQueued":
        this.queueOfItem.set(event.itemId, event.queueId)
        this.update(event.queueId, at)
        return
      case "ItemTransferred":
        this.queueOfItem.set(event.itemId, event.toQueueId)
        this.update(event.fromQueueId, at)
        this.update(event.toQueueId, at)
        return
      case "OfferMade":
      case "OfferExpired":
      case "OfferDeclined":
      case "ItemHeld":
      case "ItemResumed":
      case "ItemRequeued":
        this.update(this.queueOfItem.get(event.itemId), at)
        return
      case "ItemAbandoned":
      case "ItemClosed":
      case "WorkCompleted":
        this.update(this.queueOfItem.get(event.itemId), at)
        this.queueOfItem.delete(event.itemId)
        return
      default:
        return
    }
  }
}
