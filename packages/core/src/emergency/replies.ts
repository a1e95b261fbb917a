import type { CenterState } from "../center/state"
import { handlers } from "../kernel/handlers"
import type { ReadReply } from "../kernel/module"
import type { BasePresence } from "../routing/presence"
import { repOf } from "../routing/reads"
import type { OutboundVoiceProfile } from "./carrier-path"
import type { EmergencyCommand, EmergencyCommandOf } from "./commands"
import type { RegionPolicy } from "./regions"
import { callbackPoolView, emergencyContactsView, notificationTemplateView, repEmergencyView } from "./views"

/** Issue 20: what an emergency command answers (the dial answers its `DialOutcome`). */
export type EmergencyReply =
  | EmergencyEnded
  | { readonly regions: readonly RegionPolicy[] }
  | OutboundVoiceProfile
  | EmergencyCarrier
  | ReturnType<typeof callbackPoolView>
  | ReturnType<typeof emergencyContactsView>
  | ReturnType<typeof notificationTemplateView>
  | EmergencyDropReported

/** E10: the session the end closed (null: none was up, a repeat) and the presence the rep is in after. */
export interface EmergencyEnded {
  readonly repId: string
  readonly sessionId: string | null
  readonly presenceId: string
  readonly base: BasePresence
}

/** W5: what became of the rep's session when its calling client reported a call's end. */
export interface EmergencyDropReported {
  readonly repId: string
  /** The session reported on; null: none up. */
  readonly sessionId: string | null
  /** False: a repeat, or a report of a session or PSAP call that is over or not the rep's. */
  readonly dropped: boolean
  /** The session waits for the PSAP's callback until then; null: it does not wait. */
  readonly waitingUntil: number | null
  /** The session ended with the report (nothing to wait for) and the presence was restored (E10). */
  readonly sessionEnded: boolean
}

/**
 * W5: what the report changed, from the session and PSAP call it found (held as plain values:
 * the state is changed in place) and the rep's session after.
 */
const dropReportedOf = (state: CenterState, command: EmergencyCommandOf<"EmergencyCallDropped">): Read => {
  const before = state.emergency.activeByRep.get(command.repId)
  const sessionBefore = before?.sessionId ?? null
  const droppedBefore = before?.droppedAt ?? null
  const psapCallId = command.psapCallId
  const psapBefore = psapCallId !== undefined && state.emergency.psapCalls.has(psapCallId)
  return (after, now) => {
    const session = after.emergency.activeByRep.get(command.repId)
    const sessionEnded = sessionBefore !== null && session?.sessionId !== sessionBefore
    const psapEnded = psapBefore && !after.emergency.psapCalls.has(psapCallId as string)
    const dropped =
      sessionEnded || psapEnded || (session !== undefined && session.droppedAt !== droppedBefore)
    const view = repEmergencyView(after, command.repId, now)
    return {
      repId: command.repId,
      sessionId: dropped ? sessionBefore : (command.sessionId ?? session?.sessionId ?? null),
      dropped,
      waitingUntil: view?.droppedAt == null ? null : view.callbackUntil,
      sessionEnded,
    }
  }
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
  .on("EmergencyCallDropped", (command, state) => dropReportedOf(state, command))
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
