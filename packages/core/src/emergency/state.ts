// biome-ignore lint/complexity/noBannedTypes: placeholder until the module lands
export type EmergencyState = {}
export const emptyEmergencyState = (): EmergencyState => ({})
