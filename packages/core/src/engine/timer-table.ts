import { Result } from "effect"
import { eventsOf, type Replied } from "../kernel/module"
import { disarmTimer, type Timer, type TimerChange } from "../ports/timer"
import { IndexedHeap, NOT_IN_HEAP } from "../routing/heap"

/**
 * The timer rules of the core, defined once for the Effect engine and the simulator's fast
 * driver (issue 18):
 * - a timer's id is its identity: arming an armed id replaces it (and puts it behind the others
 *   due at the same time), disarming an unknown id does nothing;
 * - a command a timer fired consumes that timer first, also when the command is refused (or it
 *   would fire forever), then its events arm and disarm what `timersOf` says (`decisionTimers`);
 * - timers fire in due order, ties in arming order (the virtual clock's order).
 */
export const decisionTimers = <C, E, Err>(
  timersOf: (event: E) => readonly TimerChange<C>[],
  firedBy: string | null,
  decided: Result.Result<readonly E[] | Replied<E, unknown>, Err>,
  visit: (change: TimerChange<C>) => void,
): void => {
  if (firedBy !== null) visit(disarmTimer(firedBy))
  if (Result.isFailure(decided)) return
  const events = eventsOf(decided.success)
  for (let i = 0; i < events.length; i++) {
    const changes = timersOf(events[i] as E)
    for (let j = 0; j < changes.length; j++) visit(changes[j] as TimerChange<C>)
  }
}

interface Entry<C> {
  readonly timer: Timer<C>
  readonly seq: number
  heapIndex: number
  /** False once fired or disarmed. */
  live: boolean
}

const dueFirst = <C>(a: Entry<C>, b: Entry<C>) =>
  a.timer.dueAt !== b.timer.dueAt ? a.timer.dueAt < b.timer.dueAt : a.seq < b.seq

/** What replacing the whole table changed: ids no longer armed, and timers new or moved. */
export interface TimersReplaced<C> {
  readonly gone: readonly string[]
  readonly moved: readonly Timer<C>[]
}

/**
 * The armed timers by id. With `dueOrder` it also answers which is due next (the fast driver,
 * which is its own clock); without, the Clock port orders them (the engine).
 *
 * Most timers are disarmed the instant they are armed (an offer expiry, when the rep accepts at
 * once), so a newly armed timer waits in `fresh` and enters the heap only when someone asks for
 * the next one; one disarmed before that never touches the heap.
 */
export class TimerTable<C> {
  private seq = 0
  private readonly armed = new Map<string, Entry<C>>()
  private readonly heap: IndexedHeap<Entry<C>> | undefined
  private fresh: Entry<C>[] = []

  constructor(options: { readonly dueOrder: boolean }) {
    this.heap = options.dueOrder ? new IndexedHeap<Entry<C>>(dueFirst) : undefined
  }

  get(timerId: string): Timer<C> | undefined {
    return this.armed.get(timerId)?.timer
  }

  /** The armed timers, in arming order. */
  timers(): Timer<C>[] {
    return Array.from(this.armed.values(), (e) => e.timer)
  }

  readonly apply = (change: TimerChange<C>): void => {
    if (change._tag === "Disarm") this.disarm(change.timerId)
    else this.arm(change.timer)
  }

  arm(timer: Timer<C>): void {
    this.disarm(timer.timerId)
    const entry: Entry<C> = { timer, seq: ++this.seq, heapIndex: NOT_IN_HEAP, live: true }
    this.armed.set(timer.timerId, entry)
    if (this.heap !== undefined) this.fresh.push(entry)
  }

  disarm(timerId: string): void {
    const entry = this.armed.get(timerId)
    if (entry === undefined) return
    this.armed.delete(timerId)
    entry.live = false
    if (entry.heapIndex !== NOT_IN_HEAP) this.heap?.remove(entry)
  }

  /** The timer due next (due order only); undefined when none is armed. */
  next(): Timer<C> | undefined {
    const heap = this.heap
    if (heap === undefined) throw new Error("this timer table keeps no due order")
    const fresh = this.fresh
    if (fresh.length > 0) {
      for (let i = 0; i < fresh.length; i++) {
        const entry = fresh[i] as Entry<C>
        if (entry.live) heap.push(entry)
      }
      // A new array rather than `length = 0`, which is a runtime call on every step.
      this.fresh = []
    }
    return heap.peek()?.timer
  }

  /** Make `timers` the whole table (a reload or a catch-up read them from the store). */
  replaceAll(timers: readonly Timer<C>[]): TimersReplaced<C> {
    const next = new Map(timers.map((t) => [t.timerId, t]))
    const gone = [...this.armed.keys()].filter((id) => !next.has(id))
    const moved = timers.filter((t) => this.get(t.timerId)?.dueAt !== t.dueAt)
    for (const id of gone) this.disarm(id)
    for (const t of timers) this.arm(t)
    return { gone, moved }
  }
}
