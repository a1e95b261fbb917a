import { Result } from "effect"
import { stampOf } from "../audit/actor"
import type { CenterDecision } from "../center/module"
import type { CenterState } from "../center/state"
import { InvalidField, InvalidState, UnknownEntity } from "../kernel/errors"
import type { DefineWorkstream } from "../routing/commands"
import { hasQueue, queueOf } from "../routing/reads"
import type { SetQueueOverflow } from "./commands"
import { numberProblem } from "./e164"
import type { CallbackError } from "./errors"
import { decodeOverflowSettings, type OverflowSettings } from "./overflow"

/**
 * C1: the checks that need the state: transfer targets exist and are another queue, the caller
 * id can be dialled from (B2). `field` prefixes the field names (a route rule's override, C2).
 */
const settingsProblem = (
  state: CenterState,
  settings: OverflowSettings,
  ownQueueId: string,
  field: string,
): CallbackError | undefined => {
  for (const [i, rule] of settings.rules.entries()) {
    if (rule.action._tag !== "TransferToQueue") continue
    const target = `${field}rules[${i}].action.queueId`
    if (!hasQueue(state.routing, rule.action.queueId))
      return new UnknownEntity({ entity: "queue", id: rule.action.queueId, field: target })
    if (rule.action.queueId === ownQueueId)
      return new InvalidField({ field: target, message: "a queue cannot overflow to itself" })
  }
  const problem = settings.callerId === undefined ? undefined : numberProblem(settings.callerId)
  if (problem !== undefined)
    return new InvalidField({ field: `${field}callerId`, message: `callerId ${problem}` })
  return undefined
}

export const setQueueOverflow = (
  state: CenterState,
  command: typeof SetQueueOverflow.Type,
  now: number,
): CenterDecision => {
  const { _tag, actor, queueId, ...settings } = command
  const queue = queueOf(state.routing, queueId)
  if (queue === undefined)
    return Result.fail(new UnknownEntity({ entity: "queue", id: queueId, field: "queueId" }))
  const problem = settingsProblem(state, settings, queueId, "")
  if (problem !== undefined) return Result.fail(problem)
  if (queue.members.size === 0 && settings.rules.some((r) => r.action._tag === "DirectCallback")) {
    return Result.fail(
      new InvalidState({
        field: "queueId",
        // C9
        message: "a queue offering callbacks needs reps; add members first",
      }),
    )
  }
  return Result.succeed([{ _tag: "QueueOverflowSet", queueId, settings, ...stampOf(command, now) }])
}

/** C2: a route rule's override has the shape of a queue's settings; refused with its field (N3). */
export const overrideProblem = (
  state: CenterState,
  command: typeof DefineWorkstream.Type,
): CallbackError | undefined => {
  for (const [i, rule] of command.rules.entries()) {
    if (rule.overflowOverride === undefined) continue
    const field = `rules[${i}].overflowOverride`
    const decoded = decodeOverflowSettings(rule.overflowOverride)
    if (Result.isFailure(decoded)) {
      return new InvalidField({ field: `${field}${decoded.failure.path}`, message: decoded.failure.message })
    }
    const problem = settingsProblem(state, decoded.success, rule.queueId, `${field}.`)
    if (problem !== undefined) return problem
  }
  return undefined
}
