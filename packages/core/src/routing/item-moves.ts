import { Result } from "effect"
import { InvalidField, InvalidState, NotYours, UnknownEntity } from "../kernel/errors"
import type { RoutingCommand } from "./commands"
import type { RoutingError } from "./errors"
import type { RoutingEvent } from "./events"
import type { ItemState, RouterState } from "./state"

/**
 * Decisions that move an item other than by offers: hold and resume (B1 callback retries),
 * transfer (C1 overflow to another queue) and close (C1 voicemail or end call, C8 expiry).
 * Each keeps R2 and R4: units are released exactly when a rep loses the item, and a pending
 * offer is always resolved (withdrawn) before the item leaves.
 */
type Decision = Result.Result<readonly RoutingEvent[], RoutingError>
type Cmd<T extends RoutingCommand["_tag"]> = Extract<RoutingCommand, { _tag: T }>

const notInState = (item: ItemState, wanted: string): Decision =>
  Result.fail(new InvalidState({ field: "itemId", message: `work item is ${item.status}, not ${wanted}` }))

const unknownItem = (itemId: string): Decision =>
  Result.fail(new UnknownEntity({ entity: "work item", id: itemId, field: "itemId" }))

export const holdItem = (state: RouterState, command: Cmd<"HoldItem">, now: number): Decision => {
  const item = state.items.get(command.itemId)
  if (item === undefined) return unknownItem(command.itemId)
  if (item.status !== "assigned" || item.assignedTo === null) return notInState(item, "assigned")
  if (item.assignedTo.repId !== command.repId) {
    return Result.fail(new NotYours({ field: "repId", message: "the work item is assigned to another rep" }))
  }
  return Result.succeed([{ _tag: "ItemHeld", itemId: item.itemId, repId: command.repId, at: now }])
}

export const resumeItem = (state: RouterState, command: Cmd<"ResumeItem">, now: number): Decision => {
  const item = state.items.get(command.itemId)
  if (item === undefined) return unknownItem(command.itemId)
  if (item.status !== "held") return notInState(item, "held")
  return Result.succeed([{ _tag: "ItemResumed", itemId: item.itemId, at: now }])
}

export const transferItem = (state: RouterState, command: Cmd<"TransferItem">, now: number): Decision => {
  const item = state.items.get(command.itemId)
  if (item === undefined) return unknownItem(command.itemId)
  if (!state.queues.has(command.queueId)) {
    return Result.fail(new UnknownEntity({ entity: "queue", id: command.queueId, field: "queueId" }))
  }
  const from = item.queue.config.queueId
  if (from === command.queueId) {
    return Result.fail(
      new InvalidField({ field: "queueId", message: "the work item is already in that queue" }),
    )
  }
  if (item.status !== "waiting" && item.status !== "escalated") return notInState(item, "waiting")
  return Result.succeed([
    { _tag: "ItemTransferred", itemId: item.itemId, fromQueueId: from, toQueueId: command.queueId, at: now },
  ])
}

export const closeItem = (state: RouterState, command: Cmd<"CloseItem">, now: number): Decision => {
  const item = state.items.get(command.itemId)
  if (item === undefined) return unknownItem(command.itemId)
  const repId = item.status === "assigned" ? (item.assignedTo?.repId ?? null) : null
  const closed: RoutingEvent = {
    _tag: "ItemClosed",
    itemId: item.itemId,
    reason: command.reason,
    repId,
    at: now,
  }
  if (item.offer === null) return Result.succeed([closed])
  const { offerId, rep } = item.offer
  return Result.succeed([
    { _tag: "OfferWithdrawn", offerId, itemId: item.itemId, repId: rep.repId, at: now },
    closed,
  ])
}
