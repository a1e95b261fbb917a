import { type CallLeg, type CallsState, legKey } from "./state"

/**
 * What other modules and drivers may read of the calls module's slice (ARCHITECTURE rule 4):
 * a rep's legs, one leg, and whose a call is.
 */

export const legOf = (calls: CallsState, callId: string, repId: string): CallLeg | undefined => {
  const latest = calls.legs.get(callId)
  if (latest?.repId === repId) return latest
  return calls.earlier.size === 0 ? undefined : calls.earlier.get(legKey(callId, repId))
}

/**
 * A rep's legs that are up or wait for wrap-up, oldest first: by when the call was connected to
 * the rep (a ringing outbound call by when it was placed), ties in the slice's order.
 */
export const legsOfRep = (calls: CallsState, repId: string): readonly CallLeg[] => {
  const legs: CallLeg[] = []
  for (const leg of calls.earlier.values()) if (leg.repId === repId) legs.push(leg)
  for (const leg of calls.legs.values()) if (leg.repId === repId) legs.push(leg)
  return legs.length < 2 ? legs : legs.sort((a, b) => began(a) - began(b))
}

const began = (leg: CallLeg): number => leg.connectedAt ?? leg.since

/** The live leg of a call (earlier legs all ended by a transfer); undefined when none is up. */
export const liveLegOf = (calls: CallsState, callId: string): CallLeg | undefined => {
  const latest = calls.legs.get(callId)
  return latest?.state === "ended" ? undefined : latest
}

/**
 * The rep an admin acts for when it names only the call: the rep whose leg is up, else the
 * first whose ended leg waits for wrap-up; undefined when the call has no leg.
 */
export const legRepOf = (calls: CallsState, callId: string): string | undefined =>
  liveLegOf(calls, callId)?.repId ?? callRepsOf(calls, callId)[0]

/** The reps with a leg of the call (up, or waiting for wrap-up): the earlier ones, then the latest. */
export const callRepsOf = (calls: CallsState, callId: string): readonly string[] => {
  const reps: string[] = []
  for (const leg of calls.earlier.values()) if (leg.callId === callId) reps.push(leg.repId)
  const latest = calls.legs.get(callId)
  if (latest !== undefined) reps.push(latest.repId)
  return reps
}
