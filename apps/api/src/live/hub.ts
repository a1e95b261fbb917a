import {
  applyToHistory,
  CENTER_STREAM,
  type CenterEngine,
  type CenterEvent,
  emptyHistory,
  projectHistory,
  Store,
} from "@lifeline/core"
import { Effect } from "effect"

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
 * more than the window holds (it then reloads its views).
 */
export const makeLiveHub = (center: CenterEngine) =>
  Effect.gen(function* () {
    const store = yield* Store
    // E8: the history projection, from the stored log and then from every append.
    const history = projectHistory(
      (yield* store.load<CenterEvent, unknown>(CENTER_STREAM)).events,
      emptyHistory(),
    )
    const recent: Batch[] = []
    const listeners = new Set<(batch: Batch) => void>()
    const unsubscribe = yield* center.subscribe((events, version) => {
      for (const e of events) applyToHistory(history, e)
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
      history,
      close: unsubscribe,
    }
  })

export type LiveHub = Effect.Success<ReturnType<typeof makeLiveHub>>
