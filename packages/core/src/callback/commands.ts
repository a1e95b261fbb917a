import { Schema } from "effect"

export const CallbackCommand = Schema.Never
export type CallbackCommand = typeof CallbackCommand.Type
