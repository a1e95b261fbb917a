import { it } from "@effect/vitest"
import { Clock } from "@lifeline/core/ports"
import { Deferred, Effect } from "effect"
import { describe, expect } from "vitest"
import { SystemClockLive } from "./system-clock"

describe("system clock", () => {
  it.effect("reads the wall clock and wakes a handler when a timer comes due, not before", () =>
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

  it.effect("a timer already due fires at once", () =>
    Effect.gen(function* () {
      const clock = yield* Clock
      const done = yield* Deferred.make<string>()
      yield* clock.onDue((id) => Deferred.succeed(done, id))
      yield* clock.arm("overdue", (yield* clock.now) - 60_000)
      expect(yield* Deferred.await(done)).toBe("overdue")
    }).pipe(Effect.provide(SystemClockLive)),
  )

  it.live(
    "N1 a handler never runs before its timer's due time on the wall clock (setTimeout may wake a millisecond early)",
    () =>
      Effect.gen(function* () {
        const clock = yield* Clock
        const dueAt = new Map<string, number>()
        const early: string[] = []
        const done = yield* Deferred.make<void>()
        const COUNT = 400
        let fired = 0
        yield* clock.onDue((id) =>
          Effect.gen(function* () {
            const now = yield* clock.now
            if (now < (dueAt.get(id) ?? 0)) early.push(`${id} ran ${(dueAt.get(id) ?? 0) - now} ms early`)
            fired += 1
            if (fired === COUNT) yield* Deferred.succeed(done, undefined)
          }),
        )
        // Due times spread over a few hundred milliseconds, armed from several turns of the loop:
        // about one in ten used to wake while Date.now() was still a millisecond short.
        for (let i = 0; i < COUNT; i++) {
          const at = (yield* clock.now) + 5 + Math.floor(Math.random() * 250)
          dueAt.set(`t${i}`, at)
          yield* clock.arm(`t${i}`, at)
          if (i % 20 === 19) yield* Effect.sleep("1 millis")
        }
        yield* Deferred.await(done)
        expect(early).toEqual([])
      }).pipe(Effect.provide(SystemClockLive)),
  )
})
