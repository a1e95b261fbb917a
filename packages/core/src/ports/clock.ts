import { Context, type Effect } from "effect"

/**
 * Time, and wake-ups at a time. The durable part of a timer lives in the Store; the clock only
 * wakes its handlers when a timer id comes due. The system clock does that in real time; the
 * virtual clock jumps from one due time to the next when a test or the simulator says so.
 */
export class Clock extends Context.Service<
  Clock,
  {
    /** Milliseconds since the Unix epoch. */
    readonly now: Effect.Effect<number>
    /** Wake the handlers with `timerId` at `dueAt` (at once if it is past); re-arming moves it. */
    readonly arm: (timerId: string, dueAt: number) => Effect.Effect<void>
    readonly disarm: (timerId: string) => Effect.Effect<void>
    /** Register a handler for due timers; handlers run one timer at a time, in due order. */
    readonly onDue: (handler: (timerId: string) => Effect.Effect<void>) => Effect.Effect<void>
  }
>()("lifeline/Clock") {}
