import { MemoryStoreLive, VirtualClock, VirtualClockLive } from "@lifeline/adapters"
import {
  Center,
  type CenterCommand,
  type CenterEvent,
  CenterLive,
  type CenterState,
} from "@lifeline/core/center"
import type { RouterState } from "@lifeline/core/routing"
import { Effect, Layer, ManagedRuntime, Result } from "effect"
import { type Core, type CoreDriver, RefusedCommand } from "./driver"

/**
 * The same center behind the Effect engine, the in-memory store and the virtual clock, as the
 * API runs it. Slow (a runtime round trip per command); it exists to check that the fast driver
 * produces exactly the events the Effect engine does.
 */
export const effectCenterDriver = (
  startAt: number,
): CoreDriver<CenterCommand, CenterEvent> & {
  /** Read the engine's state (the reader must not change it). */
  readonly read: <A>(reader: (state: CenterState) => A) => A
  readonly dispose: () => void
} => {
  const runtime = ManagedRuntime.make(
    CenterLive.pipe(Layer.provideMerge(Layer.merge(MemoryStoreLive, VirtualClockLive(startAt)))),
  )
  const center = runtime.runSync(Center)
  const clock = runtime.runSync(VirtualClock)
  let heard: CenterEvent[] = []
  let clockAt = startAt
  runtime.runSync(center.subscribe((events) => void heard.push(...events)))
  const take = () => {
    const events = heard
    heard = []
    return events
  }
  return {
    execute: (command, now) => {
      // Move the clock only forward: a timer a command just armed for this very instant fires
      // when the caller asks for it (fireNextTimer), as on the fast driver.
      if (now > clockAt) {
        if (runtime.runSync(clock.advanceTo(now)) > 0) throw new Error(`timers were due before ${now}`)
        clockAt = now
      }
      take()
      const result = runtime.runSync(Effect.result(center.execute(command)))
      if (Result.isFailure(result)) throw new RefusedCommand(command, result.failure)
      take()
      return result.success
    },
    nextTimerAt: () => runtime.runSync(clock.nextDueAt),
    fireNextTimer: () => {
      take()
      clockAt = Math.max(clockAt, runtime.runSync(clock.nextDueAt) ?? clockAt)
      runtime.runSync(clock.runNext)
      return take()
    },
    read: (reader) => runtime.runSync(center.read(reader)),
    dispose: () => Effect.runSync(runtime.disposeEffect),
  }
}

/** The Effect engine as the simulator's core (`--core effect`). */
export const effectCore = (startAt: number): Core => {
  const driver = effectCenterDriver(startAt)
  let router: RouterState | undefined
  return {
    kind: "effect",
    driver,
    router: () => {
      router ??= driver.read((s: CenterState) => s.routing)
      return router
    },
    dispose: driver.dispose,
  }
}
