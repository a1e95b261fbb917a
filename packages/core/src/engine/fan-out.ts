import { Result } from "effect"
import type { AppendListener, Outcome } from "./types"

/**
 * The engine's listeners (SSE, the outbox sender, projections): each hears stored events with
 * the stream version after them, in append order.
 */
export class FanOut<E> {
  private readonly listeners = new Set<AppendListener<E>>()

  get size(): number {
    return this.listeners.size
  }

  subscribe(listener: AppendListener<E>): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Events stored together (by other nodes, heard on a catch-up): one call. */
  tell(events: readonly E[], version: number): void {
    if (events.length === 0) return
    for (const listener of this.listeners) listener(events, version)
  }

  /** A group's outcomes appended after `before`: one call per command that stored events. */
  publish(outcomes: readonly Outcome<E, unknown, unknown>[], before: number): void {
    let at = before
    for (const outcome of outcomes) {
      if (Result.isFailure(outcome)) continue
      const { events } = outcome.success
      if (events.length === 0) continue
      at += events.length
      this.tell(events, at)
    }
  }
}
