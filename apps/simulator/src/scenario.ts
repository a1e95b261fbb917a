import type { AssignmentMethod } from "@lifeline/core"

export interface ScenarioQueue {
  readonly queueId: string
  readonly name: string
  readonly assignment: AssignmentMethod
  /** Poisson arrivals: exponential gaps with this mean. */
  readonly meanInterArrivalMs: number
  /** Exponential handle times with this mean. */
  readonly meanHandleMs: number
  /** Exponential patience with this mean: a caller not answered by then hangs up. None: never. */
  readonly meanPatienceMs?: number
}

export interface ScenarioRep {
  readonly repId: string
  readonly queues: readonly string[]
}

export interface Scenario {
  readonly name: string
  readonly queues: readonly ScenarioQueue[]
  /** Every rep is available with one voice slot and accepts every offer at once. */
  readonly reps: readonly ScenarioRep[]
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
