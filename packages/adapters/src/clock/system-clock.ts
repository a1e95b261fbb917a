import { Clock } from "@lifeline/core/ports"
import { Effect, Layer, Queue } from "effect"

/** setTimeout cannot wait longer than this; longer timers wake up and re-arm. */
const MAX_DELAY_MS = 2 ** 31 - 1

/**
 * The Clock port on the wall clock. Due timers go through one queue and one fiber, so handlers
 * run one timer at a time in the order they came due. Closing the layer's scope clears them.
 */
export const SystemClockLive = Layer.effect(
  Clock,
  Effect.gen(function* () {
    const handles = new Map<string, ReturnType<typeof setTimeout>>()
    const handlers: ((timerId: string) => Effect.Effect<void>)[] = []
    const due = yield* Queue.unbounded<string>()

    const disarm = (timerId: string) => {
      const handle = handles.get(timerId)
      if (handle !== undefined) clearTimeout(handle)
      handles.delete(timerId)
    }
    const arm = (timerId: string, dueAt: number): void => {
      disarm(timerId)
      const delay = Math.max(0, dueAt - Date.now())
      const handle = setTimeout(
        () => {
          handles.delete(timerId)
          // setTimeout keeps its own time and may wake a millisecond before the wall clock reaches
          // dueAt (or far before, past MAX_DELAY_MS); a timer's command run early finds nothing to
          // do (an offer not yet expired) and the timer is spent, so wait out the rest.
          if (Date.now() < dueAt) arm(timerId, dueAt)
          else Queue.offerUnsafe(due, timerId)
        },
        Math.min(delay, MAX_DELAY_MS),
      )
      handles.set(timerId, handle)
    }

    yield* Effect.forkScoped(
      Effect.forever(
        Effect.flatMap(Queue.take(due), (timerId) =>
          Effect.forEach(handlers, (h) => h(timerId), { discard: true }),
        ),
      ),
    )
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const handle of handles.values()) clearTimeout(handle)
        handles.clear()
      }),
    )

    return {
      now: Effect.sync(() => Date.now()),
      arm: (timerId, dueAt) => Effect.sync(() => arm(timerId, dueAt)),
      disarm: (timerId) => Effect.sync(() => disarm(timerId)),
      onDue: (handler) => Effect.sync(() => void handlers.push(handler)),
    }
  }),
)
