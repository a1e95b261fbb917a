import { Result } from "effect"
import { isCallbackItem } from "../callback/reads"
import type { CenterEvent } from "../center/events"
import type { CenterAsks, CenterModule, Emit } from "../center/module"
// The one file of the module that holds the whole state: it registers the module's handlers
// and its follow-ups ask routing, both typed by the center over its state (kernel `Module`,
// `Ask`); known to the module-walls check (.dependency-cruiser-known-violations.json).
import type { CenterState } from "../center/state"
import { issuedId } from "../ids"
import { handlers } from "../kernel/handlers"
import type { RoutingCommand } from "../routing/commands"
import { itemOf } from "../routing/reads"
import { CALL_COMMAND_TAGS, type CallCommand } from "./commands"
import { decideCall } from "./decide"
import type { CallEvent, CallEventOf } from "./events"
import { evolveCalls, removeLeg } from "./evolve"
import { telephonyMessage } from "./telephony-message"

export { type CallDecision, decideCall, decideCallProvider } from "./decide"

/**
 * A rep accepted a routed call: its leg begins, connected, and the waiting caller is bridged to
 * that rep (the provider's Connect, through the outbox). One follow-up does both, in that order,
 * so an accepted call is looked at once.
 */
const connectLeg = (
  event: Extract<CenterEvent, { _tag: "OfferAccepted" }>,
  state: CenterState,
  now: number,
  emit: Emit,
): void => {
  if (isCallbackItem(state.callback, event.itemId)) return
  const item = itemOf(state.routing, event.itemId)
  if (item !== undefined)
    emit({
      _tag: "CallConnected",
      callId: event.itemId,
      repId: event.repId,
      itemId: event.itemId,
      from: item.attributes.from ?? "",
      to: item.attributes.to ?? "",
      queueId: item.queue.config.queueId,
      // Events are never changed: the item's attributes are shared, not copied.
      attributes: item.attributes,
      waitedMs: Math.max(0, now - item.arrivedAt),
      at: now,
    })
  emit(
    telephonyMessage(
      issuedId("call", event.itemId, "connect", event.offerId),
      { _tag: "Connect", callId: event.itemId, repId: event.repId },
      "connect",
      event.itemId,
      now,
    ),
  )
}

/** Ask routing and emit what it decided; whether it agreed (a refusal changes nothing). */
const askAndEmit = (
  state: CenterState,
  command: RoutingCommand,
  now: number,
  emit: Emit,
  asks: CenterAsks,
): boolean => {
  const asked = asks.routing(state, command, now)
  if (Result.isFailure(asked)) return false
  for (const e of asked.success) emit(e)
  return true
}

/**
 * W1: a transferred call leaves its rep (routing's hold keeps its age and priority). To a rep, it
 * is offered to that rep (R4: declined or expired, it waits in its queue again); to a queue, or
 * should the offer be refused after all, it is routed again, in the queue named.
 */
const requeue = (
  event: CallEventOf<"CallTransferred">,
  state: CenterState,
  now: number,
  emit: Emit,
  asks: CenterAsks,
): void => {
  const itemId = event.callId
  // `transfer` checked that the rep holds the item and that the rep named can take it.
  if (!askAndEmit(state, { _tag: "HoldItem", itemId, repId: event.repId }, now, emit, asks)) return
  if (
    "repId" in event.to &&
    askAndEmit(state, { _tag: "OfferItemTo", itemId, repId: event.to.repId }, now, emit, asks)
  )
    return
  if (!askAndEmit(state, { _tag: "ResumeItem", itemId }, now, emit, asks)) return
  const item = itemOf(state.routing, itemId)
  if (!("queueId" in event.to) || item === undefined || item.queue.config.queueId === event.to.queueId) return
  askAndEmit(state, { _tag: "TransferItem", itemId, queueId: event.to.queueId }, now, emit, asks)
}

const CALL_EVENT_TAGS = [
  "CallConnected",
  "CallHeld",
  "CallResumed",
  "CallMuted",
  "CallUnmuted",
  "CallEnded",
  "CallTransferred",
  "WrapUpRecorded",
  "OutboundCallPlaced",
  "OutboundCallConnected",
] as const satisfies readonly CallEvent["_tag"][]

/** W1 (issue 19): routed and outbound calls a rep handles, from connect to wrap-up. */
export const callsModule: CenterModule = {
  name: "calls",
  commands: CALL_COMMAND_TAGS,
  decide: (state, command, now, asks) => decideCall(state, command as CallCommand, now, asks),
  evolve: handlers<CenterEvent, [CenterState]>()
    .on(CALL_EVENT_TAGS, (event, state) => evolveCalls(state.calls, event))
    // The work is done (completed, or closed with its rep): the rep's leg goes with it, so a
    // rep who completes without a wrap-up leaves nothing behind (the slice holds live calls only).
    .on(["WorkCompleted", "ItemClosed"], (event, state) => {
      if (event.repId !== null) removeLeg(state.calls, event.itemId, event.repId)
    }),
  followUp: handlers<CenterEvent, [CenterState, number, Emit, CenterAsks]>()
    .on("OfferAccepted", connectLeg)
    .on("CallTransferred", requeue),
}
