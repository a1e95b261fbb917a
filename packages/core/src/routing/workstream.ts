import { Schema } from "effect"
import { Id } from "../ids"

/** One attribute test: the item's attribute must equal one of the listed values. */
export const RuleCondition = Schema.Struct({
  attribute: Schema.Trimmed.check(Schema.isNonEmpty()),
  oneOf: Schema.NonEmptyArray(Schema.String),
})
export type RuleCondition = typeof RuleCondition.Type

/**
 * R6: a route-to-queue rule. All conditions must hold. Rules are tried in order; the first
 * match wins. `overflowOverride` (C2) replaces the target queue's overflow settings for the
 * items this rule routes; its shape belongs to the overflow module.
 */
export const RouteRule = Schema.Struct({
  ruleId: Id,
  conditions: Schema.Array(RuleCondition),
  queueId: Id,
  overflowOverride: Schema.optionalKey(Schema.Unknown),
})
export type RouteRule = typeof RouteRule.Type

export interface Workstream {
  readonly workstreamId: string
  readonly name: string
  readonly rules: readonly RouteRule[]
  readonly fallbackQueueId: string
}

export type Attributes = Readonly<Record<string, string>>

export interface RouteDecision {
  readonly queueId: string
  /** The rule that matched, or null when the fallback queue took the item. */
  readonly ruleId: string | null
}

const holds = (condition: RuleCondition, attributes: Attributes): boolean => {
  const value = attributes[condition.attribute]
  return value !== undefined && condition.oneOf.includes(value)
}

/** R6: the first rule whose conditions all hold picks the queue; otherwise the fallback. */
export const routeToQueue = (workstream: Workstream, attributes: Attributes): RouteDecision => {
  const rule = workstream.rules.find((r) => r.conditions.every((c) => holds(c, attributes)))
  return rule === undefined
    ? { queueId: workstream.fallbackQueueId, ruleId: null }
    : { queueId: rule.queueId, ruleId: rule.ruleId }
}
