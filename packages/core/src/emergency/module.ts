import type { CenterCommand } from "../center/commands"
import type { CenterError } from "../center/errors"
import type { CenterEvent } from "../center/events"
import type { CenterModule } from "../center/module"
import type { CenterState } from "../center/state"
import { handlers, widen } from "../kernel/handlers"
import type { ReadReply } from "../kernel/module"
import { tagsOf } from "../kernel/tags"
import type { TimerChange } from "../ports/timer"
import { EmergencyCommand } from "./commands"
import {
  decideCallDropped,
  decideLeaseExpiry,
  decideSilentEnd,
  decideWindowClose,
  EMERGENCY_TIMERS,
} from "./drop"
import { EMERGENCY_EVENT_TAGS, type EmergencyEvent } from "./events"
import { evolveEmergency } from "./evolve"
import { claimPsapProviderEvent, decidePsapCallDropped } from "./psap-callback"
import { EMERGENCY_REPLIES } from "./replies"
import { decideDial, decideEnd, guardPresence } from "./session"
import { decideSettings } from "./settings"

const EMERGENCY_COMMAND_TAGS = tagsOf(EmergencyCommand.members)
const EMERGENCY_TAGS = [...EMERGENCY_EVENT_TAGS] as EmergencyEvent["_tag"][]

/**
 * Emergency calls placed by reps (E1-E11, B5, B6) as a center module: the dial and its end,
 * callback leases with their durable expiry, PSAP callbacks claimed before routing, and the
 * notification queued in the outbox in the same append as the dial.
 */
export const emergencyModule: CenterModule = {
  name: "emergency",
  commands: EMERGENCY_COMMAND_TAGS,
  decide: (state, command, now) => {
    const c = command as EmergencyCommand
    switch (c._tag) {
      case "DialEmergency":
        return decideDial(state, c, now)
      case "EndEmergency":
        return decideEnd(state, c, now)
      case "EmergencyCallDropped":
        return c.psapCallId === undefined
          ? decideCallDropped(state, c, now)
          : decidePsapCallDropped(state, c, now)
      case "ExpireCallbackLease":
        return decideLeaseExpiry(state, c, now)
      case "CloseEmergencyWindow":
        return decideWindowClose(state, c, now)
      case "EndSilentEmergency":
        return decideSilentEnd(state, c, now)
      default:
        return decideSettings(state, c, now)
    }
  },
  evolve: handlers<CenterEvent, [CenterState]>().on(EMERGENCY_TAGS, (event, state) =>
    evolveEmergency(state.emergency, event),
  ),
  onProvider: claimPsapProviderEvent,
  guards: handlers<CenterCommand, [CenterState, number], CenterError | undefined>().on(
    "SetPresence",
    (command, state) => guardPresence(state, command),
  ),
  timers: widen<CenterEvent, readonly TimerChange<CenterCommand>[]>()(EMERGENCY_TIMERS),
  replies: widen<CenterCommand, ReadReply<CenterState, unknown> | undefined>()(EMERGENCY_REPLIES),
}
