import {
  SNAPSHOTS_KEPT,
  type SnapshotInfo,
  type SnapshotRecord,
  Snapshots,
  Store,
  type StreamSnapshot,
  type Timer,
  type TimerChange,
  VersionConflict,
} from "@lifeline/core/ports"
import { Context, Effect, Layer } from "effect"

interface Stream {
  readonly events: unknown[]
  readonly timers: Map<string, Timer<unknown>>
  /** Newest (highest version) first. */
  snapshots: (SnapshotInfo & { readonly payload: string })[]
}

/**
 * The Store port in memory: the same contract as the libSQL store (atomic append of events and
 * timer changes, optimistic concurrency on the version), without durability. For tests, the
 * simulator and the local demo.
 */
export const makeMemoryStore = (): Store["Service"] & Snapshots["Service"] => {
  const streams = new Map<string, Stream>()
  let saved = 0
  const streamOf = (name: string): Stream => {
    let stream = streams.get(name)
    if (stream === undefined) {
      stream = { events: [], timers: new Map(), snapshots: [] }
      streams.set(name, stream)
    }
    return stream
  }
  const loadAfter = <E, C>(name: string, after: number) =>
    Effect.sync((): StreamSnapshot<E, C> => {
      const stream = streamOf(name)
      return {
        version: stream.events.length,
        events: stream.events.slice(Math.max(0, after)) as E[],
        timers: [...stream.timers.values()] as Timer<C>[],
      }
    })
  return {
    load: (name) => loadAfter(name, 0),
    loadAfter,
    readEvents: <E>(name: string, after: number, limit: number) =>
      Effect.sync(() => streamOf(name).events.slice(Math.max(0, after), Math.max(0, after) + limit) as E[]),
    list: (name) =>
      Effect.sync(() =>
        streamOf(name).snapshots.map(({ id, version, schemaVersion, takenAt }) => ({
          id,
          version,
          schemaVersion,
          takenAt,
        })),
      ),
    read: (name, id) => Effect.sync(() => streamOf(name).snapshots.find((s) => s.id === id)?.payload),
    save: (name, record: SnapshotRecord) =>
      Effect.sync(() => {
        const stream = streamOf(name)
        saved += 1
        const { payload, ...header } = record
        const info: SnapshotInfo = { id: `${name}/${record.version}/${saved}`, ...header }
        stream.snapshots = [{ ...info, payload }, ...stream.snapshots]
          .sort((a, b) => b.version - a.version)
          .slice(0, SNAPSHOTS_KEPT)
        return info
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

export const MemoryStoreLive = Layer.effectContext(
  Effect.sync(() => {
    const store = makeMemoryStore()
    return Context.make(Store, store).pipe(Context.add(Snapshots, store))
  }),
)
