import { IndexedHeap } from "@lifeline/core"

/**
 * What the simulator itself has to make happen (the core's own timers live in the Store and the
 * virtual clock): the next arrival per queue, the end of each call a rep is handling, and the moment a waiting
 * caller's patience runs out.
 */
export type SimEvent =
  | { readonly _tag: "Arrival"; readonly queueId: string }
  | { readonly _tag: "Completion"; readonly itemId: string; readonly repId: string }
  | { readonly _tag: "PatienceEnds"; readonly itemId: string }

interface Entry {
  readonly at: number
  readonly seq: number
  readonly event: SimEvent
  heapIndex: number
}

/** Events in time order; ties in the order they were scheduled, so runs are repeatable. */
export class Agenda {
  private seq = 0
  private readonly heap = new IndexedHeap<Entry>((a, b) => (a.at !== b.at ? a.at < b.at : a.seq < b.seq))

  schedule(at: number, event: SimEvent): void {
    this.heap.push({ at, seq: ++this.seq, event, heapIndex: -1 })
  }

  /** The next event if it happens at or before `until`. */
  next(until: number): { readonly at: number; readonly event: SimEvent } | undefined {
    const head = this.heap.peek()
    if (head === undefined || head.at > until) return undefined
    this.heap.pop()
    return head
  }
}
