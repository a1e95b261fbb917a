import { Result } from "effect"
import type { CenterEventTag } from "../center/events"
import type { CenterModule } from "../center/module"
import { tagsOf } from "../center/tags"
import { leaseTimers } from "./callback-lease"
import { EmergencyCommand } from "./commands"
import { EMERGENCY_EVENT_TAGS } from "./events"
import { evolveEmergency } from "./evolve"
import { claimPsapProviderEvent } from "./psap-callback"
import { decideDial, decideEnd, guardPresence } from "./session"
import { decideSettings } from "./settings"

const EMERGENCY_COMMAND_TAGS = tagsOf(EmergencyCommand.members)

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
  evolve: (state, event) => evolveEmergency(state.emergency, event),
  onProvider: claimPsapProviderEvent,
  guard: guardPresence,
  timersOf: leaseTimers,
  interests: {
    evolve: EMERGENCY_EVENT_TAGS as ReadonlySet<CenterEventTag>,
    timers: new Set<CenterEventTag>(["CallbackLeased", "CallbackLeaseRenewed", "CallbackLeaseExpired"]),
    guard: new Set(["SetPresence"]),
  },
}
