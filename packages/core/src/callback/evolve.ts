import { Option, Schema } from "effect"
import type { CenterEvent } from "../center/events"
import type { CenterState } from "../center/state"
import { type Handlers, handlers } from "../kernel/handlers"
import { itemOf } from "../routing/reads"
import type { Attributes } from "../routing/workstream"
import { FIRST_OFFER_AFTER_MS } from "./cadence"
import { isDialable } from "./e164"
import { CALLBACK_EVENT_TAGS, type CallbackEvent } from "./events"
import { type OverflowPolicy, OverflowSettings, overflowPolicy, recordWait } from "./overflow"
import { type CallbackState, numberKey, type OverflowWatch, overrideKey } from "./state"

/** The policy of a queue without overflow settings: nothing applies. */
const NO_OVERFLOW: OverflowPolicy = overflowPolicy({ rules: [] })
const decodeSettings = Schema.decodeUnknownOption(OverflowSettings)
const CALLBACK_TAGS = [...CALLBACK_EVENT_TAGS] as CallbackEvent["_tag"][]

type Evolve = Handlers<CenterEvent, [state: CenterState], void>

/**
 * How the callback state takes the stream's events. It sees a routing event after the routing
 * state took it, so the event's item is still there (accepted, closed) or already moved.
 */
export const CALLBACK_EVOLVE: Evolve = handlers<CenterEvent, [CenterState]>()
  .on("WorkstreamDefined", (event, { callback: cb }) => {
    for (const rule of event.rules) {
      if (rule.overflowOverride === undefined) continue
      const settings = decodeSettings(rule.overflowOverride)
      if (Option.isSome(settings))
        cb.overrides.set(overrideKey(event.workstreamId, rule.ruleId), overflowPolicy(settings.value))
    }
  })
  .on("ItemQueued", (event, { callback: cb }) => {
    const record = cb.callbacks.get(event.itemId)
    if (record !== undefined) record.status = "queued"
    else watchArrival(cb, event.itemId, event.queueId, event.via, event.attributes)
  })
  .on("ItemTransferred", (event, { callback: cb }) =>
    watchTransfer(cb, event.itemId, event.fromQueueId, event.toQueueId),
  )
  .on("OfferAccepted", (event, state) => {
    recordAnsweredWait(state, event.itemId, event.at)
    leave(state.callback, event.itemId, "connected")
  })
  .on("ItemAbandoned", (event, { callback: cb }) => leave(cb, event.itemId, "hung_up"))
  .on("ItemClosed", (event, { callback: cb }) => leave(cb, event.itemId, "closed"))
  .on("ItemResumed", (event, { callback: cb }) => {
    const record = cb.callbacks.get(event.itemId)
    if (record !== undefined) {
      record.status = "queued"
      record.retryAt = null
    }
  })
  .on(CALLBACK_TAGS, (event, { callback: cb }) => {
    if (event._tag === "QueueOverflowSet") cb.queues.set(event.queueId, overflowPolicy(event.settings))
    else evolveOwn(cb, event)
  })

const evolveOwn = (cb: CallbackState, event: CenterEvent): void => {
  switch (event._tag) {
    case "OverflowApplied": {
      const w = cb.watched.get(event.itemId)
      if (w === undefined || event.action._tag !== "DirectCallback") return
      leaveCandidates(cb, w)
      w.offer = { policy: w.policy, dueAt: event.firstOfferAt ?? event.at + FIRST_OFFER_AFTER_MS, played: 0 }
      return
    }
    case "OwnWaitCheckScheduled": {
      const w = cb.watched.get(event.itemId)
      if (w === undefined) return
      w.ownWaitChecked = event.checkedMs
      w.ownWaitDueAt = event.dueAt
      w.ownWaitDeferred = event.deferred
      return
    }
    case "CallbackOfferPlayed": {
      const offer = cb.watched.get(event.itemId)?.offer
      if (offer === undefined || offer === null) return
      offer.played = event.count
      offer.dueAt = event.nextAt
      return
    }
    case "OverflowWatchEnded": {
      const w = cb.watched.get(event.itemId)
      if (w === undefined) return
      leaveCandidates(cb, w)
      cb.watched.delete(event.itemId)
      return
    }
    case "CallerFarewell":
      cb.farewells.set(event.callId, event.hangUpBy)
      return
    case "CallerReleased":
      cb.farewells.delete(event.callId)
      return
    default:
      evolveRecord(cb, event)
  }
}

/** The events about one callback to make (C4-C8, B1, B3). */
const evolveRecord = (cb: CallbackState, event: CenterEvent): void => {
  switch (event._tag) {
    case "CallbackRequested":
      addRecord(cb, event)
      return
    case "CallbackJoined": {
      const record = cb.callbacks.get(event.callbackId)
      if (record !== undefined) record.joined += 1
      return
    }
    case "CallbackDialed": {
      const record = cb.callbacks.get(event.callbackId)
      if (record === undefined) return
      record.dials += 1
      record.dial = { callId: event.callId, messageId: event.messageId, repId: event.repId, connected: false }
      record.status = "dialing"
      record.legs.push(event.callId)
      cb.legs.set(event.callId, event.callbackId)
      return
    }
    case "CallbackConnected": {
      const record = cb.callbacks.get(event.callbackId)
      if (record === undefined || record.dial === null) return
      record.dial.connected = true
      record.status = "connected"
      return
    }
    case "CallbackAttemptFailed": {
      const record = cb.callbacks.get(event.callbackId)
      if (record === undefined) return
      record.attempts = event.attempt
      record.dial = null
      record.retryAt = event.retryAt
      if (event.retryAt !== null) record.status = "retry_wait"
      return
    }
    case "CallbackRescheduled": {
      const record = cb.callbacks.get(event.callbackId)
      if (record === undefined) return
      record.window = event.window
      record.deadline = event.deadline
      record.deadlineReason = event.deadlineReason
      return
    }
    case "CallbackClosed":
      closeRecord(cb, event.callbackId)
      return
    default:
      return
  }
}

const addRecord = (cb: CallbackState, event: Extract<CallbackEvent, { _tag: "CallbackRequested" }>): void => {
  const { _tag, at, ...request } = event
  cb.callbacks.set(event.callbackId, {
    ...request,
    requestedAt: at,
    status: event.source === "in_queue" ? "queued" : "scheduled",
    attempts: 0,
    dials: 0,
    dial: null,
    retryAt: null,
    joined: 0,
    legs: [],
  })
  cb.byNumber.set(numberKey(event.queueId, event.number), event.callbackId)
}

const closeRecord = (cb: CallbackState, callbackId: string): void => {
  const record = cb.callbacks.get(callbackId)
  if (record === undefined) return
  cb.callbacks.delete(callbackId)
  const key = numberKey(record.queueId, record.number)
  if (cb.byNumber.get(key) === callbackId) cb.byNumber.delete(key)
  for (const leg of record.legs) cb.legs.delete(leg)
}

/** C1 average wait: an ordinary call answered after waiting since its arrival. */
const recordAnsweredWait = (state: CenterState, itemId: string, at: number): void => {
  const item = itemOf(state.routing, itemId)
  if (item === undefined || state.callback.callbacks.has(itemId)) return
  const queueId = item.queue.config.queueId
  let history = state.callback.waits.get(queueId)
  if (history === undefined) {
    history = { ring: [], next: 0, sum: 0 }
    state.callback.waits.set(queueId, history)
  }
  recordWait(history, at - item.arrivedAt)
}

/** C1, C2: a call that lands in a queue with overflow settings is watched from now on. */
const watchArrival = (
  cb: CallbackState,
  itemId: string,
  queueId: string,
  via: { readonly workstreamId: string; readonly ruleId: string | null } | null,
  attributes: Attributes,
): void => {
  const override =
    via === null || via.ruleId === null
      ? undefined
      : cb.overrides.get(overrideKey(via.workstreamId, via.ruleId))
  const policy = override ?? cb.queues.get(queueId)
  if (policy === undefined || policy.settings.rules.length === 0) return
  const from = attributes.from
  const w: OverflowWatch = {
    itemId,
    queueId,
    policy,
    from: isDialable(from) ? from : null,
    to: attributes.to ?? null,
    offer: null,
    ownWaitChecked: 0,
    ownWaitDueAt: null,
    ownWaitDeferred: false,
    visited: [],
    group: null,
    leaving: null,
  }
  cb.watched.set(itemId, w)
  joinCandidates(cb, w)
}

/** A transferred call is under its new queue's settings (an offer already running goes on). */
const watchTransfer = (cb: CallbackState, itemId: string, fromQueueId: string, toQueueId: string): void => {
  const w = cb.watched.get(itemId)
  if (w === undefined) return
  leaveCandidates(cb, w)
  w.visited.push(fromQueueId)
  w.queueId = toQueueId
  w.policy = cb.queues.get(toQueueId) ?? NO_OVERFLOW
  joinCandidates(cb, w)
}

const leave = (cb: CallbackState, itemId: string, reason: NonNullable<OverflowWatch["leaving"]>): void => {
  const w = cb.watched.get(itemId)
  if (w === undefined) return
  leaveCandidates(cb, w)
  if (w.offer === null && w.ownWaitDueAt === null) cb.watched.delete(itemId)
  else w.leaving = reason
}

const joinCandidates = (cb: CallbackState, w: OverflowWatch): void => {
  if (w.offer !== null || w.from === null || w.policy.callbackQueueRules.length === 0) return
  let groups = cb.candidates.get(w.queueId)
  if (groups === undefined) {
    groups = new Map()
    cb.candidates.set(w.queueId, groups)
  }
  let group = groups.get(w.policy)
  if (group === undefined) {
    group = new Set()
    groups.set(w.policy, group)
  }
  group.add(w)
  w.group = group
}

const leaveCandidates = (cb: CallbackState, w: OverflowWatch): void => {
  const group = w.group
  if (group === null) return
  group.delete(w)
  w.group = null
  if (group.size === 0) cb.candidates.get(w.queueId)?.delete(w.policy)
}
