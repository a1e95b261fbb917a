import { Context, type Effect, Schema } from "effect"
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
