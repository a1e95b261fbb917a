import { Result, Schema, SchemaIssue, SchemaParser } from "effect"
import { Id } from "../ids"
import { ewtAtPosition, staffing } from "../routing/ewt"
import { isOpenAt } from "../routing/queue"
import type { QueueRead } from "../routing/reads"
import { DEFAULT_RETRY, RetryPolicy } from "./retry"
import { type CallbackTexts, PromptText, textsOf } from "./texts"

/**
 * C1: a queue's overflow settings, as data. Each rule pairs one condition with one action; rules
 * are tried in order and the first whose condition holds and whose action can be taken acts.
 */
/** C1 bounds: the queue's average or estimated wait, 30 s to 60 min. */
const QueueWaitMs = Schema.Int.check(Schema.isBetween({ minimum: 30_000, maximum: 3_600_000 }))
/** C1 bounds: a call's own wait, 1 to 60 min. */
const OwnWaitMs = Schema.Int.check(Schema.isBetween({ minimum: 60_000, maximum: 3_600_000 }))

export const OverflowCondition = Schema.Union([
  /** More than `count` items waiting in the queue, the arriving one included. */
  Schema.TaggedStruct("WaitingAbove", {
    count: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 })),
  }),
  /** R5 EWT of the last in line above `ms`; a queue nobody staffs waits without bound. */
  Schema.TaggedStruct("EstimatedWaitAbove", { ms: QueueWaitMs }),
  /** The mean wait (arrival to a rep's acceptance) of the queue's recent calls above `ms`. */
  Schema.TaggedStruct("AverageWaitAbove", { ms: QueueWaitMs }),
  /** This call has waited more than `ms`. */
  Schema.TaggedStruct("OwnWaitAbove", { ms: OwnWaitMs }),
  /** The queue is outside its operating hours (R3). */
  Schema.TaggedStruct("OutsideOperatingHours", {}),
])
export type OverflowCondition = typeof OverflowCondition.Type

export const OverflowAction = Schema.Union([
  /** C3: offer the caller a callback (press 1) while they keep waiting. */
  Schema.TaggedStruct("DirectCallback", {}),
  /** Move the call to another queue; it keeps its age. */
  Schema.TaggedStruct("TransferToQueue", { queueId: Id }),
  /** Play the voicemail greeting; the call leaves the queue. */
  Schema.TaggedStruct("Voicemail", {}),
  /** Play a farewell and end the call. */
  Schema.TaggedStruct("EndCall", {}),
])
export type OverflowAction = typeof OverflowAction.Type

export const OverflowRule = Schema.Struct({ condition: OverflowCondition, action: OverflowAction })
export type OverflowRule = typeof OverflowRule.Type

export const OverflowSettings = Schema.Struct({
  rules: Schema.Array(OverflowRule).check(Schema.isMaxLength(20)),
  offerText: Schema.optionalKey(PromptText),
  confirmationText: Schema.optionalKey(PromptText),
  voicemailText: Schema.optionalKey(PromptText),
  endCallText: Schema.optionalKey(PromptText),
  /** The number callbacks are placed from; by default the number the caller dialled. */
  callerId: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(32))),
  retry: Schema.optionalKey(RetryPolicy),
})
export type OverflowSettings = typeof OverflowSettings.Type

/** The first thing wrong with a value as overflow settings: where (`.rules[0].condition.count`) and what. */
export interface OverflowSettingsProblem {
  /** The path inside the settings, as a suffix to the field that holds them ("" for the whole). */
  readonly path: string
  readonly message: string
}

const decodeSettings = SchemaParser.decodeUnknownResult(OverflowSettings, {
  errors: "first",
  reportInput: true,
})
const formatIssue = SchemaIssue.makeFormatterStandardSchemaV1()

/** C2: decode overflow settings that arrive untyped (a route rule's override, a what-if variant). */
export const decodeOverflowSettings = (
  value: unknown,
): Result.Result<OverflowSettings, OverflowSettingsProblem> => {
  const decoded = decodeSettings(value)
  if (Result.isSuccess(decoded)) return Result.succeed(decoded.success)
  const [issue] = formatIssue(decoded.failure).issues
  const path = (issue?.path ?? [])
    .map((segment) => (typeof segment === "object" ? segment.key : segment))
    .map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`))
    .join("")
  return Result.fail({ path, message: issue?.message ?? "invalid overflow settings" })
}

/** Settings made ready for the hot path: the rule subsets each evaluation point needs. */
export interface OverflowPolicy {
  readonly settings: OverflowSettings
  readonly texts: CallbackTexts
  readonly retry: RetryPolicy
  readonly callerId: string | null
  /** Rules about the queue (not the call's own wait), in order: checked when a call arrives. */
  readonly queueRules: readonly OverflowRule[]
  /** The queue rules whose action is a direct callback: checked again while calls wait. */
  readonly callbackQueueRules: readonly OverflowRule[]
  /** The distinct own-wait thresholds, ascending: each is a per-call timer. */
  readonly ownWaitSteps: readonly number[]
}

export const isQueueCondition = (c: OverflowCondition): boolean => c._tag !== "OwnWaitAbove"

export const overflowPolicy = (settings: OverflowSettings): OverflowPolicy => {
  const queueRules = settings.rules.filter((r) => isQueueCondition(r.condition))
  const steps = new Set<number>()
  for (const r of settings.rules) if (r.condition._tag === "OwnWaitAbove") steps.add(r.condition.ms)
  return {
    settings,
    texts: textsOf(settings),
    retry: settings.retry ?? DEFAULT_RETRY,
    callerId: settings.callerId ?? null,
    queueRules,
    callbackQueueRules: queueRules.filter((r) => r.action._tag === "DirectCallback"),
    ownWaitSteps: [...steps].sort((a, b) => a - b),
  }
}

/** How many recent waits the average-wait condition looks at. */
export const WAIT_HISTORY = 50

/** A queue's recent waits (arrival to acceptance), a ring with a running sum: O(1) per call. */
export interface WaitHistory {
  readonly ring: number[]
  next: number
  sum: number
}

export const recordWait = (history: WaitHistory, waitedMs: number): void => {
  const old = history.ring[history.next]
  if (old !== undefined) history.sum -= old
  history.ring[history.next] = waitedMs
  history.sum += waitedMs
  history.next = (history.next + 1) % WAIT_HISTORY
}

export const averageWait = (history: WaitHistory | undefined): number | null =>
  history === undefined || history.ring.length === 0 ? null : history.sum / history.ring.length

/** Does a queue condition hold now? Own-wait conditions are per call and never hold here. */
export const queueConditionHolds = (
  condition: OverflowCondition,
  queue: QueueRead,
  waits: WaitHistory | undefined,
  now: number,
): boolean => {
  switch (condition._tag) {
    case "WaitingAbove":
      return queue.waiting.size > condition.count
    case "EstimatedWaitAbove": {
      const ewt = ewtAtPosition(staffing(queue), Math.max(1, queue.waiting.size))
      return ewt === null || ewt > condition.ms
    }
    case "AverageWaitAbove": {
      const average = averageWait(waits)
      return average !== null && average > condition.ms
    }
    case "OutsideOperatingHours":
      return !isOpenAt(queue.config.operatingHours, now)
    case "OwnWaitAbove":
      return false
  }
}

/** The first own-wait threshold above `checkedMs`, or undefined. */
export const nextOwnWaitStep = (policy: OverflowPolicy, checkedMs: number): number | undefined =>
  policy.ownWaitSteps.find((ms) => ms > checkedMs)
