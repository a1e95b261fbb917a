import { Result } from "effect"
import type { ProviderCommand } from "../center/commands"
import type { CenterEvent } from "../center/events"
import { telephonyMessage } from "../center/lines"
import type { CenterDecision } from "../center/module"
import type { CenterState } from "../center/state"
import { issuedId } from "../ids"
import { UnknownEntity } from "../kernel/errors"
import { hasRep, repOf } from "../routing/reads"
import { leaseLiveAt, normalizeNumber } from "./callback-lease"
import type { EmergencyCommandOf } from "./commands"
import { sessionUp, settleWaitingSession } from "./drop"
import type { RedirectReason } from "./events"
import { endSession, openSession } from "./session"
import type { Lease, PsapCall } from "./state"

/** The outbox purpose of the redirect that sends a PSAP callback to its rep. */
export const PSAP_REDIRECT_PURPOSE = "psap-redirect"

export const redirectMessageId = (callId: string, attempt: number): string =>
  issuedId("psap", callId, "redirect", attempt)

type Inbound = Extract<ProviderCommand, { _tag: "InboundCall" }>

/**
 * E6: calls to callback numbers are the emergency module's, claimed before routing sees them. A
 * call to a number leased to a rep and live at `now` is redirected straight to that rep: no
 * routing item exists for it, so no queue, capacity, DND or routing rule stands in the way, and
 * the cost does not depend on how many items wait. Everything else on a callback number (after
 * 60 minutes, the overflow number, a signed-out rep) goes to the fallback reps (B5). No call to a
 * callback number ever becomes a routing item, so none reaches call history (E8).
 */
export const claimPsapProviderEvent = (
  state: CenterState,
  command: ProviderCommand,
  now: number,
): CenterDecision | undefined => {
  if (command._tag === "InboundCall") return claimInbound(state, command, now)
  const call = state.emergency.psapCalls.get(command.callId)
  if (call === undefined) return undefined
  if (command._tag === "CallFailed") return Result.succeed(afterFailure(state, call, now))
  if (command._tag === "CallEnded") return Result.succeed(afterEnd(state, call, now))
  return Result.succeed([])
}

const claimInbound = (state: CenterState, command: Inbound, now: number): CenterDecision | undefined => {
  const em = state.emergency
  if (em.leaseByNumber.size === 0 && em.pool.members.size === 0 && em.pool.overflowNumber === null)
    return undefined
  const number = normalizeNumber(command.to)
  const lease = em.leaseByNumber.get(number)
  if (lease === undefined && !em.pool.members.has(number) && number !== em.pool.overflowNumber)
    return undefined
  const { callId } = command
  if (em.psapCalls.has(callId)) return Result.succeed([])
  const live = lease !== undefined && leaseLiveAt(lease, now) ? lease : undefined
  const events: CenterEvent[] = [
    {
      _tag: "PsapCallbackReceived",
      callId,
      number,
      leaseId: live?.leaseId ?? null,
      repId: live?.repId ?? null,
      at: now,
    },
  ]
  const rep = live === undefined ? undefined : repOf(state.routing, live.repId)
  if (rep !== undefined && rep.base !== "offline") {
    events.push(...redirect(callId, rep.repId, "rep", "lease", 1, now))
    if (!em.activeByRep.has(rep.repId))
      events.push(...openSession(state, rep, { _tag: "PsapCallback", callId }, now))
    return Result.succeed(events)
  }
  const tried = new Set(live === undefined ? [] : [live.repId])
  const next = nextFallback(state, tried)
  if (next === undefined) {
    events.push({ _tag: "PsapCallbackUnanswered", callId, at: now })
  } else {
    events.push(...redirect(callId, next, "fallback", firstFallbackReason(state, live, number), 1, now))
  }
  return Result.succeed(events)
}

const firstFallbackReason = (state: CenterState, live: Lease | undefined, number: string): RedirectReason =>
  live !== undefined
    ? "rep_signed_out"
    : number === state.emergency.pool.overflowNumber
      ? "overflow_number"
      : "no_lease"

const redirect = (
  callId: string,
  repId: string,
  role: "rep" | "fallback",
  reason: RedirectReason,
  attempt: number,
  now: number,
): CenterEvent[] => [
  { _tag: "PsapCallbackRedirected", callId, repId, role, reason, attempt, at: now },
  telephonyMessage(
    redirectMessageId(callId, attempt),
    { _tag: "Redirect", callId, repId },
    PSAP_REDIRECT_PURPOSE,
    callId,
    now,
  ),
]

/**
 * B5: the next fallback rep not tried yet, in the configured order, signed-in ones first; a
 * signed-out one is still tried before giving up (a desk phone may ring without a presence).
 */
export const nextFallback = (state: CenterState, tried: ReadonlySet<string>): string | undefined => {
  let signedOut: string | undefined
  for (const repId of state.emergency.pool.fallbackRepIds) {
    if (tried.has(repId)) continue
    const rep = repOf(state.routing, repId)
    if (rep === undefined) continue
    if (rep.base !== "offline") return repId
    signedOut ??= repId
  }
  return signedOut
}

/** The session this call opened, if it is still up. */
const openedSession = (state: CenterState, call: PsapCall) =>
  call.sessionId === null ? undefined : sessionUp(state, call.sessionId)

/** B5: the redirect failed (the rep or fallback is unreachable): try the next fallback. */
const afterFailure = (state: CenterState, call: PsapCall, now: number): CenterEvent[] => {
  const session = openedSession(state, call)
  const events = session === undefined ? [] : endSession(state, session, "call_failed", now)
  const next = nextFallback(state, call.tried)
  if (next === undefined) {
    events.push({ _tag: "PsapCallbackUnanswered", callId: call.callId, at: now })
    return events
  }
  const reason = call.role === "rep" ? "rep_unreachable" : "fallback_unreachable"
  events.push(...redirect(call.callId, next, "fallback", reason, call.attempt + 1, now))
  return events
}

/**
 * W5: the PSAP's callback the rep answered ended, as the rep's calling client heard it (the
 * provider says nothing more to Lifeline about a call it redirected). Only the rep the call was
 * put through to can say so; an unknown or already ended call changes nothing.
 */
export const decidePsapCallDropped = (
  state: CenterState,
  command: EmergencyCommandOf<"EmergencyCallDropped">,
  now: number,
): CenterDecision => {
  const { repId, psapCallId } = command
  if (!hasRep(state.routing, repId))
    return Result.fail(new UnknownEntity({ entity: "rep", id: repId, field: "repId" }))
  const call = psapCallId === undefined ? undefined : state.emergency.psapCalls.get(psapCallId)
  return Result.succeed(call?.target === repId ? afterEnd(state, call, now) : [])
}

/**
 * The PSAP's call ended: the rep it was put through to hears it; the session it opened ends with
 * it, and a session left waiting for it after a drop ends when the lease is over too (W5).
 */
const afterEnd = (state: CenterState, call: PsapCall, now: number): CenterEvent[] => {
  const session = openedSession(state, call)
  const { callId, target } = call
  const ended: CenterEvent = {
    _tag: "PsapCallbackEnded",
    callId,
    ...(target === "" ? {} : { repId: target }),
    at: now,
  }
  if (session !== undefined) return [ended, ...endSession(state, session, "call_ended", now)]
  return target === "" ? [ended] : [ended, ...settleWaitingSession(state, target, now, callId)]
}
