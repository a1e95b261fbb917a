import { overflowVariants } from "../overflow-variants"
import { type QueueSummary, runSimulation } from "../run"
import type { Scenario } from "../scenario"
import { queueMetrics } from "./erlang"
import { scenarioOf, type ValidationCase } from "./validate"

export interface WhatIfInput {
  readonly callsPerHour: number
  readonly ahtSeconds: number
  /** Absent: callers never hang up (Erlang C); present: Erlang A. */
  readonly patienceSeconds?: number
  /** Target service level, e.g. 0.8 for 80 %. */
  readonly target: number
  readonly thresholdSeconds: number
}

const rates = (input: WhatIfInput, agents: number) => ({
  arrivalRate: input.callsPerHour / 3600,
  serviceRate: 1 / input.ahtSeconds,
  agents,
  abandonRate: input.patienceSeconds === undefined ? 0 : 1 / input.patienceSeconds,
})

/** Analytic SL = P(answered within the threshold) with `agents` reps (B7). */
export const analyticServiceLevel = (input: WhatIfInput, agents: number): number =>
  queueMetrics(rates(input, agents), input.thresholdSeconds).serviceLevel

/** The smallest number of reps whose analytic service level meets the target (B7 what-if). */
export const smallestStaffing = (input: WhatIfInput): number => {
  const load = (input.callsPerHour / 3600) * input.ahtSeconds
  let agents = Math.max(1, input.patienceSeconds === undefined ? Math.floor(load) + 1 : 1)
  while (analyticServiceLevel(input, agents) < input.target) agents += 1
  return agents
}

const caseOf = (input: WhatIfInput, agents: number): ValidationCase => ({
  name: `${agents} reps`,
  agents,
  meanInterArrivalMs: 3_600_000 / input.callsPerHour,
  meanHandleMs: input.ahtSeconds * 1000,
  ...(input.patienceSeconds === undefined ? {} : { meanPatienceMs: input.patienceSeconds * 1000 }),
  slThresholdMs: input.thresholdSeconds * 1000,
})

export interface StaffingCheck {
  readonly agents: number
  readonly analytic: number
  readonly simulated: number | null
}

/** Simulated SL of one staffing level, through the real core, for `hours` of virtual time. */
export const simulatedServiceLevel = (input: WhatIfInput, agents: number, hours: number, seed: number) => {
  const c = caseOf(input, agents)
  const summary = runSimulation({ seed, hours, scenario: scenarioOf(c), slThresholdMs: c.slThresholdMs })
  return summary.queues[0]?.serviceLevel ?? null
}

export const whatIf = (input: WhatIfInput, hours: number, seed: number): readonly StaffingCheck[] => {
  const found = smallestStaffing(input)
  return [found - 1, found]
    .filter((agents) => agents >= 1)
    .map((agents) => ({
      agents,
      analytic: analyticServiceLevel(input, agents),
      simulated: simulatedServiceLevel(input, agents, hours, seed),
    }))
}

/** One overflow threshold's run: per queue, the callbacks it produced and the waits callers had (B7). */
export interface ThresholdRun {
  readonly threshold: number
  readonly queues: readonly QueueSummary[]
}

/**
 * B7 what-if: the same scenario and seed with each callback-offer threshold (C1: the direct-callback
 * rules of every queue that has one; ms for wait conditions, a count for `WaitingAbove`).
 */
export const compareOverflowThresholds = (
  scenario: Scenario,
  thresholds: readonly number[],
  seed: number,
  hours?: number,
): readonly ThresholdRun[] =>
  overflowVariants(scenario, thresholds).map((v) => ({
    threshold: v.threshold,
    queues: runSimulation({ seed, hours, scenario: v.scenario }).queues,
  }))
