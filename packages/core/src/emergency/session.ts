import { Result } from "effect"
import type { CenterCommand } from "../center/commands"
import type { CenterError } from "../center/errors"
import type { CenterEvent } from "../center/events"
import type { CenterDecision } from "../center/module"
import type { CenterState } from "../center/state"
import { InvalidField, InvalidState, UnknownEntity } from "../kernel/errors"
import { Refusal, type Replied } from "../kernel/module"
import { hasRep, type RepRead, repOf } from "../routing/reads"
import { type CallbackDecision, callbackOnDial } from "./callback-lease"
import type { EmergencyCommandOf } from "./commands"
import { type DialOutcome, refusalError } from "./dial-outcome"
import type { EmergencyEventOf, SessionOrigin } from "./events"
import { notificationEvents, notificationOutcome, notificationValues } from "./notification"
import { checkDial, type DialCheck } from "./preconditions"
import { dialDigits } from "./regions"
import { nextSessionId, type Session } from "./state"

/** E4: the presence a rep is switched to for the whole emergency, whatever it was. */
export const EMERGENCY_PRESENCE = "busy_dnd"

const ok = (events: CenterEvent[]): CenterDecision => Result.succeed(events)

const unknownRepError = (repId: string): UnknownEntity =>
  new UnknownEntity({ entity: "rep", id: repId, field: "repId" })

const unknownRep = (repId: string): CenterDecision => Result.fail(unknownRepError(repId))

/**
 * E1: a dial string that is an emergency number in the rep's region starts the flow whatever the
 * rep's state. A dial string that is no emergency number anywhere is not ours (an error: the
 * dialer places ordinary calls). One that is, but cannot be carried (E2), is refused and logged.
 */
export const decideDial = (
  state: CenterState,
  command: EmergencyCommandOf<"DialEmergency">,
  now: number,
): DialDecision => {
  const rep = repOf(state.routing, command.repId)
  if (rep === undefined) return Result.fail(unknownRepError(command.repId))
  const number = dialDigits(command.dialString)
  if (number === undefined || !state.emergency.regions.anyNumber.has(number)) {
    return Result.fail(
      new InvalidField({
        field: "dialString",
        message: `'${command.dialString}' is not an emergency number; ordinary calls go through the dialer`,
      }),
    )
  }
  const check = checkDial(state.emergency, rep, number, command.location)
  if (check._tag === "Refused") {
    const { reasons, message } = check
    const refused: EmergencyEventOf<"EmergencyDialRefused"> = {
      _tag: "EmergencyDialRefused",
      repId: rep.repId,
      dialString: command.dialString,
      region: command.location.region,
      reasons,
      message,
      at: now,
    }
    // Logged for the operator (appended), answered to the rep as the typed error.
    return replied([refused], new Refusal(refusalError(refused)))
  }
  const { events, reply } = dialEvents(state, rep, number, check, now)
  return replied(events, reply)
}

const replied = (events: readonly CenterEvent[], reply: DialOutcome): DialDecision =>
  Result.succeed({ events, reply })

/** A dial's decision: its events, and the outcome the rep's browser is answered with. */
export type DialDecision = Result.Result<Replied<CenterEvent, DialOutcome>, CenterError>

/** E4: open a session: remember the presence, switch to DND at once. */
export const openSession = (
  state: CenterState,
  rep: RepRead,
  origin: SessionOrigin,
  now: number,
): CenterEvent[] => {
  const sessionId = nextSessionId(state.emergency)
  const events: CenterEvent[] = [
    {
      _tag: "EmergencySessionOpened",
      sessionId,
      repId: rep.repId,
      previousPresence: rep.presenceId,
      origin,
      at: now,
    },
  ]
  if (rep.presenceId !== EMERGENCY_PRESENCE) {
    events.push({
      _tag: "PresenceChanged",
      repId: rep.repId,
      from: rep.presenceId,
      to: EMERGENCY_PRESENCE,
      at: now,
    })
  }
  return events
}

/**
 * The events of an accepted dial. A dial while the rep's session is up (a redial after a drop, a
 * retried request) joins that session: the presence remembered at the first dial is kept.
 */
const dialEvents = (
  state: CenterState,
  rep: RepRead,
  number: string,
  check: Extract<DialCheck, { _tag: "Allowed" }>,
  now: number,
): Replied<CenterEvent, DialOutcome> => {
  const em = state.emergency
  const active = em.activeByRep.get(rep.repId)
  const opened = active === undefined ? openSession(state, rep, { _tag: "Dial" }, now) : []
  const sessionId = active?.sessionId ?? nextSessionId(em)
  const test = check.kind === "test"
  const callback = test
    ? undefined
    : callbackOnDial(em, rep.repId, sessionId, check.profile.callingNumber, now)
  const notification = notificationOutcome(em, rep.repId, active, test)
  const dialled: EmergencyEventOf<"EmergencyDialled"> = {
    _tag: "EmergencyDialled",
    sessionId,
    repId: rep.repId,
    number,
    test,
    region: check.policy.region,
    timeZone: check.timeZone,
    outboundProfileId: check.profile.profileId,
    callingNumber: check.profile.callingNumber,
    carrierPath: check.path,
    callbackNumber: callback?.number ?? null,
    notification,
    at: now,
  }
  const events: CenterEvent[] = [...opened, dialled, ...(callback?.events ?? [])]
  if (notification === "queued" && callback !== undefined) {
    events.push(...notify(state, rep, number, check, callback, sessionId, now))
  }
  const reply: DialOutcome = {
    _tag: "Started",
    sessionId,
    test,
    callingNumber: dialled.callingNumber,
    carrierPath: dialled.carrierPath,
    callbackNumber: dialled.callbackNumber,
    callbackUntil: callback?.until ?? null,
    notification,
  }
  return { events, reply }
}

/** E9: the emails of this dial, filled from the template with the dial's facts. */
const notify = (
  state: CenterState,
  rep: RepRead,
  number: string,
  check: Extract<DialCheck, { _tag: "Allowed" }>,
  callback: CallbackDecision,
  sessionId: string,
  now: number,
): CenterEvent[] => {
  const values = notificationValues({
    repId: rep.repId,
    repName: rep.name,
    number,
    policy: check.policy,
    timeZone: check.timeZone,
    callbackNumber: callback.number,
    callbackUntil: callback.until,
    at: now,
  })
  return notificationEvents(state.emergency, rep.repId, sessionId, values, now)
}

/** E10: close the session and give the rep back the presence remembered at its start. */
export const endSession = (
  state: CenterState,
  session: Session,
  reason: EmergencyEventOf<"EmergencyEnded">["reason"],
  now: number,
): CenterEvent[] => {
  const { sessionId, repId, previousPresence } = session
  const events: CenterEvent[] = [
    { _tag: "EmergencyEnded", sessionId, repId, reason, restoredPresence: previousPresence, at: now },
  ]
  const current = repOf(state.routing, repId)?.presenceId
  if (current !== undefined && current !== previousPresence) {
    events.push({ _tag: "PresenceChanged", repId, from: current, to: previousPresence, at: now })
  }
  return events
}

/** E10: the rep ended the call. Without a session up (a repeat, a stale session id) it is a no-op. */
export const decideEnd = (
  state: CenterState,
  command: EmergencyCommandOf<"EndEmergency">,
  now: number,
): CenterDecision => {
  if (!hasRep(state.routing, command.repId)) return unknownRep(command.repId)
  const session = state.emergency.activeByRep.get(command.repId)
  if (session === undefined) return ok([])
  if (command.sessionId !== undefined && command.sessionId !== session.sessionId) return ok([])
  return ok(endSession(state, session, "rep_ended", now))
}

/**
 * E4/E10: nobody sets the presence of a rep in an emergency by hand (the rep's own panel shows
 * only End call, E7); the presence remembered at the dial is what the end restores.
 */
export const guardPresence = (state: CenterState, command: CenterCommand): CenterError | undefined => {
  if (command._tag !== "SetPresence" || state.emergency.activeByRep.size === 0) return undefined
  const session = state.emergency.activeByRep.get(command.repId)
  if (session === undefined) return undefined
  return new InvalidState({
    field: "presenceId",
    message: `an emergency call is in progress; presence returns to '${session.previousPresence}' when it ends`,
  })
}
