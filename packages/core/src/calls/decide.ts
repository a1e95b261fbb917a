import { Result } from "effect"
import type { CallAnswered, CallEnded, CallFailed } from "../center/commands"
import type { CenterError } from "../center/errors"
import type { CenterEvent } from "../center/events"
import { issuedId } from "../ids"
import { InvalidField, InvalidState, UnknownEntity } from "../kernel/errors"
import type { Ask, Decision } from "../kernel/module"
import type { TelephonyAction } from "../ports/telephony"
import type { RoutingCommand } from "../routing/commands"
import type { RoutingError } from "../routing/errors"
import type { RoutingEvent } from "../routing/events"
import { hasQueue, hasRep, type ItemRead, itemOf, whyRepCannotTake } from "../routing/reads"
import type { CallsCenter } from "./center-reads"
import type { CallCommand } from "./commands"
import { isEmergencyDial } from "./emergency-numbers"
import type { CallError } from "./errors"
import { EmergencyNumber } from "./errors"
import type { CallEvent, CallEventOf } from "./events"
import { evolveCalls } from "./evolve"
import { legOf, liveLegOf } from "./reads"
import { type CallLeg, type CallState, emptyCallsState } from "./state"
import { telephonyMessage } from "./telephony-message"
import { type CallView, callView } from "./views"

/**
 * W1 (issue 19): the calls module's decisions, over what it reads of the center (`CallsCenter`:
 * its own slice, the others' through their read interfaces). A decision that needs routing to
 * act asks it (`asks.routing`) with the state it was given, whatever the center's state is.
 */
/** A decision of the calls module: its events and the leg's view after them (kernel `Replied`). */
export type CallDecision = Decision<CenterEvent, CenterError, CallView>

/** What the calls module asks of routing (kernel `Ask`), on the state its decision was given. */
export interface RoutingAsks<S> {
  readonly routing: Ask<S, RoutingCommand, RoutingEvent, RoutingError>
}

/** E.164: '+', a country code and the number, digits only. */
const E164 = /^\+[1-9]\d{6,14}$/u

/** A leg action's provider message: its id numbered by the leg's changes, so a replay repeats it. */
const legAction = (leg: CallLeg, name: string, action: TelephonyAction, now: number): CenterEvent =>
  telephonyMessage(
    issuedId("call", leg.callId, leg.repId, name, leg.changes + 1),
    action,
    `call-${name}`,
    leg.callId,
    now,
  )

/** The leg's view once `events` are applied to a copy of it (the reply; the state is untouched). */
const viewAfter = (state: CallsCenter, leg: CallLeg, events: readonly CallEvent[]): CallView => {
  const copy = emptyCallsState()
  copy.legs.set(leg.callId, { ...leg })
  for (const event of events) evolveCalls(copy, event)
  return callView(state, copy.legs.get(leg.callId) ?? leg)
}

const replied = (
  state: CallsCenter,
  leg: CallLeg,
  event: CallEvent,
  more: readonly CenterEvent[] = [],
): CallDecision => Result.succeed({ events: [event, ...more], reply: viewAfter(state, leg, [event]) })

const STATE_WORDS: Readonly<Record<CallState, string>> = {
  ringing: "is still ringing",
  connected: "is connected",
  on_hold: "is on hold",
  ended: "has ended",
}

/** 409 naming the state the call is in, and what the action needs. */
const wrongState = (leg: CallLeg, needs: string) =>
  new InvalidState({ field: "state", message: `the call ${STATE_WORDS[leg.state]}: ${needs}` })

/** The rep's leg of the call, or 404 naming the call. */
const findLeg = (state: CallsCenter, callId: string, repId: string): Result.Result<CallLeg, CallError> => {
  const leg = legOf(state.calls, callId, repId)
  return leg === undefined
    ? Result.fail(new UnknownEntity({ entity: "call", id: callId, field: "callId" }))
    : Result.succeed(leg)
}

/** The leg, when it is in one of `states`; else 409 naming its state. */
const legIn = (
  state: CallsCenter,
  command: { readonly callId: string; readonly repId: string },
  states: readonly CallState[],
  needs: string,
): Result.Result<CallLeg, CallError> =>
  Result.flatMap(findLeg(state, command.callId, command.repId), (leg) =>
    states.includes(leg.state) ? Result.succeed(leg) : Result.fail(wrongState(leg, needs)),
  )

const UP: readonly CallState[] = ["connected", "on_hold"]

const at = (leg: CallLeg, now: number) => ({ callId: leg.callId, repId: leg.repId, at: now })

/** W1: the rep's actions on its call, each answered with the call's view. */
export const decideCall = <S extends CallsCenter>(
  state: S,
  command: CallCommand,
  now: number,
  asks: RoutingAsks<S>,
): CallDecision => {
  switch (command._tag) {
    case "HoldCall":
      return Result.flatMap(
        legIn(state, command, ["connected"], "only a connected call can be held"),
        (leg) =>
          replied(state, leg, { _tag: "CallHeld", ...at(leg, now) }, [
            legAction(leg, "hold", { _tag: "Hold", callId: leg.callId }, now),
          ]),
      )
    case "ResumeCall":
      return Result.flatMap(legIn(state, command, ["on_hold"], "only a held call can be resumed"), (leg) =>
        replied(state, leg, { _tag: "CallResumed", ...at(leg, now) }, [
          legAction(leg, "unhold", { _tag: "Unhold", callId: leg.callId }, now),
        ]),
      )
    case "MuteCall":
      return Result.flatMap(legIn(state, command, UP, "only a call that is up can be muted"), (leg) =>
        leg.muted
          ? Result.fail(new InvalidState({ field: "muted", message: "the call is already muted" }))
          : replied(state, leg, { _tag: "CallMuted", ...at(leg, now) }, [
              legAction(leg, "mute", { _tag: "Mute", callId: leg.callId, repId: leg.repId }, now),
            ]),
      )
    case "UnmuteCall":
      return Result.flatMap(legIn(state, command, UP, "only a call that is up can be unmuted"), (leg) =>
        leg.muted
          ? replied(state, leg, { _tag: "CallUnmuted", ...at(leg, now) }, [
              legAction(leg, "unmute", { _tag: "Unmute", callId: leg.callId, repId: leg.repId }, now),
            ])
          : Result.fail(new InvalidState({ field: "muted", message: "the call is not muted" })),
      )
    case "EndCall":
      return Result.flatMap(
        legIn(state, command, ["ringing", ...UP], "an ended call cannot be ended again"),
        (leg) =>
          replied(state, leg, { _tag: "CallEnded", ...at(leg, now), endedBy: "rep" }, [
            legAction(leg, "hangup", { _tag: "HangUp", callId: leg.callId }, now),
          ]),
      )
    case "TransferCall":
      return Result.flatMap(legIn(state, command, UP, "only a call that is up can be transferred"), (leg) =>
        transfer(state, leg, command.to, now),
      )
    case "RecordWrapUp":
      return Result.flatMap(
        legIn(state, command, ["ended"], "wrap-up follows the end of the call: end it first"),
        (leg) => wrapUp(state, leg, command, now, asks),
      )
    case "PlaceOutboundCall":
      return placeCall(state, command, now)
  }
}

/**
 * W1: the caller goes to a queue (routed again, keeping its age and priority: routing's hold and
 * resume, then its transfer) or to a rep (routing's hold, then its offer to that rep). The routing
 * asks follow the event (`followUp`), each on the state the previous one left; this decision
 * checks what makes them succeed. Either way the rep leaves and the caller stays with Lifeline
 * until the next rep accepts (then bridged as any routed call), so the provider's part is the
 * same: a transfer to a rep is a routing offer that may be declined or expire (R4), never a
 * blind hand-over of the call to that rep's endpoint.
 */
const transfer = (
  state: CallsCenter,
  leg: CallLeg,
  to: Extract<CallCommand, { _tag: "TransferCall" }>["to"],
  now: number,
): CallDecision => {
  const item = leg.itemId === null ? undefined : itemOf(state.routing, leg.itemId)
  if (item?.status !== "assigned" || item.assignedTo?.repId !== leg.repId)
    return Result.fail(
      new InvalidState({
        field: "callId",
        message: "only a routed call the rep still holds can be transferred",
      }),
    )
  const refused = "queueId" in to ? queueRefusal(state, to.queueId) : repRefusal(state, leg, item, to.repId)
  if (refused !== undefined) return Result.fail(refused)
  // The provider hears where the caller waits: the queue named, or the item's own while a rep
  // is offered it (the rep leaves either way; see above).
  const waitsIn = "queueId" in to ? to : { queueId: item.queue.config.queueId }
  return replied(state, leg, { _tag: "CallTransferred", ...at(leg, now), to: { ...to } }, [
    legAction(leg, "transfer", { _tag: "Transfer", callId: leg.callId, repId: leg.repId, to: waitsIn }, now),
  ])
}

const queueRefusal = (state: CallsCenter, queueId: string): CallError | undefined =>
  hasQueue(state.routing, queueId)
    ? undefined
    : new UnknownEntity({ entity: "queue", id: queueId, field: "queueId" })

/** W1, R1, R2: a rep other than the one transferring, who can be offered the call now. */
const repRefusal = (
  state: CallsCenter,
  leg: CallLeg,
  item: ItemRead,
  repId: string,
): CallError | undefined => {
  if (!hasRep(state.routing, repId)) return new UnknownEntity({ entity: "rep", id: repId, field: "repId" })
  if (repId === leg.repId)
    return new InvalidField({ field: "repId", message: "the call is already yours: name another rep" })
  const why = whyRepCannotTake(state.routing, item, repId)
  return why === undefined ? undefined : new InvalidState({ field: "repId", message: why })
}

/** W1: the wrap-up is recorded; routed work the rep still holds is completed (R2: capacity freed). */
const wrapUp = <S extends CallsCenter>(
  state: S,
  leg: CallLeg,
  command: Extract<CallCommand, { _tag: "RecordWrapUp" }>,
  now: number,
  asks: RoutingAsks<S>,
): CallDecision => {
  const event: CallEvent = {
    _tag: "WrapUpRecorded",
    ...at(leg, now),
    disposition: command.disposition,
    notes: command.notes,
  }
  const item = leg.itemId === null ? undefined : itemOf(state.routing, leg.itemId)
  const holds = item?.status === "assigned" && item.assignedTo?.repId === leg.repId
  const completed = holds
    ? asks.routing(state, { _tag: "CompleteWork", itemId: item.itemId, repId: leg.repId }, now)
    : Result.succeed([])
  if (Result.isFailure(completed)) return Result.fail(completed.failure)
  const reply = {
    ...callView(state, leg),
    wrapUp: { disposition: command.disposition, notes: command.notes },
  }
  return Result.succeed({ events: [event, ...completed.success], reply })
}

/** W1, E8: an ordinary outbound call; emergency numbers are the emergency dial's, never this. */
const placeCall = (
  state: CallsCenter,
  command: Extract<CallCommand, { _tag: "PlaceOutboundCall" }>,
  now: number,
): CallDecision => {
  if (isEmergencyDial(state, command.to))
    return Result.fail(
      new EmergencyNumber({
        field: "to",
        message: `${command.to} is an emergency number: use the emergency dial, which carries the location and a callback number`,
      }),
    )
  if (!E164.test(command.to))
    return Result.fail(
      new InvalidField({
        field: "to",
        message: "to must be E.164: '+', country code and number, digits only",
      }),
    )
  if (!hasRep(state.routing, command.repId))
    return Result.fail(new UnknownEntity({ entity: "rep", id: command.repId, field: "repId" }))
  const callId = issuedId("outbound", state.calls.outboundPlaced + 1)
  const event: CallEventOf<"OutboundCallPlaced"> = {
    _tag: "OutboundCallPlaced",
    callId,
    repId: command.repId,
    from: command.from,
    to: command.to,
    at: now,
  }
  const dial = telephonyMessage(
    issuedId("call", callId, "place"),
    { _tag: "PlaceCall", callId, to: command.to, from: command.from },
    "call-place",
    callId,
    now,
  )
  const copy = emptyCallsState()
  evolveCalls(copy, event)
  const leg = legOf(copy, callId, command.repId) as CallLeg
  return Result.succeed({ events: [event, dial], reply: callView(state, leg) })
}

/**
 * W1: what the provider says about a call a rep has: an outbound call picked up (the rep is
 * bridged), or the other side gone (the rep hears it: `CallEnded`, by the caller or failed).
 * Undefined when no rep has the call up (the routing default decides).
 */
export const decideCallProvider = (
  state: CallsCenter,
  command: typeof CallAnswered.Type | typeof CallEnded.Type | typeof CallFailed.Type,
  now: number,
): Result.Result<readonly CenterEvent[], CallError> | undefined => {
  const leg = liveLegOf(state.calls, command.callId)
  if (leg === undefined) return undefined
  switch (command._tag) {
    case "CallAnswered":
      if (leg.direction !== "outbound" || leg.state !== "ringing") return Result.succeed([])
      return Result.succeed([
        { _tag: "OutboundCallConnected", ...at(leg, now) },
        legAction(leg, "connect", { _tag: "Connect", callId: leg.callId, repId: leg.repId }, now),
      ])
    case "CallEnded":
      return Result.succeed([{ _tag: "CallEnded", ...at(leg, now), endedBy: "caller" }])
    case "CallFailed":
      return Result.succeed([{ _tag: "CallEnded", ...at(leg, now), endedBy: "failed" }])
  }
}
