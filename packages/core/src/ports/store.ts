import { Context, type Effect, type Result, Schema } from "effect"
import type { Timer, TimerChange } from "./timer"

/** Another writer appended first; reload and decide again (ARCHITECTURE, Scale). */
export class VersionConflict extends Schema.TaggedError<VersionConflict>()("VersionConflict", {
  stream: Schema.String,
  expected: Schema.Number,
  actual: Schema.Number,
}) {}

/** The store could not be reached or refused the write. */
export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  message: Schema.String,
}) {}

export interface StreamSnapshot<E, C> {
  /** Number of events in the stream; the version an append must expect. */
  readonly version: number
  readonly events: readonly E[]
  /** Timers armed and neither disarmed nor fired. */
  readonly timers: readonly Timer<C>[]
}

/**
 * Event streams with their durable timers. One append stores a command's events and its timer
 * changes atomically, or nothing when `expectedVersion` is stale.
 */
export class Store extends Context.Service<
  Store,
  {
    readonly load: <E, C>(stream: string) => Effect.Effect<StreamSnapshot<E, C>, StoreUnavailable>
    /** The stream's current version, without its events: a cheap freshness check. */
    readonly version: (stream: string) => Effect.Effect<number, StoreUnavailable>
    readonly append: <E, C>(
      stream: string,
      expectedVersion: number,
      events: readonly E[],
      timers: readonly TimerChange<C>[],
    ) => Effect.Effect<number, VersionConflict | StoreUnavailable>
  }
>()("lifeline/Store") {}

/** A stored snapshot's header: which state it holds and how it is encoded (issue 22, N1). */
export interface SnapshotInfo {
  /** Unique per written snapshot. */
  readonly id: string
  /** The stream version the state holds (the events up to and including this one). */
  readonly version: number
  /** The encoding's version: a build skips a snapshot whose version it cannot read. */
  readonly schemaVersion: number
  /** Epoch ms when it was written. */
  readonly takenAt: number
}

/** What a snapshot writer hands the store: the state already encoded (an opaque string). */
export interface SnapshotRecord {
  readonly version: number
  readonly schemaVersion: number
  readonly takenAt: number
  readonly payload: string
}

/** How many snapshots a store keeps per stream (the newest): older ones are pruned on save. */
export const SNAPSHOTS_KEPT = 3

/**
 * What a store adds for snapshots (ARCHITECTURE rule 8, issue 22): an engine that finds this and
 * a `SnapshotDecoder` for its stream starts from the newest snapshot it can decode and the events
 * after it, instead of replaying the whole log. The log stays the source of truth: a snapshot is
 * only ever a shortcut to a state the log gives too, written in the background, never on a
 * command's path. A save keeps the newest `SNAPSHOTS_KEPT` of the stream.
 */
export class Snapshots extends Context.Service<
  Snapshots,
  {
    /** The stream's complete snapshots, newest (highest version) first. */
    readonly list: (stream: string) => Effect.Effect<readonly SnapshotInfo[], StoreUnavailable>
    /** One snapshot's payload; undefined when it is gone or incomplete. */
    readonly read: (stream: string, id: string) => Effect.Effect<string | undefined, StoreUnavailable>
    readonly save: (stream: string, record: SnapshotRecord) => Effect.Effect<SnapshotInfo, StoreUnavailable>
    /** The events after `version`, the stream's version and its armed timers, read together. */
    readonly loadAfter: <E, C>(
      stream: string,
      version: number,
    ) => Effect.Effect<StreamSnapshot<E, C>, StoreUnavailable>
    /** At most `limit` events after `version`, in order (a snapshot writer folds a long log in pages). */
    readonly readEvents: <E>(
      stream: string,
      version: number,
      limit: number,
    ) => Effect.Effect<readonly E[], StoreUnavailable>
  }
>()("lifeline/Snapshots") {}

/**
 * Turns a stored snapshot back into a stream's state (the encoding lives with the adapters: the
 * core stays free of it). `decode` fails, with the reason, on a snapshot it cannot read (another
 * format, a schema version this build does not know, a payload that does not parse): the engine
 * then tries an older one, and the whole log last. It must return a fresh state on every call.
 */
export class SnapshotDecoder extends Context.Service<
  SnapshotDecoder,
  {
    readonly stream: string
    readonly decode: (payload: string, info: SnapshotInfo) => Result.Result<unknown, string>
  }
>()("lifeline/SnapshotDecoder") {}

/**
 * What a store whose oldest events can be moved to an archive adds (issue 22, docs/lifetime.md
 * "Retention"): how far the stream's stored events now start. An engine that finds it starts only
 * from a snapshot at or after that point, and refuses to start (rather than replay a log with a
 * hole) when it has none it can read. A store without it has never archived anything.
 */
export class ArchivedEvents extends Context.Service<
  ArchivedEvents,
  {
    /** The last version moved out of the store (the stored events are the ones after it); 0: none. */
    readonly archivedUpTo: (stream: string) => Effect.Effect<number, StoreUnavailable>
  }
>()("lifeline/ArchivedEvents") {}

/** Why a start cannot build a stream's state: the events it needs are in an archive. */
export const archivedEventsMessage = (stream: string, archivedUpTo: number) =>
  `events 1..${archivedUpTo} of the ${stream} stream are archived and no snapshot this build can read is at or after version ${archivedUpTo}; restore them with admin archive-restore --from <file>`
