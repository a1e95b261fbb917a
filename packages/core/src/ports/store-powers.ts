import { Context, type Effect } from "effect"
import type { Store, StoreUnavailable, StreamSnapshot } from "./store"

// Optional powers a store can add to the Store port, which the engine uses when present (the
// libSQL store provides both): grouping commands into one append, and catching up with other
// nodes' writes on a shared server.

/**
 * How an engine groups commands. Without it a group is whatever arrived while the previous write
 * was in flight, which is plenty when writes wait on a server. A store whose writes block the
 * thread (an embedded file) provides it with `gather` yielding to the event loop once, so the
 * requests that are arriving meanwhile join the group.
 */
export class GroupCommit extends Context.Service<
  GroupCommit,
  {
    /** The most commands stored in one append; 1 turns group commit off. */
    readonly maxGroup: number
    /** Runs before a group is taken, while the lock is held. */
    readonly gather: Effect.Effect<void>
  }
>()("lifeline/GroupCommit") {}

/** The writes of one read-decide-append, inside a `SharedStore.exclusive` block or not. */
export interface StoreWriter {
  readonly loadAfter: <E, C>(
    stream: string,
    version: number,
  ) => Effect.Effect<StreamSnapshot<E, C>, StoreUnavailable>
  readonly append: Store["Service"]["append"]
}

/**
 * What a store shared by several nodes can add to the port (the libSQL store does). With
 * `loadAfter` (the events after a version, the version and the armed timers, read together) an
 * engine that lost a race catches up just before deciding again, one round trip from the
 * store's state instead of a whole replay behind it. With `exclusive` (hold the store's write
 * lock across a read and an append) an engine that keeps losing to a busy peer takes its turn.
 */
export class SharedStore extends Context.Service<
  SharedStore,
  StoreWriter & {
    readonly exclusive?: <A, X>(
      body: (locked: StoreWriter) => Effect.Effect<A, X>,
    ) => Effect.Effect<A, X | StoreUnavailable>
  }
>()("lifeline/SharedStore") {}
