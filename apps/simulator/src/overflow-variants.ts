import { decodeOverflowSettings, type OverflowCondition, type OverflowRule } from "@lifeline/core/callback"
import { Result } from "effect"
import type { Scenario, ScenarioQueue } from "./scenario"

/**
 * B7 what-if, the scenario side: the same scenario with another threshold on the callback offer,
 * so runs can compare overflow thresholds by the callbacks and waits they produce. The threshold
 * is in the condition's own unit: ms for the wait conditions, a count for `WaitingAbove`.
 */
export interface OverflowVariant {
  readonly threshold: number
  readonly scenario: Scenario
}

const withThreshold = (condition: OverflowCondition, threshold: number): OverflowCondition => {
  switch (condition._tag) {
    case "WaitingAbove":
      return { _tag: "WaitingAbove", count: threshold }
    case "EstimatedWaitAbove":
    case "AverageWaitAbove":
    case "OwnWaitAbove":
      return { _tag: condition._tag, ms: threshold }
    case "OutsideOperatingHours":
      return condition
  }
}

/** The queue with `threshold` on each of its direct-callback rules; refused outside the core's bounds (C1). */
const queueWithThreshold = (queue: ScenarioQueue, threshold: number): ScenarioQueue => {
  const overflow = queue.overflow
  if (overflow === undefined) return queue
  const rules: OverflowRule[] = overflow.settings.rules.map((rule) =>
    rule.action._tag === "DirectCallback"
      ? { ...rule, condition: withThreshold(rule.condition, threshold) }
      : rule,
  )
  const settings = { ...overflow.settings, rules }
  const checked = decodeOverflowSettings(settings)
  if (Result.isFailure(checked)) {
    const { path, message } = checked.failure
    throw new RangeError(`threshold ${threshold} for queue ${queue.queueId}: overflow${path}: ${message}`)
  }
  return { ...queue, overflow: { ...overflow, settings } }
}

/**
 * One scenario per threshold: the direct-callback rules of `queueIds` (default: every queue that
 * has one) get that threshold; everything else, the seed included, stays the same.
 */
export const overflowVariants = (
  scenario: Scenario,
  thresholds: readonly number[],
  queueIds?: readonly string[],
): OverflowVariant[] => {
  const targets = new Set(
    queueIds ??
      scenario.queues
        .filter((q) => q.overflow?.settings.rules.some((r) => r.action._tag === "DirectCallback"))
        .map((q) => q.queueId),
  )
  for (const id of targets)
    if (!scenario.queues.some((q) => q.queueId === id)) throw new RangeError(`no queue ${id} in the scenario`)
  return thresholds.map((threshold) => ({
    threshold,
    scenario: {
      ...scenario,
      name: `${scenario.name} (callback threshold ${threshold})`,
      queues: scenario.queues.map((q) => (targets.has(q.queueId) ? queueWithThreshold(q, threshold) : q)),
    },
  }))
}
