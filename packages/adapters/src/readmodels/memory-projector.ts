import { CENTER_STREAM, type CenterEvent } from "@lifeline/core/center"
import type { Store, StoreUnavailable } from "@lifeline/core/ports"
import { Effect, Semaphore } from "effect"

/** A read model kept in memory: caught up from the store's log, then read. */
export interface MemoryProjector<S> {
  readonly catchUp: Effect.Effect<number, StoreUnavailable>
  /** Catch up, then read the model (the reader copies what it keeps). */
  readonly read: <A>(reader: (state: S) => A) => Effect.Effect<A, StoreUnavailable>
}

/**
 * The memory store's projector runner (tests, the simulator; issue 22): the same pure projection
 * as the SQL read model, applied to the store's log after a checkpoint before every read, since a
 * memory store has one writer and reading it costs nothing. `apply` gets the events after the
 * checkpoint and the stream version of the first.
 */
export const makeMemoryProjector = <S>(
  store: Store["Service"],
  state: S,
  apply: (state: S, events: readonly CenterEvent[], firstVersion: number) => void,
  stream: string = CENTER_STREAM,
): Effect.Effect<MemoryProjector<S>> =>
  Effect.gen(function* () {
    const lock = yield* Semaphore.make(1)
    let checkpoint = 0
    const catchUp = lock.withPermit(
      Effect.gen(function* () {
        const log = yield* store.load<CenterEvent, unknown>(stream)
        if (log.version > checkpoint) apply(state, log.events.slice(checkpoint), checkpoint + 1)
        checkpoint = Math.max(checkpoint, log.version)
        return checkpoint
      }),
    )
    return { catchUp, read: (reader) => Effect.map(catchUp, () => reader(state)) }
  })
