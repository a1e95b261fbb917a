import type { CenterCommand } from "@lifeline/core"

/**
 * What the simulator itself has to make happen (the core's own timers live in the core driver):
 * the next arrival per queue, the end of each call a rep is handling, the moment a waiting
 * caller's patience runs out, the reps' scheduled presence changes, and the other parties' answers.
 */
export type SimEvent =
  | { readonly _tag: "Arrival"; readonly queueId: string }
  | { readonly _tag: "Completion"; readonly itemId: string; readonly repId: string }
  | { readonly _tag: "PatienceEnds"; readonly itemId: string }
  /** A rep's schedule (shift start or end, a break) changes their presence (R1). */
  | { readonly _tag: "PresenceChange"; readonly repId: string; readonly presenceId: string }
  /** What the provider reports back some time after an action: a key pressed, a prompt played, an answer. */
  | { readonly _tag: "Provider"; readonly command: CenterCommand }
  /** E1: some rep dials the emergency number (a Poisson process over the center). */
  | { readonly _tag: "EmergencyDial" }
  | { readonly _tag: "EmergencyEnd"; readonly repId: string }

interface Entry {
  readonly at: number
  readonly seq: number
  readonly event: SimEvent
}

const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq)

/**
 * Events in time order; ties in the order they were scheduled, so runs are repeatable. A plain
 * binary min-heap: the simulator's hottest structure, so it has no removal and no slot bookkeeping.
 */
export class Agenda {
  private seq = 0
  private readonly heap: Entry[] = []

  get size(): number {
    return this.heap.length
  }

  schedule(at: number, event: SimEvent): void {
    const heap = this.heap
    const entry: Entry = { at, seq: ++this.seq, event }
    let i = heap.length
    heap.push(entry)
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = heap[parent] as Entry
      if (!before(entry, p)) break
      heap[i] = p
      i = parent
    }
    heap[i] = entry
  }

  /** When the next event happens; undefined when none is scheduled. */
  peekAt(): number | undefined {
    return this.heap[0]?.at
  }

  /** The next event if it happens at or before `until`. */
  next(until: number): { readonly at: number; readonly event: SimEvent } | undefined {
    const heap = this.heap
    const head = heap[0]
    if (head === undefined || head.at > until) return undefined
    const last = heap.pop() as Entry
    if (heap.length > 0) this.siftDown(last)
    return head
  }

  private siftDown(entry: Entry): void {
    const heap = this.heap
    const n = heap.length
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      let child = left
      if (right < n && before(heap[right] as Entry, heap[left] as Entry)) child = right
      const c = heap[child] as Entry
      if (!before(c, entry)) break
      heap[i] = c
      i = child
    }
    heap[i] = entry
  }
}
