import type { OverflowSettings } from "@lifeline/core/callback"
import type { AssignmentMethod, BasePresence } from "@lifeline/core/routing"
import type { Distribution } from "./distributions"
import type { ArrivalProfile } from "./profile"

/**
 * A scenario as the runner uses it: times in milliseconds, clock times as offsets from the
 * simulated day's midnight (UTC). Scenario files (`scenario-file.ts`) decode into this; the
 * optional fields are what a file can say beyond the built-in scenarios.
 */
export interface ScenarioQueue {
  readonly queueId: string
  readonly name: string
  readonly assignment: AssignmentMethod
  /** Poisson arrivals: exponential gaps with this mean (at the base rate, before any profile). */
  readonly meanInterArrivalMs: number
  /** Exponential handle times with this mean; the mean of `handleTime` when that is given. */
  readonly meanHandleMs: number
  /** Exponential patience with this mean: a caller not answered by then hangs up. None: never. */
  readonly meanPatienceMs?: number
  /** The base rate times the profile's factor at each time of day; none: a flat rate. */
  readonly profile?: ArrivalProfile
  /** Handle times; when absent, exponential with `meanHandleMs`. */
  readonly handleTime?: Distribution
  /** Patience; when absent, exponential with `meanPatienceMs` if that is set, else infinite. */
  readonly patience?: Distribution
  /** C1/C3/B1: the queue's overflow settings and how simulated callers respond to them. */
  readonly overflow?: ScenarioOverflow
  /** C7: callbacks scheduled through the API for this queue, each with a contact window. */
  readonly scheduledCallbacks?: ScenarioScheduledCallbacks
}

/**
 * C7 (issue 17 Build 7): `RequestCallback` commands arriving as a Poisson process; each asks for
 * a window opening `windowStart` after the request and lasting `windowLength`.
 */
export interface ScenarioScheduledCallbacks {
  readonly meanInterArrivalMs: number
  readonly windowStart: Distribution
  readonly windowLength: Distribution
  /** B1: the probability the customer answers a dial (each attempt). */
  readonly answerProbability: number
  /** How long the customer's phone rings before they answer a dial they answer. */
  readonly ringTime: Distribution
}

export interface ScenarioOverflow {
  /** Sent as the core's `SetQueueOverflow { queueId, ...settings }`. */
  readonly settings: OverflowSettings
  /** C4: the probability that a caller presses 1 when an offer has played (each offer). */
  readonly pressOneProbability: number
  /** B1: the probability the customer answers a callback's dial (each attempt). */
  readonly callbackAnswerProbability: number
  /** How long the customer's phone rings before they answer a dial they answer. */
  readonly callbackRingTime: Distribution
}

/** A presence change at a clock time: a shift's start and end, a break's start and end. */
export interface ScenarioBreak {
  readonly atMs: number
  readonly durationMs: number
  /** A base presence or one of `Scenario.presences`. */
  readonly presenceId: string
}

export interface ScenarioRep {
  readonly repId: string
  readonly queues: readonly string[]
  /** Voice units (calls at once); default 1. */
  readonly capacity?: number
  /** On shift from `startMs` to `endMs` (offsets from midnight; `endMs` may pass 24 h); none: the whole run. */
  readonly shift?: { readonly startMs: number; readonly endMs: number }
  /** In clock order, inside the shift, not overlapping. */
  readonly breaks?: readonly ScenarioBreak[]
  /** R4: how the rep answers offers; none: every offer is accepted at once. */
  readonly offers?: ScenarioOfferAnswer
}

/**
 * R4 (issue 17 Build 7): per offer, the rep declines with `declineProbability` (the core's
 * `DeclineOffer` after `thinkTime`), lets it ring with `noAnswerProbability` (the core's offer
 * expiry, 30 s, re-offers the item), else accepts at once.
 */
export interface ScenarioOfferAnswer {
  readonly declineProbability: number
  readonly noAnswerProbability: number
  readonly thinkTime: Distribution
}

/** Custom presences the breaks use, each defined in the core with its base (R1). */
export interface ScenarioPresence {
  readonly presenceId: string
  readonly label: string
  readonly base: BasePresence
}

/** E1/E4/E10: reps dialling the emergency number, a Poisson process over the whole center. */
export interface ScenarioEmergency {
  readonly callsPerDay: number
  readonly duration: Distribution
  /** The number the reps dial and the region their browser reports. */
  readonly dialString: string
  readonly region: string
  /** E6/W5: the probability a call drops before the rep ends it, and when (a share of its duration, uniform). */
  readonly dropProbability?: number
  /** E6: after a drop, the PSAP calls back on the leased number (B5: a fallback rep after the lease). */
  readonly psapCallback?: ScenarioPsapCallback
}

export interface ScenarioPsapCallback {
  /** The probability the PSAP calls back after a drop. */
  readonly probability: number
  /** From the drop to the PSAP's call; past the lease's end (60 min, E5) it no longer reaches the rep. */
  readonly delay: Distribution
  /** How long the PSAP's call lasts once put through. */
  readonly duration: Distribution
}

export interface ScenarioSimulation {
  /** Clock times (offsets from the simulated day's midnight) the run starts and ends. */
  readonly startMs: number
  readonly endMs: number
  /** Service-level threshold. */
  readonly slThresholdMs: number
  /** The seed used when the command line gives none. */
  readonly seed: number
}

export interface Scenario {
  readonly name: string
  readonly queues: readonly ScenarioQueue[]
  /** Reps accept every offer at once; without a shift they are available the whole run. */
  readonly reps: readonly ScenarioRep[]
  readonly presences?: readonly ScenarioPresence[]
  readonly emergency?: ScenarioEmergency
  readonly simulation?: ScenarioSimulation
}

const MINUTE = 60_000

/**
 * The one built-in scenario: billing (40 calls/h, 4 min) and support (24 calls/h, 6 min), about
 * 2.7 + 2.4 Erlang on six reps, one of whom works both queues. Busy enough that calls wait;
 * billing callers hang up after 3 min on average, support callers wait as long as it takes.
 */
export const BUILT_IN_SCENARIO: Scenario = {
  name: "two-queues",
  queues: [
    {
      queueId: "billing",
      name: "Billing",
      assignment: "most_idle",
      meanInterArrivalMs: 1.5 * MINUTE,
      meanHandleMs: 4 * MINUTE,
      meanPatienceMs: 3 * MINUTE,
    },
    {
      queueId: "support",
      name: "Support",
      assignment: "round_robin",
      meanInterArrivalMs: 2.5 * MINUTE,
      meanHandleMs: 6 * MINUTE,
    },
  ],
  reps: [
    { repId: "rep-1", queues: ["billing"] },
    { repId: "rep-2", queues: ["billing"] },
    { repId: "rep-3", queues: ["billing"] },
    { repId: "rep-4", queues: ["support"] },
    { repId: "rep-5", queues: ["support"] },
    { repId: "rep-6", queues: ["billing", "support"] },
  ],
}
