export type CallbackEvent = never
