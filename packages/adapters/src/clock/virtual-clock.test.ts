import { it } from "@effect/vitest"
import { Clock } from "@lifeline/core/ports"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { VirtualClock, VirtualClockLive } from "./virtual-clock"

const recorder = Effect.gen(function* () {
  const clock = yield* Clock
  const fired: [string, number][] = []
  yield* clock.onDue((id) => Effect.map(clock.now, (now) => void fired.push([id, now])))
  return fired
})

describe("virtual clock", () => {
  it.effect("time stands still until moved, then jumps from timer to timer in due order", () =>
    Effect.gen(function* () {
      const clock = yield* Clock
      const control = yield* VirtualClock
      const fired = yield* recorder
      yield* clock.arm("b", 2_000)
      yield* clock.arm("a", 1_000)
      yield* clock.arm("c", 2_000)
      expect(yield* clock.now).toBe(0)
      expect(yield* control.nextDueAt).toBe(1_000)
      expect(yield* control.advanceTo(1_999)).toBe(1)
      expect(yield* clock.now).toBe(1_999)
      expect(yield* control.advanceBy(1)).toBe(2)
      // Ties fire in arming order, each with `now` at its own due time.
      expect(fired).toEqual([
        ["a", 1_000],
        ["b", 2_000],
        ["c", 2_000],
      ])
    }).pipe(Effect.provide(VirtualClockLive(0))),
  )

  it.effect("re-arming moves a timer, disarming drops it, and a handler may arm a later one", () =>
    Effect.gen(function* () {
      const clock = yield* Clock
      const control = yield* VirtualClock
      const fired: string[] = []
      yield* clock.onDue((id) =>
        Effect.gen(function* () {
          fired.push(id)
          if (id === "first") yield* clock.arm("chained", (yield* clock.now) + 500)
        }),
      )
      yield* clock.arm("first", 100)
      yield* clock.arm("moved", 50)
      yield* clock.arm("moved", 10_000)
      yield* clock.arm("dropped", 200)
      yield* clock.disarm("dropped")
      expect(yield* control.advanceTo(1_000)).toBe(2)
      expect(fired).toEqual(["first", "chained"])
      expect(yield* control.pending).toEqual([{ timerId: "moved", dueAt: 10_000 }])
      expect(yield* control.runAll()).toBe(1)
      expect(yield* clock.now).toBe(10_000)
    }).pipe(Effect.provide(VirtualClockLive(0))),
  )

  it.effect("a timer armed in the past fires at the next move, without turning time back", () =>
    Effect.gen(function* () {
      const clock = yield* Clock
      const control = yield* VirtualClock
      const fired = yield* recorder
      yield* clock.arm("late", 100)
      expect(yield* control.advanceBy(0)).toBe(1)
      expect(fired).toEqual([["late", 5_000]])
    }).pipe(Effect.provide(VirtualClockLive(5_000))),
  )

  it.effect(
    "issue 20 I5 two moves at once run one after the other: every timer fires in due order, and the second move counts from where the first left the clock",
    () =>
      Effect.gen(function* () {
        const clock = yield* Clock
        const control = yield* VirtualClock
        const fired: [string, number][] = []
        // Each handler yields to other fibers while it runs, as the engine's timer commands do.
        yield* clock.onDue((id) =>
          Effect.gen(function* () {
            yield* Effect.yieldNow
            fired.push([id, yield* clock.now])
          }),
        )
        for (const [id, at] of [
          ["t1", 10],
          ["t2", 20],
          ["t3", 30],
          ["t4", 40],
        ] as const)
          yield* clock.arm(id, at)
        const counts = yield* Effect.all([control.advanceBy(25), control.advanceBy(25)], {
          concurrency: "unbounded",
        })
        expect(counts).toEqual([2, 2])
        expect(yield* clock.now).toBe(50)
        expect(fired).toEqual([
          ["t1", 10],
          ["t2", 20],
          ["t3", 30],
          ["t4", 40],
        ])
      }).pipe(Effect.provide(VirtualClockLive(0))),
  )
})
