import { Result } from "effect"
import type { CenterEvent } from "../center/events"
import type { CenterDecision } from "../center/module"
import type { CenterState } from "../center/state"
import { UnknownEntity } from "../kernel/errors"
import { armTimer, disarmTimer } from "../ports/timer"
import { hasRep } from "../routing/reads"
import { CALLBACK_LEASE_MS, LEASE_TIMERS, leaseLiveAt } from "./callback-lease"
import type { EmergencyCommandOf } from "./commands"
import { endSession } from "./session"
import type { Session } from "./state"

/**
 * W5: an emergency session never stays open forever. When the rep's own call drops, the rep is
 * told and the session waits for the PSAP's callback (E6) while the rep's callback lease is
 * live: the rep stays in DND, a callback reaches it. Once nothing can come any more (no live
 * lease, no PSAP call up for the rep) the session ends as E10 ends it: presence restored, the rep
 * told by `EmergencyEnded`. The lease's end is its durable expiry timer, so this holds across
 * restarts; a rep who presses End call ends the session at once, as before. A PSAP call's end
 * comes from the provider, or, for a call redirected to the rep's endpoint (ACS tells only that
 * endpoint), from the rep's calling client (`EmergencyCallDropped` with `psapCallId`).
 *
 * The calls live in the rep's browser, so when the browser is gone nobody reports their end.
 * Hence the bound: every session has a durable timer at the end of its callback window (the
 * lease's expiry, or a window timer when the dial leased no number: a test call, an exhausted
 * pool). If a call is still believed up then, the session is closing (`EmergencySessionClosing`,
 * told to the rep) and ends `no_word` after the pool's grace unless word of the call comes first.
 */

/** A PSAP callback put through into this session and not ended yet (`except`: ending now). */
const psapCallUpIn = (state: CenterState, session: Session, except?: string): boolean => {
  for (const call of state.emergency.psapCalls.values())
    if (call.target === session.repId && call.intoSession === session.sessionId && call.callId !== except)
      return true
  return false
}

/** The rep's own call (dialled, not dropped) or a PSAP call of the session is believed up. */
const callBelievedUp = (state: CenterState, session: Session): boolean =>
  (session.dial !== null && session.droppedAt === null) || psapCallUpIn(state, session)

/** The rep's lease end while it is live at `now`; undefined when there is none. */
const liveLeaseEnd = (state: CenterState, repId: string, now: number): number | undefined => {
  const lease = state.emergency.leaseByRep.get(repId)
  return lease !== undefined && leaseLiveAt(lease, now) ? lease.expiresAt : undefined
}

/** The session is waiting for the PSAP: the rep's own call dropped (a dialled session only). */
const waitingForPsap = (session: Session): boolean => session.dial !== null && session.droppedAt !== null

/** W5: the rep's call dropped: tell the rep, then wait while a callback can still come, else end. */
export const decideCallDropped = (
  state: CenterState,
  command: EmergencyCommandOf<"EmergencyCallDropped">,
  now: number,
): CenterDecision => {
  const { repId } = command
  if (!hasRep(state.routing, repId))
    return Result.fail(new UnknownEntity({ entity: "rep", id: repId, field: "repId" }))
  const session = state.emergency.activeByRep.get(repId)
  // None up, another session's report, a repeat, or a session with no call of the rep's own: nothing to do.
  if (session === undefined || (command.sessionId ?? session.sessionId) !== session.sessionId)
    return Result.succeed([])
  if (session.dial === null || session.droppedAt !== null) return Result.succeed([])
  const { sessionId } = session
  const leaseEnd = liveLeaseEnd(state, repId, now)
  const waits = leaseEnd !== undefined || psapCallUpIn(state, session)
  const dropped: CenterEvent = {
    _tag: "EmergencyCallDropped",
    sessionId,
    repId,
    reason: command.reason ?? "",
    callbackNumber: leaseEnd === undefined ? null : (state.emergency.leaseByRep.get(repId)?.number ?? null),
    waitingUntil: waits ? (leaseEnd ?? null) : null,
    at: now,
  }
  return Result.succeed(waits ? [dropped] : [dropped, ...endSession(state, session, "call_ended", now)])
}

/**
 * W5 after the rep's lease ended or a PSAP call to it ended (`endedCallId`, still in the state
 * while deciding): a session waiting for the PSAP with nothing left to wait for ends.
 */
export const settleWaitingSession = (
  state: CenterState,
  repId: string,
  now: number,
  endedCallId?: string,
): CenterEvent[] => {
  const session = state.emergency.activeByRep.get(repId)
  if (session === undefined || !waitingForPsap(session)) return []
  if (liveLeaseEnd(state, repId, now) !== undefined || psapCallUpIn(state, session, endedCallId)) return []
  return endSession(state, session, "lease_ended", now)
}

/**
 * W5 at the end of the session's callback window: with nothing up the session ends; with a call
 * believed up but no word of it, it is closing: it ends after the grace unless word comes. A
 * window that is not over (a live lease, a later dial in the session) or a session already
 * closing changes nothing.
 */
const closeWindow = (state: CenterState, session: Session, now: number): CenterEvent[] => {
  if (session.closesAt !== null || liveLeaseEnd(state, session.repId, now) !== undefined) return []
  if (session.dial !== null && now < session.dial.at + CALLBACK_LEASE_MS) return []
  if (!callBelievedUp(state, session)) return endSession(state, session, "lease_ended", now)
  const { sessionId, repId } = session
  const closesAt = now + state.emergency.pool.graceMinutes * 60_000
  return [{ _tag: "EmergencySessionClosing", sessionId, repId, closesAt, at: now }]
}

/** The session `sessionId` while it is up; a timer of an ended session finds nothing. */
export const sessionUp = (state: CenterState, sessionId: string): Session | undefined => {
  const session = state.emergency.sessions.get(sessionId)
  return session === undefined || session.endedAt !== null ? undefined : session
}

/** W5: the window timer of a session that leased no number fired. */
export const decideWindowClose = (
  state: CenterState,
  command: EmergencyCommandOf<"CloseEmergencyWindow">,
  now: number,
): CenterDecision => {
  const session = sessionUp(state, command.sessionId)
  return Result.succeed(session === undefined ? [] : closeWindow(state, session, now))
}

/** W5: the grace ran out with no word of the call believed up: the session ends, presence restored. */
export const decideSilentEnd = (
  state: CenterState,
  command: EmergencyCommandOf<"EndSilentEmergency">,
  now: number,
): CenterDecision => {
  const session = sessionUp(state, command.sessionId)
  // Word came (a redial clears the closing) or the timer fired early: nothing to do.
  if (session === undefined || session.closesAt === null || now < session.closesAt) return Result.succeed([])
  return Result.succeed(endSession(state, session, "no_word", now))
}

/** E5 + W5: the lease's durable timer fired: release the number, and close the session's window. */
export const decideLeaseExpiry = (
  state: CenterState,
  command: EmergencyCommandOf<"ExpireCallbackLease">,
  now: number,
): CenterDecision => {
  const lease = state.emergency.leases.get(command.leaseId)
  // A timer that fires late, twice, or before a renewal's new end changes nothing.
  if (lease === undefined || now < lease.expiresAt) return Result.succeed([])
  const { leaseId, repId, number } = lease
  const session = state.emergency.activeByRep.get(repId)
  return Result.succeed([
    { _tag: "CallbackLeaseExpired", leaseId, repId, number, at: now },
    ...(session === undefined ? [] : closeWindow(state, session, now)),
  ])
}

export const windowTimerId = (sessionId: string): string => `emergency/session-window/${sessionId}`
export const graceTimerId = (sessionId: string): string => `emergency/session-grace/${sessionId}`

/** The window of a dial that leased no number: its callback window, as long as a lease's. */
const armWindow = (sessionId: string, dialAt: number) =>
  armTimer(windowTimerId(sessionId), dialAt + CALLBACK_LEASE_MS, {
    _tag: "CloseEmergencyWindow" as const,
    sessionId,
  })

/**
 * The module's durable timers: the lease's expiry (E5) and W5's bound on every session: a window
 * timer where no lease bounds it, a grace timer while it is closing; a redial is word of the call
 * (the grace is off), the end disarms both.
 */
export const EMERGENCY_TIMERS = LEASE_TIMERS.on("EmergencyDialled", (event) => [
  disarmTimer(graceTimerId(event.sessionId)),
  ...(event.test ? [armWindow(event.sessionId, event.at)] : []),
])
  .on("CallbackPoolExhausted", (event) => [armWindow(event.sessionId, event.at)])
  .on("EmergencySessionClosing", (event) => [
    armTimer(graceTimerId(event.sessionId), event.closesAt, {
      _tag: "EndSilentEmergency" as const,
      sessionId: event.sessionId,
    }),
  ])
  .on("EmergencyEnded", (event) => [
    disarmTimer(windowTimerId(event.sessionId)),
    disarmTimer(graceTimerId(event.sessionId)),
  ])
