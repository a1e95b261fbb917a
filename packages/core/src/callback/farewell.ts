import type { CenterEvent } from "../center/events"
import { telephonyMessage } from "../center/lines"
import type { CenterState } from "../center/state"
import { issuedId } from "../ids"
import { FAREWELL_HANG_UP_AFTER_MS } from "./cadence"

/**
 * A caller's last prompt (C4 confirmation, C1 end call): the line is released once the prompt
 * has played, so the caller hears all of it; if the provider never says it has, a timer releases
 * the line; a caller who hangs up first releases it themselves.
 */
export const farewell = (callId: string, prompt: string, purpose: string, now: number): CenterEvent[] => [
  { _tag: "CallerFarewell", callId, hangUpBy: now + FAREWELL_HANG_UP_AFTER_MS, at: now },
  telephonyMessage(
    issuedId("callback", callId, "farewell"),
    { _tag: "Play", callId, prompt },
    purpose,
    callId,
    now,
  ),
]

/** The release of a caller hearing a farewell, or undefined when the call is not. */
export const release = (
  state: CenterState,
  callId: string,
  by: "prompt_played" | "timeout" | "caller",
  now: number,
): CenterEvent[] | undefined => {
  const hangUpBy = state.callback.farewells.get(callId)
  if (hangUpBy === undefined || (by === "timeout" && now < hangUpBy)) return undefined
  const released: CenterEvent = { _tag: "CallerReleased", callId, by, at: now }
  if (by === "caller") return [released]
  return [
    released,
    telephonyMessage(
      issuedId("callback", callId, "hangup"),
      { _tag: "HangUp", callId },
      "callback-hangup",
      callId,
      now,
    ),
  ]
}
