import { type CallbackState, emptyCallbackState } from "../callback/state"
import { type CallsState, emptyCallsState } from "../calls/state"
import { type EmergencyState, emptyEmergencyState } from "../emergency/state"
import { emptyOutboxState, type OutboxState } from "../outbox/state"
import { emptyState as emptyRouterState, type RouterState } from "../routing/state"

/** How many provider event ids are remembered for deduplication (N2). */
export const SEEN_PROVIDER_EVENTS = 100_000

/**
 * The whole contact center's state: one part per module, rebuilt from one event stream. Only
 * what decisions need: what grows with the log's age (call history, the audit trail, delivery
 * records, the emergency operator log) is kept by read models in SQL (docs/read-models.md).
 */
export interface CenterState {
  readonly routing: RouterState
  readonly outbox: OutboxState
  readonly emergency: EmergencyState
  readonly callback: CallbackState
  readonly calls: CallsState
  /** Recently handled provider event ids, oldest first (insertion order). */
  readonly seenProviderEvents: Set<string>
}

export const emptyCenterState = (): CenterState => ({
  routing: emptyRouterState(),
  outbox: emptyOutboxState(),
  emergency: emptyEmergencyState(),
  callback: emptyCallbackState(),
  calls: emptyCallsState(),
  seenProviderEvents: new Set(),
})
