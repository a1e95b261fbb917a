export type CallbackError = never
