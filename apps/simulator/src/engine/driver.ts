import type { CenterCommand, CenterEvent } from "@lifeline/core/center"
import { type Domain, decisionTimers, TimerTable } from "@lifeline/core/engine"
import { eventsOf } from "@lifeline/core/kernel"
import type { Timer } from "@lifeline/core/ports"
import type { RouterState } from "@lifeline/core/routing"
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
 * is the domain's own `execute` at the virtual now, and the timers its events arm or disarm live
 * in the core's own timer table (the engine's rules, issue 18), here in due order since this
 * driver is its own clock. No Effect runtime and no store.
 */
export class FastDriver<S, C, E, Err> implements CoreDriver<C, E> {
  readonly state: S
  private readonly timers = new TimerTable<C>({ dueOrder: true })

  constructor(private readonly domain: Domain<S, C, E, Err>) {
    this.state = domain.empty()
  }

  readonly execute = (command: C, now: number): readonly E[] => {
    const decided = this.domain.execute(this.state, command, now)
    if (Result.isFailure(decided)) throw new RefusedCommand(command, decided.failure)
    decisionTimers(this.domain.timersOf, null, decided, this.timers.apply)
    return eventsOf(decided.success)
  }

  readonly nextTimerAt = (): number | undefined => this.timers.next()?.dueAt

  readonly fireNextTimer = (): readonly E[] => {
    const next = this.timers.next()
    if (next === undefined) return []
    const decided = this.domain.execute(this.state, next.command, next.dueAt)
    decisionTimers(this.domain.timersOf, next.timerId, decided, this.timers.apply)
    return Result.isFailure(decided) ? [] : eventsOf(decided.success)
  }

  /** Timers armed and not yet fired or disarmed (for checks). */
  pendingTimers(): readonly Timer<C>[] {
    return this.timers.timers()
  }
}
