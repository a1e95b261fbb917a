// biome-ignore lint/complexity/noBannedTypes: placeholder until the module lands
export type CallbackState = {}
export const emptyCallbackState = (): CallbackState => ({})

/** True when the routing item is a callback (C5: offered as a callback; C6: dialled on accept). */
export const isCallbackItem = (_state: CallbackState, _itemId: string): boolean => false
