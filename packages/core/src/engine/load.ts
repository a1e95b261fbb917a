import { Effect, Option, Result } from "effect"
import {
  ArchivedEvents,
  archivedEventsMessage,
  SnapshotDecoder,
  type SnapshotInfo,
  Snapshots,
  Store,
  StoreUnavailable,
} from "../ports/store"
import type { Timer } from "../ports/timer"
import type { Domain } from "./types"

/** A stream as read at a start or a reload: `events` are those after the snapshot at `from`. */
export interface Loaded<S, C, E> {
  readonly state: S
  readonly version: number
  readonly timers: readonly Timer<C>[]
  readonly from: number
  readonly events: readonly E[]
}

/**
 * The state as stored (issue 22, N1): from the newest snapshot this build can decode and the
 * events after it, or from the whole log when there is none. A snapshot that cannot be read
 * (incomplete, another encoding, a schema version this build does not know) is skipped with a
 * warning and the next older one tried: a start never fails on a snapshot.
 *
 * After an archive (`admin archive`, issue 22 Retention) the stored events start after
 * `archived`: only a snapshot at or after it can be completed from the store, and without one
 * the start fails with what to do, rather than build a state from a log with a hole.
 */
export const makeLoader = <S, C, E, Err, R>(domain: Domain<S, C, E, Err, R>) =>
  Effect.gen(function* () {
    const store = yield* Store
    const snapshots = Option.getOrUndefined(yield* Effect.serviceOption(Snapshots))
    const decoder = Option.getOrUndefined(
      Option.filter(yield* Effect.serviceOption(SnapshotDecoder), (d) => d.stream === domain.stream),
    )
    const archive = Option.getOrUndefined(yield* Effect.serviceOption(ArchivedEvents))

    const skip = (info: SnapshotInfo, reason: string) =>
      Effect.logWarning("snapshot skipped", {
        stream: domain.stream,
        version: info.version,
        schemaVersion: info.schemaVersion,
        reason,
      })

    const fromSnapshot = (archived: number) =>
      Effect.gen(function* () {
        if (snapshots === undefined || decoder === undefined) return undefined
        const infos = yield* snapshots
          .list(domain.stream)
          .pipe(
            Effect.catch((error) =>
              Effect.as(Effect.logWarning("cannot list snapshots", { stream: domain.stream, error }), []),
            ),
          )
        for (const info of infos) {
          if (info.version < archived) {
            yield* skip(info, `older than the archived events 1..${archived}`)
            continue
          }
          const payload = yield* snapshots
            .read(domain.stream, info.id)
            .pipe(Effect.catch(() => Effect.succeed(undefined)))
          const decoded =
            payload === undefined ? Result.fail("incomplete or gone") : decoder.decode(payload, info)
          if (Result.isFailure(decoded)) {
            yield* skip(info, decoded.failure)
            continue
          }
          const tail = yield* snapshots.loadAfter<E, C>(domain.stream, info.version)
          if (tail.version < info.version) continue
          const loaded: Loaded<S, C, E> = {
            state: domain.replay(decoded.success as S, tail.events),
            version: tail.version,
            timers: tail.timers,
            from: info.version,
            events: tail.events,
          }
          return loaded
        }
        return undefined
      })

    const latest = Effect.gen(function* () {
      const archived = archive === undefined ? 0 : yield* archive.archivedUpTo(domain.stream)
      const snapshot = yield* fromSnapshot(archived)
      if (snapshot !== undefined) return snapshot
      if (archived > 0)
        return yield* new StoreUnavailable({ message: archivedEventsMessage(domain.stream, archived) })
      const all = yield* store.load<E, C>(domain.stream)
      const loaded: Loaded<S, C, E> = {
        state: domain.replay(domain.empty(), all.events),
        version: all.version,
        timers: all.timers,
        from: 0,
        events: all.events,
      }
      return loaded
    })

    /**
     * The events others stored after `seen` (the version the listeners last heard), from what a
     * load read: its tail when its base is not newer than `seen`, else read again.
     */
    const storedSince = (seen: number, loaded: Loaded<S, C, E>) =>
      loaded.from <= seen || snapshots === undefined
        ? Effect.succeed(loaded.events.slice(Math.max(0, seen - loaded.from)))
        : Effect.map(snapshots.loadAfter<E, C>(domain.stream, seen), (tail) => tail.events)

    return { latest, storedSince }
  })

export type Loader<S, C, E> = Effect.Success<ReturnType<typeof makeLoader<S, C, E, unknown, unknown>>>
