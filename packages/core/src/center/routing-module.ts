import type { RoutingCommand } from "../routing/commands"
import { RoutingCommand as RoutingCommandSchema } from "../routing/commands"
import { decide } from "../routing/decide"
import { ROUTING_EVENT_TAGS, type RoutingEvent } from "../routing/events"
import { evolve } from "../routing/evolve"
import { followUp } from "../routing/router"
import { routingTimers } from "../routing/timers"
import type { CenterEvent, CenterEventTag } from "./events"
import type { CenterModule } from "./module"
import { tagsOf } from "./tags"

const ROUTING_COMMAND_TAGS = tagsOf(RoutingCommandSchema.members)

export const isRoutingEvent = (event: CenterEvent): event is RoutingEvent =>
  ROUTING_EVENT_TAGS.has(event._tag)

/**
 * The router as a center module. Its dispatcher applies each offer the moment it decides it
 * (see dispatch.ts), so its follow-ups arrive already applied to the routing state: the center
 * passes them to the other modules only (`followUpApplied`).
 */
export const routingModule: CenterModule & {
  readonly followUpApplied: (
    state: Parameters<CenterModule["evolve"]>[0],
    event: CenterEvent,
    now: number,
    out: RoutingEvent[],
  ) => void
} = {
  name: "routing",
  commands: ROUTING_COMMAND_TAGS,
  decide: (state, command, now) => decide(state.routing, command as RoutingCommand, now),
  evolve: (state, event) => {
    if (isRoutingEvent(event)) evolve(state.routing, event)
  },
  followUpApplied: (state, event, now, out) => {
    if (isRoutingEvent(event)) followUp(state.routing, event, now, out)
  },
  timersOf: (event) => (isRoutingEvent(event) ? routingTimers(event) : []),
  interests: {
    evolve: ROUTING_EVENT_TAGS as ReadonlySet<CenterEventTag>,
    // What `followUpApplied` acts on (router.ts followUp): changes that may make work matchable.
    followUp: new Set<CenterEventTag>([
      "PresenceChanged",
      "RepCapacitySet",
      "QueueCreated",
      "QueueMemberAdded",
      "QueueMemberRemoved",
      "ItemQueued",
      "OfferDeclined",
      "OfferExpired",
      "OfferWithdrawn",
      "ItemRequeued",
      "WorkCompleted",
      "ItemHeld",
      "ItemResumed",
      "ItemTransferred",
      "ItemClosed",
    ]),
    timers: new Set<CenterEventTag>([
      "OfferMade",
      "OfferAccepted",
      "OfferDeclined",
      "OfferExpired",
      "OfferWithdrawn",
    ]),
  },
}
