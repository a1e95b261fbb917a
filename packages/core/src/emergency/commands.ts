import { Schema } from "effect"

export const EmergencyCommand = Schema.Never
export type EmergencyCommand = typeof EmergencyCommand.Type
