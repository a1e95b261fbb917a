import { it } from "@effect/vitest"
import { Clock } from "@lifeline/core"
import { Deferred, Effect } from "effect"
import { describe, expect } from "vitest"
import { SystemClockLive } from "./system-clock"

describe("system clock", () => {
  it.scoped("reads the wall clock and wakes a handler when a timer comes due, not before", () =>
    Effect.gen(function* () {
      const clock = yield* Clock
      const done = yield* Deferred.make<number>()
      const fired: string[] = []
      yield* clock.onDue((id) =>
        Effect.gen(function* () {
          fired.push(id)
          if (id === "later") yield* Deferred.succeed(done, yield* clock.now)
        }),
      )
      const start = yield* clock.now
      expect(Math.abs(start - Date.now())).toBeLessThan(50)
      yield* clock.arm("dropped", start + 20)
      yield* clock.arm("later", start + 60)
      yield* clock.arm("sooner", start + 30)
      yield* clock.disarm("dropped")
      const firedAt = yield* Deferred.await(done)
      expect(firedAt - start).toBeGreaterThanOrEqual(59)
      expect(fired).toEqual(["sooner", "later"])
    }).pipe(Effect.provide(SystemClockLive)),
  )

  it.scoped("a timer already due fires at once", () =>
    Effect.gen(function* () {
      const clock = yield* Clock
      const done = yield* Deferred.make<string>()
      yield* clock.onDue((id) => Deferred.succeed(done, id))
      yield* clock.arm("overdue", (yield* clock.now) - 60_000)
      expect(yield* Deferred.await(done)).toBe("overdue")
    }).pipe(Effect.provide(SystemClockLive)),
  )
})
