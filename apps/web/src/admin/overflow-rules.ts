import type { OverflowRule } from "@lifeline/core/callback"

/** One rule as the form edits it: a condition kind with one number, an action with a queue. */
export interface RuleDraft {
  readonly condition: OverflowRule["condition"]["_tag"]
  /** Count for WaitingAbove, seconds for the queue waits, minutes for the call's own wait. */
  readonly value: number
  readonly action: OverflowRule["action"]["_tag"]
  readonly queueId: string
}

export const CONDITIONS: readonly { readonly tag: RuleDraft["condition"]; readonly label: string }[] = [
  { tag: "WaitingAbove", label: "More calls waiting than (count)" },
  { tag: "EstimatedWaitAbove", label: "Estimated wait above (seconds)" },
  { tag: "AverageWaitAbove", label: "Average wait above (seconds)" },
  { tag: "OwnWaitAbove", label: "The call has waited more than (minutes)" },
  { tag: "OutsideOperatingHours", label: "Outside operating hours" },
]

export const ACTIONS: readonly { readonly tag: RuleDraft["action"]; readonly label: string }[] = [
  { tag: "DirectCallback", label: "Offer a direct callback" },
  { tag: "TransferToQueue", label: "Transfer to queue" },
  { tag: "Voicemail", label: "Voicemail" },
  { tag: "EndCall", label: "End call" },
]

export const draftOf = (rule: OverflowRule): RuleDraft => {
  const c = rule.condition
  const value =
    c._tag === "WaitingAbove"
      ? c.count
      : c._tag === "OwnWaitAbove"
        ? c.ms / 60_000
        : c._tag === "OutsideOperatingHours"
          ? 0
          : c.ms / 1000
  const queueId = rule.action._tag === "TransferToQueue" ? rule.action.queueId : ""
  return { condition: c._tag, value, action: rule.action._tag, queueId }
}

const conditionOf = (d: RuleDraft): OverflowRule["condition"] => {
  switch (d.condition) {
    case "WaitingAbove":
      return { _tag: "WaitingAbove", count: d.value }
    case "OwnWaitAbove":
      return { _tag: "OwnWaitAbove", ms: Math.round(d.value * 60_000) }
    case "OutsideOperatingHours":
      return { _tag: "OutsideOperatingHours" }
    default:
      return { _tag: d.condition, ms: Math.round(d.value * 1000) }
  }
}

/** The rule the API takes; its bounds (C1) are checked by the API, which names the field. */
export const ruleOf = (d: RuleDraft): OverflowRule => ({
  condition: conditionOf(d),
  action:
    d.action === "TransferToQueue" ? { _tag: "TransferToQueue", queueId: d.queueId } : { _tag: d.action },
})

/** The form's fields of a rule, as the API's paths name them (`condition.count`, `action.queueId`). */
export type RuleField = "condition" | "value" | "action" | "queueId"

/** `condition.count` -> "value"; `action.queueId` -> "queueId"; `action` -> "action". */
export const fieldOfRule = (path: string): RuleField | null => {
  if (/^condition\.(count|ms)$/.test(path)) return "value"
  if (path.startsWith("condition")) return "condition"
  if (path === "action.queueId") return "queueId"
  if (path.startsWith("action")) return "action"
  return null
}
