import type { RegionTable } from "./regions"

/**
 * The emergency module's read interface for other modules (ARCHITECTURE rule 4): whether a
 * dialled string's digits are an emergency number of a region the center serves (E1), so an
 * ordinary outbound call never carries one (W1).
 */
export const isRegionEmergencyNumber = (
  emergency: { readonly regions: Pick<RegionTable, "anyNumber"> },
  digits: string,
): boolean => emergency.regions.anyNumber.has(digits)

export { dialDigits } from "./regions"
