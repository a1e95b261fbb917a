export type EmergencyError = never
