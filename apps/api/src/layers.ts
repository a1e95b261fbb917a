import { MemoryStoreLive, SystemClockLive } from "@lifeline/adapters"
import { CenterLive } from "@lifeline/core"
import { Layer } from "effect"

/**
 * The API's composition root: the only place that picks adapters. In-memory store for now;
 * the libSQL store replaces it when persistence lands.
 */
export const ApiLive = CenterLive.pipe(Layer.provide(Layer.merge(MemoryStoreLive, SystemClockLive)))
