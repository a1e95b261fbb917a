import { Result } from "effect"
import { stampOf } from "../audit/actor"
import { AlreadyExists, InvalidField, InvalidState, NotYours, UnknownEntity } from "../kernel/errors"
import type { RoutingCommand } from "./commands"
import { offerMade } from "./dispatch"
import type { RoutingError } from "./errors"
import type { RoutingEvent } from "./events"
import { closeItem, holdItem, resumeItem, transferItem } from "./item-moves"
import { isKnownTimeZone, QUEUE_DEFAULTS } from "./queue"
import { whyRepCannotTake } from "./reads"
import type { OfferState, RouterState } from "./state"
import { routeToQueue } from "./workstream"

type Decision = Result.Result<readonly RoutingEvent[], RoutingError>
type Cmd<T extends RoutingCommand["_tag"]> = Extract<RoutingCommand, { _tag: T }>

const ok = (...events: RoutingEvent[]): Decision => Result.succeed(events)
const fail = (error: RoutingError): Decision => Result.fail(error)
const unknown = (entity: string, id: string, field: string): Decision =>
  fail(new UnknownEntity({ entity, id, field }))
const taken = (entity: string, id: string, field: string): Decision =>
  fail(new AlreadyExists({ entity, id, field }))

/** The new rep's presence when the command names none: signed out until they sign in. */
export const DEFAULT_PRESENCE = "offline"

/**
 * Decide what a command means in the current state: the events to append, or a typed error
 * that names the field. Reads the state, never changes it. Offers that follow from the events
 * are decided afterwards by the dispatcher (see router.ts).
 */
export const decide = (state: RouterState, command: RoutingCommand, now: number): Decision => {
  switch (command._tag) {
    case "DefinePresence":
      return state.presences.has(command.presenceId)
        ? taken("presence", command.presenceId, "presenceId")
        : ok({
            _tag: "PresenceDefined",
            presenceId: command.presenceId,
            label: command.label,
            base: command.base,
          })
    case "RegisterRep":
      return registerRep(state, command, now)
    case "SetPresence": {
      const rep = state.reps.get(command.repId)
      if (rep === undefined) return unknown("rep", command.repId, "repId")
      if (!state.presences.has(command.presenceId))
        return unknown("presence", command.presenceId, "presenceId")
      if (rep.presenceId === command.presenceId) return ok()
      return ok({
        _tag: "PresenceChanged",
        repId: rep.repId,
        from: rep.presenceId,
        to: command.presenceId,
        at: now,
      })
    }
    case "SetRepCapacity":
      return setRepCapacity(state, command, now)
    case "CreateQueue":
      return createQueue(state, command, now)
    case "AddQueueMember":
    case "RemoveQueueMember": {
      const queue = state.queues.get(command.queueId)
      if (queue === undefined) return unknown("queue", command.queueId, "queueId")
      if (!state.reps.has(command.repId)) return unknown("rep", command.repId, "repId")
      const isMember = queue.members.has(command.repId)
      const stamp = stampOf(command, now)
      if (command._tag === "AddQueueMember") {
        return isMember
          ? ok()
          : ok({ _tag: "QueueMemberAdded", queueId: command.queueId, repId: command.repId, ...stamp })
      }
      return isMember
        ? ok({ _tag: "QueueMemberRemoved", queueId: command.queueId, repId: command.repId, ...stamp })
        : ok()
    }
    case "SetQueueServiceLevelTarget": {
      const { _tag, actor, queueId, ...target } = command
      if (!state.queues.has(queueId)) return unknown("queue", queueId, "queueId")
      return ok({ _tag: "QueueServiceLevelTargetSet", queueId, ...target, ...stampOf(command, now) })
    }
    case "DefineWorkstream":
      return defineWorkstream(state, command, now)
    case "EnqueueItem":
      if (!state.queues.has(command.queueId)) return unknown("queue", command.queueId, "queueId")
      if (state.items.has(command.itemId)) return taken("work item", command.itemId, "itemId")
      return ok(queued(command.itemId, command.queueId, command.priority, command.attributes, now, null))
    case "RouteIncoming": {
      const workstream = state.workstreams.get(command.workstreamId)
      if (workstream === undefined) return unknown("workstream", command.workstreamId, "workstreamId")
      if (state.items.has(command.itemId)) return taken("work item", command.itemId, "itemId")
      const route = routeToQueue(workstream, command.attributes ?? {})
      const via = { workstreamId: workstream.workstreamId, ruleId: route.ruleId }
      return ok(queued(command.itemId, route.queueId, command.priority, command.attributes, now, via))
    }
    case "AcceptOffer":
    case "DeclineOffer":
      return answerOffer(state, command, now)
    case "ExpireOffer": {
      const offer = state.offers.get(command.offerId)
      // A timer that fires late, twice, or after the offer was answered changes nothing.
      if (offer === undefined || now < offer.expiresAt) return ok()
      return ok(...refused(offer, "OfferExpired", now))
    }
    case "CompleteWork":
      return completeWork(state, command, now)
    case "AbandonItem":
      return abandonItem(state, command, now)
    case "RequeueItem": {
      const item = state.items.get(command.itemId)
      if (item === undefined) return unknown("work item", command.itemId, "itemId")
      if (item.status !== "escalated") {
        return fail(
          new InvalidState({ field: "itemId", message: `work item is ${item.status}, not escalated` }),
        )
      }
      return ok({ _tag: "ItemRequeued", itemId: item.itemId, at: now })
    }
    case "HoldItem":
      return holdItem(state, command, now)
    case "ResumeItem":
      return resumeItem(state, command, now)
    case "TransferItem":
      return transferItem(state, command, now)
    case "OfferItemTo":
      return offerItemTo(state, command, now)
    case "CloseItem":
      return closeItem(state, command, now)
  }
}

const registerRep = (state: RouterState, command: Cmd<"RegisterRep">, now: number): Decision => {
  if (state.reps.has(command.repId)) return taken("rep", command.repId, "repId")
  const presenceId = command.presenceId ?? DEFAULT_PRESENCE
  if (!state.presences.has(presenceId)) return unknown("presence", presenceId, "presenceId")
  return ok({
    _tag: "RepRegistered",
    repId: command.repId,
    name: command.name,
    presenceId,
    capacity: command.capacity,
    at: now,
  })
}

/** R2: a total below the units in use is refused (the rep would be over capacity). */
const setRepCapacity = (state: RouterState, command: Cmd<"SetRepCapacity">, now: number): Decision => {
  const rep = state.reps.get(command.repId)
  if (rep === undefined) return unknown("rep", command.repId, "repId")
  for (const [profile, total] of Object.entries(command.capacity)) {
    const used = rep.capacity.get(profile)?.used ?? 0
    if (total < used) {
      return fail(
        new InvalidState({
          field: `capacity.${profile}`,
          message: `rep '${rep.repId}' has ${used} ${profile} unit(s) in use; lower it when that work is done`,
        }),
      )
    }
  }
  return ok({ _tag: "RepCapacitySet", repId: rep.repId, capacity: command.capacity, at: now })
}

const createQueue = (state: RouterState, command: Cmd<"CreateQueue">, now: number): Decision => {
  if (state.queues.has(command.queueId)) return taken("queue", command.queueId, "queueId")
  const members = command.members ?? []
  for (const [i, repId] of members.entries()) {
    if (!state.reps.has(repId)) return unknown("rep", repId, `members[${i}]`)
    if (members.indexOf(repId) !== i) {
      return fail(new InvalidField({ field: `members[${i}]`, message: `rep '${repId}' is listed twice` }))
    }
  }
  const zone = command.operatingHours?.timeZone
  if (zone !== undefined && !isKnownTimeZone(zone)) {
    return fail(
      new InvalidField({ field: "operatingHours.timeZone", message: `unknown time zone '${zone}'` }),
    )
  }
  const d = QUEUE_DEFAULTS
  return ok({
    _tag: "QueueCreated",
    queueId: command.queueId,
    name: command.name,
    priority: command.priority ?? d.priority,
    assignment: command.assignment ?? d.assignment,
    profile: command.profile ?? d.profile,
    units: command.units ?? d.units,
    offerTimeoutMs: command.offerTimeoutMs ?? d.offerTimeoutMs,
    declineLimit: command.declineLimit ?? d.declineLimit,
    agingStepMs: command.agingStepMs === undefined ? d.agingStepMs : command.agingStepMs,
    defaultHandleTimeMs: command.defaultHandleTimeMs ?? d.defaultHandleTimeMs,
    operatingHours: command.operatingHours ?? d.operatingHours,
    members,
    ...stampOf(command, now),
  })
}

const defineWorkstream = (state: RouterState, command: Cmd<"DefineWorkstream">, now: number): Decision => {
  if (state.workstreams.has(command.workstreamId))
    return taken("workstream", command.workstreamId, "workstreamId")
  for (const [i, rule] of command.rules.entries()) {
    if (!state.queues.has(rule.queueId)) return unknown("queue", rule.queueId, `rules[${i}].queueId`)
    if (command.rules.findIndex((r) => r.ruleId === rule.ruleId) !== i) {
      return fail(
        new InvalidField({ field: `rules[${i}].ruleId`, message: `rule id '${rule.ruleId}' is used twice` }),
      )
    }
  }
  if (!state.queues.has(command.fallbackQueueId)) {
    return unknown("queue", command.fallbackQueueId, "fallbackQueueId")
  }
  const { _tag, actor, ...workstream } = command
  return ok({ _tag: "WorkstreamDefined", ...workstream, ...stampOf(command, now) })
}

const queued = (
  itemId: string,
  queueId: string,
  priority: number | undefined,
  attributes: Readonly<Record<string, string>> | undefined,
  at: number,
  via: { workstreamId: string; ruleId: string | null } | null,
): RoutingEvent => ({
  _tag: "ItemQueued",
  itemId,
  queueId,
  priority: priority ?? 0,
  attributes: attributes ?? {},
  at,
  via,
})

const answerOffer = (
  state: RouterState,
  command: Cmd<"AcceptOffer" | "DeclineOffer">,
  now: number,
): Decision => {
  const offer = state.offers.get(command.offerId)
  if (offer === undefined) return unknown("pending offer", command.offerId, "offerId")
  if (offer.rep.repId !== command.repId) {
    return fail(new NotYours({ field: "repId", message: "the offer was made to another rep" }))
  }
  if (command._tag === "DeclineOffer") return ok(...refused(offer, "OfferDeclined", now))
  const { offerId, item, rep } = offer
  return ok({ _tag: "OfferAccepted", offerId, itemId: item.itemId, repId: rep.repId, at: now })
}

/** R4: a decline or an expiry returns the item to the queue, or escalates it at the limit. */
const refused = (offer: OfferState, tag: "OfferDeclined" | "OfferExpired", now: number): RoutingEvent[] => {
  const { offerId, item, rep } = offer
  const events: RoutingEvent[] = [{ _tag: tag, offerId, itemId: item.itemId, repId: rep.repId, at: now }]
  if (item.declines + 1 >= item.queue.config.declineLimit) {
    events.push({ _tag: "ItemEscalated", itemId: item.itemId, reason: "decline_limit", at: now })
  }
  return events
}

const completeWork = (state: RouterState, command: Cmd<"CompleteWork">, now: number): Decision => {
  const item = state.items.get(command.itemId)
  if (item === undefined) return unknown("work item", command.itemId, "itemId")
  if (item.status !== "assigned" || item.assignedTo === null) {
    return fail(new InvalidState({ field: "itemId", message: `work item is ${item.status}, not assigned` }))
  }
  if (item.assignedTo.repId !== command.repId) {
    return fail(new NotYours({ field: "repId", message: "the work item is assigned to another rep" }))
  }
  return ok({
    _tag: "WorkCompleted",
    itemId: item.itemId,
    repId: command.repId,
    handleMs: now - item.acceptedAt,
    at: now,
  })
}

const abandonItem = (state: RouterState, command: Cmd<"AbandonItem">, now: number): Decision => {
  const item = state.items.get(command.itemId)
  if (item === undefined) return unknown("work item", command.itemId, "itemId")
  if (item.status === "assigned") {
    return fail(new InvalidState({ field: "itemId", message: "the rep has the call; the rep completes it" }))
  }
  const abandoned: RoutingEvent = { _tag: "ItemAbandoned", itemId: item.itemId, at: now }
  if (item.offer === null) return ok(abandoned)
  const { offerId, rep } = item.offer
  return ok({ _tag: "OfferWithdrawn", offerId, itemId: item.itemId, repId: rep.repId, at: now }, abandoned)
}

/**
 * W1: a waiting or held item offered to the rep named, when that rep can take it now; else a
 * refusal naming `repId` with the reason. The offer is marked `directed` (R3's order is not why).
 */
const offerItemTo = (state: RouterState, command: Cmd<"OfferItemTo">, now: number): Decision => {
  const item = state.items.get(command.itemId)
  if (item === undefined) return unknown("work item", command.itemId, "itemId")
  if (item.status !== "waiting" && item.status !== "held") {
    return fail(
      new InvalidState({ field: "itemId", message: `work item is ${item.status}, not waiting or held` }),
    )
  }
  if (!state.reps.has(command.repId)) return unknown("rep", command.repId, "repId")
  const why = whyRepCannotTake(state, item, command.repId)
  if (why !== undefined) return fail(new InvalidState({ field: "repId", message: why }))
  return ok({ ...offerMade(item, command.repId, now), directed: true })
}
