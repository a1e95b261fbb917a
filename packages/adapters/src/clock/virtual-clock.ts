import { Clock } from "@lifeline/core/ports"
import { IndexedHeap, NOT_IN_HEAP } from "@lifeline/core/routing"
import { Context, Effect, Layer, Semaphore } from "effect"

/**
 * Control of the virtual clock: time stands still until told to move, and moving it fires every
 * timer that comes due on the way, one at a time, in due order (ties in arming order), with
 * `now` set to each timer's due time while its handlers run. Same inputs, same firing order.
 * Moves run one at a time: two callers moving it at once (a sandbox node's admins, issue 20)
 * still see every timer fire in due order, and `advanceBy` counts from where the other left it.
 */
export class VirtualClock extends Context.Service<
  VirtualClock,
  {
    /** Fire everything due up to `at`, then stand at `at`. Returns how many timers fired. */
    readonly advanceTo: (at: number) => Effect.Effect<number>
    readonly advanceBy: (ms: number) => Effect.Effect<number>
    /** Jump to the next timer and fire it; false when none is armed. */
    readonly runNext: Effect.Effect<boolean>
    /** Fire timers until none is left (or `limit` fired, against runaway re-arming). */
    readonly runAll: (limit?: number) => Effect.Effect<number>
    readonly pending: Effect.Effect<readonly { readonly timerId: string; readonly dueAt: number }[]>
    /** When the next armed timer is due; undefined when none is armed. */
    readonly nextDueAt: Effect.Effect<number | undefined>
  }
>()("lifeline/VirtualClock") {}

interface Entry {
  readonly timerId: string
  readonly dueAt: number
  readonly seq: number
  heapIndex: number
}

const before = (a: Entry, b: Entry) => (a.dueAt !== b.dueAt ? a.dueAt < b.dueAt : a.seq < b.seq)

export const makeVirtualClock = (startAt: number) => {
  let now = startAt
  let seq = 0
  const heap = new IndexedHeap<Entry>(before)
  const entries = new Map<string, Entry>()
  const handlers: ((timerId: string) => Effect.Effect<void>)[] = []
  const moving = Semaphore.makeUnsafe(1)
  const oneMoveAtATime = moving.withPermits(1)

  const disarm = (timerId: string) => {
    const entry = entries.get(timerId)
    if (entry === undefined) return
    entries.delete(timerId)
    if (entry.heapIndex !== NOT_IN_HEAP) heap.remove(entry)
  }

  const fireNext = (limit: number): Effect.Effect<boolean> =>
    Effect.suspend(() => {
      const next = heap.peek()
      if (next === undefined || next.dueAt > limit) return Effect.succeed(false)
      disarm(next.timerId)
      now = Math.max(now, next.dueAt)
      return Effect.forEach(handlers, (h) => h(next.timerId), { discard: true }).pipe(Effect.as(true))
    })

  const advanceTo = (at: number) =>
    Effect.gen(function* () {
      let fired = 0
      while (yield* fireNext(at)) fired += 1
      now = Math.max(now, at)
      return fired
    })

  const clock: Clock["Service"] = {
    now: Effect.sync(() => now),
    arm: (timerId, dueAt) =>
      Effect.sync(() => {
        disarm(timerId)
        const entry: Entry = { timerId, dueAt, seq: ++seq, heapIndex: NOT_IN_HEAP }
        entries.set(timerId, entry)
        heap.push(entry)
      }),
    disarm: (timerId) => Effect.sync(() => disarm(timerId)),
    onDue: (handler) => Effect.sync(() => void handlers.push(handler)),
  }

  const control: VirtualClock["Service"] = {
    advanceTo: (at) => oneMoveAtATime(advanceTo(at)),
    advanceBy: (ms) => oneMoveAtATime(Effect.suspend(() => advanceTo(now + ms))),
    runNext: oneMoveAtATime(fireNext(Number.POSITIVE_INFINITY)),
    runAll: (limit = 1_000_000) =>
      oneMoveAtATime(
        Effect.gen(function* () {
          let fired = 0
          while (fired < limit && (yield* fireNext(Number.POSITIVE_INFINITY))) fired += 1
          return fired
        }),
      ),
    nextDueAt: Effect.sync(() => heap.peek()?.dueAt),
    pending: Effect.sync(() =>
      [...heap.unordered()]
        .sort((a, b) => (before(a, b) ? -1 : 1))
        .map(({ timerId, dueAt }) => ({ timerId, dueAt })),
    ),
  }
  return { clock, control }
}

/** Provides both the Clock port and its VirtualClock control, sharing one timeline. */
export const VirtualClockLive = (startAt: number) =>
  Layer.effectContext(
    Effect.sync(() => {
      const { clock, control } = makeVirtualClock(startAt)
      return Context.make(Clock, clock).pipe(Context.add(VirtualClock, control))
    }),
  )
