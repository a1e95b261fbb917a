import type { CenterModule } from "../center/module"
import { handlers } from "../kernel/handlers"
import type { ReadReply } from "../kernel/module"
import type { BasePresence } from "../routing/presence"
import { repOf } from "../routing/reads"
import type { OutboundVoiceProfile } from "./carrier-path"
import type { EmergencyCommand, EmergencyCommandOf } from "./commands"
import type { RegionPolicy } from "./regions"
import { callbackPoolView, emergencyContactsView, notificationTemplateView } from "./views"

/** The center's state as a module's decision sees it: this module reads its own slice and others' read interfaces. */
type CenterState = Parameters<CenterModule["decide"]>[0]

/** Issue 20: what an emergency command answers (the dial answers its `DialOutcome`). */
export type EmergencyReply =
  | EmergencyEnded
  | { readonly regions: readonly RegionPolicy[] }
  | OutboundVoiceProfile
  | EmergencyCarrier
  | ReturnType<typeof callbackPoolView>
  | ReturnType<typeof emergencyContactsView>
  | ReturnType<typeof notificationTemplateView>

/** E10: the session the end closed (null: none was up, a repeat) and the presence the rep is in after. */
export interface EmergencyEnded {
  readonly repId: string
  readonly sessionId: string | null
  readonly presenceId: string
  readonly base: BasePresence
}

/** E3: the carrier settings as stored. */
export interface EmergencyCarrier {
  readonly callingPlanNumbers: readonly string[]
  readonly directRoutingRules: CenterState["emergency"]["carrier"]["directRoutingRules"]
}

type Read = ReadReply<CenterState, EmergencyReply>

/** The session is known before the end closes it; the presence it restored is read after. */
const endedOf = (state: CenterState, command: EmergencyCommandOf<"EndEmergency">): Read => {
  const session = state.emergency.activeByRep.get(command.repId)
  const closes = session !== undefined && (command.sessionId ?? session.sessionId) === session.sessionId
  const sessionId = closes ? session.sessionId : null
  return (after) => {
    const rep = repOf(after.routing, command.repId)
    return {
      repId: command.repId,
      sessionId,
      presenceId: rep?.presenceId ?? "",
      base: rep?.base ?? "offline",
    }
  }
}

/**
 * What an emergency command other than the dial answers its caller (kernel `Module.replies`; the
 * dial's decision carries its own): the end, and the settings as stored.
 */
export const EMERGENCY_REPLIES = handlers<EmergencyCommand, [CenterState], Read>()
  .on("EndEmergency", (command, state) => endedOf(state, command))
  .on("ConfigureEmergencyRegions", () => (after) => ({ regions: after.emergency.regions.list }))
  .on(
    "DefineOutboundVoiceProfile",
    (command) => (after) => after.emergency.outboundProfiles.get(command.profileId) as OutboundVoiceProfile,
  )
  .on("ConfigureEmergencyCarrier", () => (after) => ({
    callingPlanNumbers: [...after.emergency.carrier.callingPlanNumbers],
    directRoutingRules: after.emergency.carrier.directRoutingRules,
  }))
  .on("ConfigureCallbackPool", () => callbackPoolView)
  .on(
    ["SetEmergencyContacts", "SetRepMailbox"],
    (command) => (after) => emergencyContactsView(after, command.repId),
  )
  .on("SetNotificationTemplate", () => notificationTemplateView)
