import { Result } from "effect"
import type { RoutingCommand } from "./commands"
import { decide } from "./decide"
import { fillItem, fillRep, refillRefused } from "./dispatch"
import type { RoutingError } from "./errors"
import type { RoutingEvent } from "./events"
import { evolve } from "./evolve"
import { receivesNormalWork } from "./presence"
import { type RouterState, settle } from "./state"

/**
 * Apply one command's events with the heaps' upkeep deferred (`RouterState.deferSettle`), then
 * settle them, also when `run` throws: the one place the flag is flipped, for the center's loop
 * and the router's own.
 */
export const withSettleDeferred = <A>(state: RouterState, run: () => A): A => {
  state.deferSettle = true
  try {
    return run()
  } finally {
    state.deferSettle = false
    settle(state)
  }
}

/**
 * The router alone, one command start to finish: decide its events, apply them, then let the
 * dispatcher make the offers they allow. Returns every event in order (the command's, then the
 * offers), which is exactly what the store appends and what replay feeds back through `evolve`.
 * On error nothing was applied. Production runs the whole center (`executeCenter`, which calls
 * the same `followUp`); this loop is the routing rules' test kit: the routing tests and benches,
 * `RoutingLive` for the durability tests, and the simulator's `--core routing`.
 */
export const execute = (
  state: RouterState,
  command: RoutingCommand,
  now: number,
): Result.Result<RoutingEvent[], RoutingError> => {
  const decided = decide(state, command, now)
  if (Result.isFailure(decided)) return Result.fail(decided.failure)
  const out: RoutingEvent[] = []
  withSettleDeferred(state, () => {
    for (const event of decided.success) {
      out.push(event)
      evolve(state, event)
    }
    for (const event of decided.success) followUp(state, event, now, out)
  })
  return Result.succeed(out)
}

/** Replay a stored stream. */
export const replay = (state: RouterState, events: Iterable<RoutingEvent>): RouterState => {
  for (const event of events) evolve(state, event)
  return state
}

/** Which part of the state an event may have made matchable, and the matching it triggers. */
export const followUp = (state: RouterState, event: RoutingEvent, now: number, out: RoutingEvent[]): void => {
  switch (event._tag) {
    case "PresenceChanged": {
      fillRepById(state, event.repId, now, out)
      // A rep who stops taking work may have been the one others were passed over for.
      const rep = state.reps.get(event.repId)
      if (rep !== undefined && !receivesNormalWork(rep.base)) {
        for (const m of rep.memberships.values()) refillRefused(state, m.queue, now, out)
      }
      return
    }
    case "RepCapacitySet":
    case "QueueMemberAdded":
    case "OfferWithdrawn":
    case "WorkCompleted":
      fillRepById(state, event.repId, now, out)
      return
    case "QueueMemberRemoved": {
      const queue = state.queues.get(event.queueId)
      if (queue !== undefined) refillRefused(state, queue, now, out)
      return
    }
    case "QueueCreated":
      for (const repId of event.members) fillRepById(state, repId, now, out)
      return
    case "ItemQueued":
    case "ItemRequeued":
    case "ItemResumed":
    case "ItemTransferred":
      fillItemById(state, event.itemId, now, out)
      return
    case "ItemHeld":
      fillRepById(state, event.repId, now, out)
      return
    case "ItemClosed":
      if (event.repId !== null) fillRepById(state, event.repId, now, out)
      return
    case "OfferDeclined":
    case "OfferExpired":
      // R4: someone else first; then the freed rep takes its best item, in service order.
      fillItemById(state, event.itemId, now, out, event.repId)
      fillRepById(state, event.repId, now, out)
      return
    default:
      return
  }
}

const fillRepById = (state: RouterState, repId: string, now: number, out: RoutingEvent[]) => {
  const rep = state.reps.get(repId)
  if (rep !== undefined) fillRep(state, rep, now, out)
}

const fillItemById = (
  state: RouterState,
  itemId: string,
  now: number,
  out: RoutingEvent[],
  skipRepId?: string,
) => {
  const item = state.items.get(itemId)
  if (item !== undefined) fillItem(state, item, now, out, skipRepId)
}
