import {
  CENTER_STREAM,
  type CenterCommand,
  type CenterError,
  type CenterEvent,
  type CenterState,
  centerTimers,
  emptyCenterState,
  executeCenter,
  replayCenter,
} from "@lifeline/core/center"
import type { Domain } from "@lifeline/core/engine"
import {
  emptyState,
  execute as executeRouting,
  ROUTING_STREAM,
  type RouterState,
  type RoutingCommand,
  type RoutingError,
  type RoutingEvent,
  replay as replayRouting,
  routingTimers,
} from "@lifeline/core/routing"

/** The whole contact center (routing, callback, emergency, outbox modules): what production runs. */
export const centerDomain: Domain<CenterState, CenterCommand, CenterEvent, CenterError> = {
  stream: CENTER_STREAM,
  empty: emptyCenterState,
  replay: replayCenter,
  execute: executeCenter,
  timersOf: centerTimers,
}

/** The router alone: the same routing decisions without the other modules (for comparison). */
export const routingDomain: Domain<RouterState, RoutingCommand, RoutingEvent, RoutingError> = {
  stream: ROUTING_STREAM,
  empty: emptyState,
  replay: replayRouting,
  execute: executeRouting,
  timersOf: routingTimers,
}
