import { Store, type StreamSnapshot, type Timer, type TimerChange, VersionConflict } from "@lifeline/core"
import { Effect, Layer } from "effect"

interface Stream {
  readonly events: unknown[]
  readonly timers: Map<string, Timer<unknown>>
}

/**
 * The Store port in memory: the same contract as the libSQL store (atomic append of events and
 * timer changes, optimistic concurrency on the version), without durability. For tests, the
 * simulator and the local demo.
 */
export const makeMemoryStore = (): Store["Service"] => {
  const streams = new Map<string, Stream>()
  const streamOf = (name: string): Stream => {
    let stream = streams.get(name)
    if (stream === undefined) {
      stream = { events: [], timers: new Map() }
      streams.set(name, stream)
    }
    return stream
  }
  return {
    load: <E, C>(name: string) =>
      Effect.sync((): StreamSnapshot<E, C> => {
        const stream = streamOf(name)
        return {
          version: stream.events.length,
          events: [...stream.events] as E[],
          timers: [...stream.timers.values()] as Timer<C>[],
        }
      }),
    version: (name) => Effect.sync(() => streamOf(name).events.length),
    append: <E, C>(
      name: string,
      expectedVersion: number,
      events: readonly E[],
      timers: readonly TimerChange<C>[],
    ) =>
      Effect.suspend(() => {
        const stream = streamOf(name)
        const actual = stream.events.length
        if (actual !== expectedVersion) {
          return Effect.fail(new VersionConflict({ stream: name, expected: expectedVersion, actual }))
        }
        for (const event of events) stream.events.push(event)
        for (const change of timers) {
          if (change._tag === "Arm") stream.timers.set(change.timer.timerId, change.timer)
          else stream.timers.delete(change.timerId)
        }
        return Effect.succeed(stream.events.length)
      }),
  }
}

export const MemoryStoreLive = Layer.sync(Store, makeMemoryStore)
