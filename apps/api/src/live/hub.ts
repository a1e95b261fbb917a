import type { CenterEngine, CenterEvent } from "@lifeline/core/center"
import { Effect } from "effect"
import { readModels } from "./read-models"

export interface Batch {
  /** The stream version after this batch: the SSE event id. */
  readonly version: number
  readonly events: readonly CenterEvent[]
}

/** How many recent batches a reconnecting client can resume from (Last-Event-ID). */
export const RESUME_WINDOW = 2_000

/**
 * Fan-out of the center's appends to live connections. Keeps a window of recent batches so a
 * client that reconnects with `Last-Event-ID` gets what it missed, or a `reset` when it missed
 * more than the window holds (it then reloads its views). It also hands the routes call history:
 * the runtime's read model (libSQL, kept by the projector in `history-projector.ts`), or, on a
 * runtime without one (the memory store of tests), the in-memory one over the store's log
 * (`read-models.ts`).
 */
export const makeLiveHub = (center: CenterEngine) =>
  Effect.gen(function* () {
    const { history } = yield* readModels
    const recent: Batch[] = []
    const listeners = new Set<(batch: Batch) => void>()
    const unsubscribe = yield* center.subscribe((events, version) => {
      const batch = { version, events }
      recent.push(batch)
      if (recent.length > RESUME_WINDOW) recent.shift()
      for (const l of listeners) l(batch)
    })
    return {
      /** Batches after `version`, or undefined when some of them are no longer kept. */
      since: (version: number): readonly Batch[] | undefined => {
        const first = recent[0]
        if (first === undefined) return []
        if (version < first.version - first.events.length) return undefined
        return recent.filter((b) => b.version > version)
      },
      listen: (listener: (batch: Batch) => void) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
      /** E8: call history, its analytics and its export. */
      history,
      close: unsubscribe,
    }
  })

export type LiveHub = Effect.Success<ReturnType<typeof makeLiveHub>>
