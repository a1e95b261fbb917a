import type { CenterCommand } from "../center/commands"
import type { CenterEvent } from "../center/events"
import type { CenterAsks, CenterModule } from "../center/module"
import type { CenterState } from "../center/state"
import { type Handlers, handlers, widen } from "../kernel/handlers"
import type { ReadReply } from "../kernel/module"
import { tagsOf } from "../kernel/tags"
import type { RoutingCommand } from "./commands"
import { RoutingCommand as RoutingCommandSchema } from "./commands"
import { decide } from "./decide"
import type { RoutingEvent } from "./events"
import { ROUTING_EVENT_TAGS } from "./events"
import { evolve } from "./evolve"
import { ROUTING_REPLIES } from "./replies"
import { followUp, withSettleDeferred } from "./router"
import { ROUTING_TIMERS } from "./timers"

const ROUTING_COMMAND_TAGS = tagsOf(RoutingCommandSchema.members)
const ROUTING_TAGS = [...ROUTING_EVENT_TAGS] as RoutingEvent["_tag"][]

export const isRoutingEvent = (event: CenterEvent): event is RoutingEvent =>
  ROUTING_EVENT_TAGS.has(event._tag)

/** Routing acts for another module: its own decision over its own slice (kernel `Ask`). */
export const askRouting: CenterAsks["routing"] = (state, command, now) => decide(state.routing, command, now)

/**
 * The router as a center module. Its dispatcher applies each offer the moment it decides it
 * (see dispatch.ts), so its follow-ups arrive already applied to the routing state: the center
 * passes them to the other modules only (`followUpApplied`).
 * `followUpApplied` is registered for every routing event: router.ts `followUp` picks the ones
 * that may make work matchable, so no second list of them is kept here.
 */
export const routingModule: CenterModule & {
  readonly followUpApplied: Handlers<
    CenterEvent,
    [state: CenterState, now: number, out: RoutingEvent[]],
    void
  >
} = {
  name: "routing",
  commands: ROUTING_COMMAND_TAGS,
  decide: (state, command, now) => decide(state.routing, command as RoutingCommand, now),
  replies: widen<CenterCommand, ReadReply<CenterState, unknown> | undefined>()(ROUTING_REPLIES),
  evolve: handlers<CenterEvent, [CenterState]>().on(ROUTING_TAGS, (event, state) =>
    evolve(state.routing, event),
  ),
  followUpApplied: handlers<CenterEvent, [CenterState, number, RoutingEvent[]]>().on(
    ROUTING_TAGS,
    (event, state, now, out) => followUp(state.routing, event, now, out),
  ),
  timers: ROUTING_TIMERS as unknown as NonNullable<CenterModule["timers"]>,
}

/**
 * Inside one command the router brings its offerable heaps up to date only when it needs them
 * (state.ts `deferSettle`); the center holds settling for the whole command and settles at its
 * end, through the one place the flag is flipped (router.ts `withSettleDeferred`).
 */
export const withSettlingHeld = <A>(state: CenterState, run: () => A): A =>
  withSettleDeferred(state.routing, run)
