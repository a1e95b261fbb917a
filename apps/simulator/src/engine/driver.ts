import {
  type CenterCommand,
  type CenterEvent,
  type Domain,
  IndexedHeap,
  NOT_IN_HEAP,
  type RouterState,
  type Timer,
  type TimerChange,
} from "@lifeline/core"
import { Result } from "effect"

/**
 * How the simulator talks to the core: run a command at a virtual time, and fire the core's own
 * timers (offer expiry, callback cadence, leases) when they come due. Two implementations: the
 * fast synchronous one below, and the Effect engine (./effect-driver.ts) used to cross-check it.
 */
export interface CoreDriver<C, E> {
  /** Run `command` at virtual time `now`; a refusal is a simulator bug and throws. */
  readonly execute: (command: C, now: number) => readonly E[]
  /** When the next armed core timer is due; undefined when none is armed. */
  readonly nextTimerAt: () => number | undefined
  /** Fire the next armed timer (at its due time); its command's events, [] when it was refused. */
  readonly fireNextTimer: () => readonly E[]
}

/** A driver with a window on the router's state (to read the core's EWT view) and a way to stop it. */
export interface Core {
  readonly kind: string
  readonly driver: CoreDriver<CenterCommand, CenterEvent>
  readonly router: () => RouterState
  readonly dispose: () => void
}

interface TimerEntry<C> {
  readonly timer: Timer<C>
  readonly seq: number
  heapIndex: number
  /** False once fired or disarmed. */
  live: boolean
}

/** Same order as the virtual clock: due time, ties in arming order. */
const before = <C>(a: TimerEntry<C>, b: TimerEntry<C>) =>
  a.timer.dueAt !== b.timer.dueAt ? a.timer.dueAt < b.timer.dueAt : a.seq < b.seq

export class RefusedCommand extends Error {
  constructor(
    readonly command: unknown,
    readonly error: unknown,
  ) {
    super(
      `the core refused ${JSON.stringify(command)}: ${String((error as { message?: string })?.message ?? error)}`,
    )
  }
}

/**
 * The core's pure domain driven directly (ARCHITECTURE rule 3): the state lives here, each command
 * is the domain's own `execute` at the virtual now, and the timers its events arm or disarm
 * (`timersOf`) live in a heap here, with no Effect runtime and no store. Timer semantics follow
 * the Effect engine: a fired timer is consumed before its command runs, also when it is refused.
 *
 * Most timers are disarmed the instant they are armed (an offer expiry, when the rep accepts at
 * once), so a newly armed timer waits in `fresh` and enters the heap only when someone asks for
 * the next due time; one disarmed before that never touches the heap.
 */
export class FastDriver<S, C, E, Err> implements CoreDriver<C, E> {
  readonly state: S
  private seq = 0
  private readonly heap = new IndexedHeap<TimerEntry<C>>(before)
  private readonly armed = new Map<string, TimerEntry<C>>()
  private readonly fresh: TimerEntry<C>[] = []

  constructor(private readonly domain: Domain<S, C, E, Err>) {
    this.state = domain.empty()
  }

  readonly execute = (command: C, now: number): readonly E[] => {
    const decided = this.domain.execute(this.state, command, now)
    if (Result.isFailure(decided)) throw new RefusedCommand(command, decided.failure)
    this.applyTimers(decided.success)
    return decided.success
  }

  readonly nextTimerAt = (): number | undefined => this.peek()?.timer.dueAt

  readonly fireNextTimer = (): readonly E[] => {
    const next = this.peek()
    if (next === undefined) return []
    this.disarm(next.timer.timerId)
    const decided = this.domain.execute(this.state, next.timer.command, next.timer.dueAt)
    if (Result.isFailure(decided)) return []
    this.applyTimers(decided.success)
    return decided.success
  }

  /** Timers armed and not yet fired or disarmed (for checks). */
  pendingTimers(): readonly Timer<C>[] {
    return [...this.armed.values()].map((e) => e.timer)
  }

  private peek(): TimerEntry<C> | undefined {
    const fresh = this.fresh
    if (fresh.length > 0) {
      for (let i = 0; i < fresh.length; i++) {
        const entry = fresh[i] as TimerEntry<C>
        if (entry.live) this.heap.push(entry)
      }
      fresh.length = 0
    }
    return this.heap.peek()
  }

  private applyTimers(events: readonly E[]): void {
    for (let i = 0; i < events.length; i++) {
      const changes = this.domain.timersOf(events[i] as E)
      for (let j = 0; j < changes.length; j++) this.apply(changes[j] as TimerChange<C>)
    }
  }

  private apply(change: TimerChange<C>): void {
    if (change._tag === "Disarm") {
      this.disarm(change.timerId)
      return
    }
    this.disarm(change.timer.timerId)
    const entry: TimerEntry<C> = { timer: change.timer, seq: ++this.seq, heapIndex: NOT_IN_HEAP, live: true }
    this.armed.set(change.timer.timerId, entry)
    this.fresh.push(entry)
  }

  private disarm(timerId: string): void {
    const entry = this.armed.get(timerId)
    if (entry === undefined) return
    this.armed.delete(timerId)
    entry.live = false
    if (entry.heapIndex !== NOT_IN_HEAP) this.heap.remove(entry)
  }
}
