import { Context, Layer } from "effect"
import { type Engine, makeEngine } from "../engine"
import type { RoutingCommand } from "./commands"
import type { RoutingError } from "./errors"
import type { RoutingEvent } from "./events"
import { execute, replay } from "./router"
import { emptyState, type RouterState } from "./state"
import { routingTimers } from "./timers"

export const ROUTING_STREAM = "routing"

/** Routing as a service: the pure router behind the Store and Clock ports. */
export class Routing extends Context.Service<
  Routing,
  Engine<RouterState, RoutingCommand, RoutingEvent, RoutingError>
>()("lifeline/Routing") {}

export const RoutingLive = Layer.effect(
  Routing,
  makeEngine({
    stream: ROUTING_STREAM,
    empty: emptyState,
    replay,
    execute,
    timersOf: routingTimers,
  }),
)
