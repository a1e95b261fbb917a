/**
 * A durable timer: stored with the events that armed it (ARCHITECTURE rule 4), fired through
 * the Clock port, and answered by running `command`. Its id is stable, so arming the same timer
 * twice keeps one, and a fired timer that is fired again finds nothing to do.
 */
export interface Timer<C = unknown> {
  readonly timerId: string
  readonly dueAt: number
  readonly command: C
}

export type TimerChange<C = unknown> =
  | { readonly _tag: "Arm"; readonly timer: Timer<C> }
  | { readonly _tag: "Disarm"; readonly timerId: string }

/** Arm `timerId` to run `command` at `dueAt` (re-arming an armed id moves it). */
export const armTimer = <C>(timerId: string, dueAt: number, command: C): TimerChange<C> => ({
  _tag: "Arm",
  timer: { timerId, dueAt, command },
})

export const disarmTimer = <C = never>(timerId: string): TimerChange<C> => ({ _tag: "Disarm", timerId })
