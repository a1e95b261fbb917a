import {
  CENTER_STREAM,
  type CenterEvent,
  type CenterState,
  emptyCenterState,
  replayCenter,
} from "@lifeline/core/center"
import type { SnapshotInfo, Snapshots, StoreUnavailable } from "@lifeline/core/ports"
import { Effect, Result } from "effect"
import { CENTER_SNAPSHOT_SCHEMA_VERSION, decodeCenterState, encodeCenterState } from "./center-codec"

/** How a stream's state is folded from its events and written as a snapshot (pure parts only). */
export interface SnapshotFold<S, E> {
  readonly stream: string
  readonly empty: () => S
  /** The core's own replay: the same fold a start does, so a snapshot is the state a replay gives. */
  readonly replay: (state: S, events: readonly E[]) => S
  readonly schemaVersion: number
  readonly encode: (state: S, streamVersion: number, takenAt: number) => string
  readonly decode: (payload: string, info: SnapshotInfo) => Result.Result<S, string>
}

export const centerFold: SnapshotFold<CenterState, CenterEvent> = {
  stream: CENTER_STREAM,
  empty: emptyCenterState,
  replay: replayCenter,
  schemaVersion: CENTER_SNAPSHOT_SCHEMA_VERSION,
  encode: encodeCenterState,
  decode: decodeCenterState,
}

/** Events read and folded at a time. */
const FOLD_PAGE = 10_000

/** A state folded up to `version`; `saved`: the version of the newest snapshot written or read. */
export interface Folded<S> {
  readonly state: S
  readonly version: number
  readonly saved: number
}

/** The newest snapshot this build can decode, or the empty state at version 0. */
export const latestFolded = <S, E>(
  snapshots: Snapshots["Service"],
  fold: SnapshotFold<S, E>,
): Effect.Effect<Folded<S>, StoreUnavailable> =>
  Effect.gen(function* () {
    for (const info of yield* snapshots.list(fold.stream)) {
      const payload = yield* snapshots.read(fold.stream, info.id)
      if (payload === undefined) continue
      const decoded = fold.decode(payload, info)
      if (Result.isSuccess(decoded))
        return { state: decoded.success, version: info.version, saved: info.version }
    }
    return { state: fold.empty(), version: 0, saved: 0 }
  })

/**
 * One snapshot round (issue 22): fold the log forward from `from` (the state of the previous
 * round, or else the newest usable snapshot, or else the start) with the core's replay, and save
 * the result as a snapshot when the log moved past the last one. The events are read from the
 * store, never taken from a running engine, so the snapshot holds exactly the stored log's state
 * at its version. Returns the state folded (the next round starts from it) and what was saved.
 */
export const takeSnapshot = <S, E>(
  snapshots: Snapshots["Service"],
  fold: SnapshotFold<S, E>,
  from: Folded<S> | undefined,
  takenAt: number,
  page = FOLD_PAGE,
): Effect.Effect<
  { readonly folded: Folded<S>; readonly saved: SnapshotInfo | undefined },
  StoreUnavailable
> =>
  Effect.gen(function* () {
    const start = from ?? (yield* latestFolded(snapshots, fold))
    // Page by page: a long log (a first snapshot of an old store) never sits in memory whole.
    let state = start.state
    let version = start.version
    for (;;) {
      const events = yield* snapshots.readEvents<E>(fold.stream, version, page)
      state = fold.replay(state, events)
      version += events.length
      if (events.length < page) break
    }
    if (version <= start.saved) return { folded: { state, version, saved: start.saved }, saved: undefined }
    const payload = fold.encode(state, version, takenAt)
    const saved = yield* snapshots.save(fold.stream, {
      version,
      schemaVersion: fold.schemaVersion,
      takenAt,
      payload,
    })
    return { folded: { state, version, saved: version }, saved }
  })
