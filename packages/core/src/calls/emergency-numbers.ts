import { dialDigits, isRegionEmergencyNumber } from "../emergency/reads"
import type { CallsCenter } from "./center-reads"

/**
 * E8: numbers no ordinary outbound call may dial, whatever the region table says: the common
 * emergency numbers and the US test number. The configured table's numbers are refused too.
 */
const WELL_KNOWN = new Set(["911", "112", "999", "000", "110", "119", "933"])

/** W1, E8: is `to` an emergency or test emergency number (9-1-1 and the like included)? */
export const isEmergencyDial = (state: Pick<CallsCenter, "emergency">, to: string): boolean => {
  const digits = dialDigits(to)
  return digits !== undefined && (WELL_KNOWN.has(digits) || isRegionEmergencyNumber(state.emergency, digits))
}
