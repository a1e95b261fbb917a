import type { CallEvent, CallEventOf } from "./events"
import { legOf } from "./reads"
import { type CallLeg, type CallState, type CallsState, legKey } from "./state"

/** A new leg is the call's latest; the previous rep's ended leg waits for its wrap-up in `earlier`. */
const addLeg = (calls: CallsState, leg: CallLeg): void => {
  const previous = calls.legs.get(leg.callId)
  // Another rep's leg waits for its wrap-up; the same rep again replaces its own.
  if (previous !== undefined && previous.repId !== leg.repId)
    calls.earlier.set(legKey(previous.callId, previous.repId), previous)
  if (calls.earlier.size > 0) calls.earlier.delete(legKey(leg.callId, leg.repId))
  calls.legs.set(leg.callId, leg)
}

export const removeLeg = (calls: CallsState, callId: string, repId: string): void => {
  const latest = calls.legs.get(callId)
  if (latest?.repId === repId) {
    calls.legs.delete(callId)
    return
  }
  if (calls.earlier.size > 0) calls.earlier.delete(legKey(callId, repId))
}

const connected = (e: CallEventOf<"CallConnected">): CallLeg => ({
  callId: e.callId,
  repId: e.repId,
  itemId: e.itemId,
  direction: "inbound",
  from: e.from,
  to: e.to,
  queueId: e.queueId,
  attributes: e.attributes,
  waitedMs: e.waitedMs,
  state: "connected",
  muted: false,
  since: e.at,
  connectedAt: e.at,
  endedAt: null,
  endedBy: null,
  transferredTo: null,
  changes: 0,
})

const placed = (e: CallEventOf<"OutboundCallPlaced">): CallLeg => ({
  callId: e.callId,
  repId: e.repId,
  itemId: null,
  direction: "outbound",
  from: e.from,
  to: e.to,
  queueId: null,
  attributes: {},
  waitedMs: null,
  state: "ringing",
  muted: false,
  since: e.at,
  connectedAt: null,
  endedAt: null,
  endedBy: null,
  transferredTo: null,
  changes: 0,
})

const enter = (leg: CallLeg, state: CallState, at: number): void => {
  leg.state = state
  leg.since = at
}

/** W1: apply one of the calls module's events to its slice (a leg it does not know: no change). */
export const evolveCalls = (calls: CallsState, event: CallEvent): void => {
  switch (event._tag) {
    case "CallConnected":
      addLeg(calls, connected(event))
      return
    case "OutboundCallPlaced":
      calls.outboundPlaced += 1
      addLeg(calls, placed(event))
      return
    case "WrapUpRecorded":
      removeLeg(calls, event.callId, event.repId)
      return
  }
  const leg = legOf(calls, event.callId, event.repId)
  if (leg === undefined) return
  leg.changes += 1
  switch (event._tag) {
    case "OutboundCallConnected":
      enter(leg, "connected", event.at)
      leg.connectedAt = event.at
      return
    case "CallHeld":
      enter(leg, "on_hold", event.at)
      return
    case "CallResumed":
      enter(leg, "connected", event.at)
      return
    case "CallMuted":
      leg.muted = true
      return
    case "CallUnmuted":
      leg.muted = false
      return
    case "CallEnded":
      enter(leg, "ended", event.at)
      leg.endedAt = event.at
      leg.endedBy = event.endedBy
      return
    case "CallTransferred":
      enter(leg, "ended", event.at)
      leg.endedAt = event.at
      leg.endedBy = "transfer"
      leg.transferredTo = event.to
      return
  }
}
