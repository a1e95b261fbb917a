import { it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { describe, expect } from "vitest"
import { centerTimers, executeCenter, replayCenter } from "../center/execute"
import { emptyCenterState } from "../center/state"
import { makeEngine } from "../engine"
import { Clock } from "../ports/clock"
import { Store } from "../ports/store"
import type { Timer, TimerChange } from "../ports/timer"
import { voiceRep } from "../routing/test-kit"
import { CALLBACK_LEASE_MS, leaseExpiryTimerId } from "./callback-lease"
import { graceTimerId } from "./drop"
import { DEFAULT_GRACE_MINUTES } from "./state"
import { CALLING_NUMBER, dial, end, MONDAY_9AM_NEW_YORK, POOL } from "./test-kit"

/** What outlives a process: the stored events and timers. */
const disk = () => ({ events: [] as unknown[], timers: new Map<string, Timer<unknown>>() })
type Disk = ReturnType<typeof disk>

const storeOn = (d: Disk) =>
  Layer.succeed(Store, {
    load: <E, C>() =>
      Effect.sync(() => ({
        version: d.events.length,
        events: [...d.events] as E[],
        timers: [...d.timers.values()] as Timer<C>[],
      })),
    version: () => Effect.sync(() => d.events.length),
    append: <E, C>(_: string, _expected: number, events: readonly E[], changes: readonly TimerChange<C>[]) =>
      Effect.sync(() => {
        d.events.push(...events)
        for (const c of changes) {
          if (c._tag === "Arm") d.timers.set(c.timer.timerId, c.timer as Timer<unknown>)
          else d.timers.delete(c.timerId)
        }
        return d.events.length
      }),
  })

/** A clock standing still at `now`; `due` fires a timer the way a real clock would. */
const stillClock = (now: { at: number }) => {
  const armed = new Map<string, number>()
  let handler: ((timerId: string) => Effect.Effect<void>) | undefined
  const layer = Layer.succeed(Clock, {
    now: Effect.sync(() => now.at),
    arm: (timerId, dueAt) => Effect.sync(() => armed.set(timerId, dueAt)).pipe(Effect.asVoid),
    disarm: (timerId) => Effect.sync(() => armed.delete(timerId)).pipe(Effect.asVoid),
    onDue: (h) =>
      Effect.sync(() => {
        handler = h
      }),
  })
  const due = (timerId: string) => handler?.(timerId) ?? Effect.void
  return { layer, armed, due }
}

const center = makeEngine({
  stream: "center",
  empty: emptyCenterState,
  replay: replayCenter,
  execute: executeCenter,
  timersOf: centerTimers,
})

type Engine = Effect.Success<typeof center>

/** Ann (away) with an outbound profile, a carrier and a callback pool, the desk as fallback. */
const setUp = (engine: Engine) =>
  Effect.gen(function* () {
    yield* engine.execute({ ...voiceRep("ann"), presenceId: "away" })
    yield* engine.execute(voiceRep("desk"))
    yield* engine.execute({
      _tag: "DefineOutboundVoiceProfile",
      profileId: "out",
      name: "Main",
      callingNumber: CALLING_NUMBER,
      capacityProfiles: ["voice"],
    })
    yield* engine.execute({
      _tag: "ConfigureEmergencyCarrier",
      callingPlanNumbers: [CALLING_NUMBER],
      directRoutingRules: [],
    })
    yield* engine.execute({
      _tag: "ConfigureCallbackPool",
      numbers: [...POOL],
      overflowNumber: null,
      fallbackRepIds: ["desk"],
    })
  })

describe("N1 an emergency survives a restart of the engine", () => {
  it.effect("E10/E5 after a restart the end restores the presence and the lease's timer is armed again", () =>
    Effect.gen(function* () {
      const d = disk()
      const now = { at: MONDAY_9AM_NEW_YORK }
      const first = stillClock(now)
      yield* Effect.gen(function* () {
        const engine = yield* center
        yield* setUp(engine)
        yield* engine.execute(dial())
      }).pipe(Effect.provide(Layer.merge(storeOn(d), first.layer)))

      // The process dies; a new one starts on the same store, ten minutes later.
      now.at += 10 * 60_000
      const second = stillClock(now)
      yield* Effect.gen(function* () {
        const engine = yield* center
        const timerId = leaseExpiryTimerId("lease-1")
        expect(second.armed.get(timerId)).toBe(MONDAY_9AM_NEW_YORK + CALLBACK_LEASE_MS)
        expect(yield* engine.read((s) => s.routing.reps.get("ann")?.presenceId)).toBe("busy_dnd")
        yield* engine.execute(end())
        expect(yield* engine.read((s) => s.routing.reps.get("ann")?.presenceId)).toBe("away")
        now.at = MONDAY_9AM_NEW_YORK + CALLBACK_LEASE_MS
        yield* second.due(timerId)
        expect(yield* engine.read((s) => s.emergency.leases.size)).toBe(0)
        expect(d.timers.has(timerId)).toBe(false)
      }).pipe(Effect.provide(Layer.merge(storeOn(d), second.layer)))
    }),
  )

  it.effect(
    "W5 a restart during the grace re-arms its timer from the store; with no word it ends and restores presence (E10)",
    () =>
      Effect.gen(function* () {
        const d = disk()
        const now = { at: MONDAY_9AM_NEW_YORK }
        const windowEnd = MONDAY_9AM_NEW_YORK + CALLBACK_LEASE_MS
        const closesAt = windowEnd + DEFAULT_GRACE_MINUTES * 60_000
        const first = stillClock(now)
        yield* Effect.gen(function* () {
          const engine = yield* center
          yield* setUp(engine)
          yield* engine.execute(dial())
          // Nobody reports the call: the lease's end finds it believed up, the session is closing.
          now.at = windowEnd
          yield* first.due(leaseExpiryTimerId("lease-1"))
          expect(first.armed.get(graceTimerId("emergency-1"))).toBe(closesAt)
        }).pipe(Effect.provide(Layer.merge(storeOn(d), first.layer)))

        // The process dies in the grace; a new one starts on the same store.
        now.at = windowEnd + 5 * 60_000
        const second = stillClock(now)
        yield* Effect.gen(function* () {
          const engine = yield* center
          expect(second.armed.get(graceTimerId("emergency-1"))).toBe(closesAt)
          expect(yield* engine.read((s) => s.routing.reps.get("ann")?.presenceId)).toBe("busy_dnd")
          now.at = closesAt
          yield* second.due(graceTimerId("emergency-1"))
          expect(yield* engine.read((s) => s.routing.reps.get("ann")?.presenceId)).toBe("away")
          expect(yield* engine.read((s) => s.emergency.activeByRep.size)).toBe(0)
          expect(d.timers.size).toBe(0)
        }).pipe(Effect.provide(Layer.merge(storeOn(d), second.layer)))
      }),
  )
})
