import type { CallbackState } from "./state"

/** What other modules may read of the callback module's slice (issue 18, ARCHITECTURE rule 4). */

/** True when the routing item is a callback (C5: offered as a callback; C6: dialled on accept). */
export const isCallbackItem = (state: CallbackState, itemId: string): boolean => state.callbacks.has(itemId)

/** Issue 19: what the rep offered or serving a callback sees of it: whom to call, since when. */
export interface CallbackFacts {
  readonly number: string
  /** When the customer asked for the callback (epoch ms). */
  readonly requestedAt: number
}

export const callbackFacts = (state: CallbackState, itemId: string): CallbackFacts | null => {
  const record = state.callbacks.get(itemId)
  return record === undefined ? null : { number: record.number, requestedAt: record.requestedAt }
}
