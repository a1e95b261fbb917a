import type { Distribution, Sampler } from "../distributions"
import { samplerOf } from "../distributions"
import { mulberry32, type Random } from "../random"
import type { ScenarioOverflow, ScenarioQueue } from "../scenario"

/** A queue with its samplers worked out once. */
export interface QueueRun {
  readonly queue: ScenarioQueue
  /** This queue's own arrival stream (see `Streams`). */
  readonly arrivals: Random
  readonly ratePerMs: number
  readonly handle: Sampler
  readonly patience: Sampler | undefined
  readonly overflow: (ScenarioOverflow & { readonly ring: Sampler }) | undefined
}

const exponential = (mean: number): Distribution => ({ _tag: "Exponential", mean })

export const queueRun = (queue: ScenarioQueue, arrivals: Random): QueueRun => {
  const patience =
    queue.patience ?? (queue.meanPatienceMs === undefined ? undefined : exponential(queue.meanPatienceMs))
  return {
    queue,
    arrivals,
    ratePerMs: 1 / queue.meanInterArrivalMs,
    handle: samplerOf(queue.handleTime ?? exponential(queue.meanHandleMs)),
    patience: patience === undefined ? undefined : samplerOf(patience),
    overflow:
      queue.overflow === undefined
        ? undefined
        : { ...queue.overflow, ring: samplerOf(queue.overflow.callbackRingTime) },
  }
}

/**
 * Independent random streams, each seeded from the run's seed in a fixed order: every queue's
 * arrivals, handle times, patience, the callers' and customers' choices, emergencies. A change
 * that makes one of them draw more or less (another overflow threshold, another staffing) leaves
 * the others' draws where they were: what-if runs compare on the same arrivals (common random numbers).
 */
export interface Streams {
  readonly handle: Random
  readonly patience: Random
  readonly caller: Random
  readonly emergency: Random
}

export const streamsOf = (seed: number, queues: number): { streams: Streams; arrivals: Random[] } => {
  const root = mulberry32(seed)
  const next = () => mulberry32(Math.floor(root() * 4_294_967_296))
  const streams = { handle: next(), patience: next(), caller: next(), emergency: next() }
  return { streams, arrivals: Array.from({ length: queues }, next) }
}
