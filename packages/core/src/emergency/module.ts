import { Result } from "effect"
import type { CenterCommand } from "../center/commands"
import type { CenterError } from "../center/errors"
import type { CenterEvent } from "../center/events"
import type { CenterModule } from "../center/module"
import type { CenterState } from "../center/state"
import { handlers, widen } from "../kernel/handlers"
import { tagsOf } from "../kernel/tags"
import type { TimerChange } from "../ports/timer"
import { LEASE_TIMERS } from "./callback-lease"
import { EmergencyCommand } from "./commands"
import { EMERGENCY_EVENT_TAGS, type EmergencyEvent } from "./events"
import { evolveEmergency } from "./evolve"
import { claimPsapProviderEvent } from "./psap-callback"
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
      case "ExpireCallbackLease": {
        const lease = state.emergency.leases.get(c.leaseId)
        // A timer that fires late, twice, or before a renewal's new end changes nothing.
        if (lease === undefined || now < lease.expiresAt) return Result.succeed([])
        const { leaseId, repId, number } = lease
        return Result.succeed([{ _tag: "CallbackLeaseExpired", leaseId, repId, number, at: now }])
      }
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
  timers: widen<CenterEvent, readonly TimerChange<CenterCommand>[]>()(LEASE_TIMERS),
}
