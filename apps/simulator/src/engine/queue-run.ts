import type { Distribution, Sampler } from "../distributions"
import { samplerOf } from "../distributions"
import { mulberry32, type Random } from "../random"
import type { ScenarioOverflow, ScenarioQueue, ScenarioScheduledCallbacks } from "../scenario"

/** How a customer called back answers the dial: with this probability, after a ring of `ring`. */
export interface CallbackAnswer {
  readonly probability: number
  readonly ring: Sampler
}

/** A queue with its samplers worked out once. */
export interface QueueRun {
  readonly queue: ScenarioQueue
  /** This queue's own arrival stream (see `Streams`). */
  readonly arrivals: Random
  readonly ratePerMs: number
  readonly handle: Sampler
  readonly patience: Sampler | undefined
  readonly overflow: (ScenarioOverflow & { readonly ring: Sampler }) | undefined
  /** C7: the queue's scheduled callbacks, when it has them. */
  readonly scheduled:
    | {
        readonly ratePerMs: number
        readonly windowStart: Sampler
        readonly windowLength: Sampler
        readonly answer: CallbackAnswer
      }
    | undefined
}

const scheduledRun = (s: ScenarioScheduledCallbacks | undefined): QueueRun["scheduled"] =>
  s === undefined
    ? undefined
    : {
        ratePerMs: 1 / s.meanInterArrivalMs,
        windowStart: samplerOf(s.windowStart),
        windowLength: samplerOf(s.windowLength),
        answer: { probability: s.answerProbability, ring: samplerOf(s.ringTime) },
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
    scheduled: scheduledRun(queue.scheduledCallbacks),
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
  /** Issue 17 Build 7, seeded after all the others so a scenario without it draws as before: */
  /** the reps' answers to offers (decline, let ring, think time), */
  readonly offers: Random
  /** emergency calls dropping and the PSAP calling back, */
  readonly psap: Random
  /** scheduled callbacks (C7): their arrivals and windows. */
  readonly scheduled: Random
}

export const streamsOf = (seed: number, queues: number): { streams: Streams; arrivals: Random[] } => {
  const root = mulberry32(seed)
  const next = () => mulberry32(Math.floor(root() * 4_294_967_296))
  const [handle, patience, caller, emergency] = [next(), next(), next(), next()]
  const arrivals = Array.from({ length: queues }, next)
  const streams = { handle, patience, caller, emergency, offers: next(), psap: next(), scheduled: next() }
  return { streams, arrivals }
}
