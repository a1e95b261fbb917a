export type EmergencyEvent = never
