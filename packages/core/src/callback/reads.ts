import type { CallbackState } from "./state"

/** What other modules may read of the callback module's slice (issue 18, ARCHITECTURE rule 4). */

/** True when the routing item is a callback (C5: offered as a callback; C6: dialled on accept). */
export const isCallbackItem = (state: CallbackState, itemId: string): boolean => state.callbacks.has(itemId)
