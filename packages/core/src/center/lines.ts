import { Result } from "effect"
import { decideCallProvider } from "../calls/module"
import { telephonyMessage } from "../calls/telephony-message"
import { issuedId } from "../ids"
import { handlers } from "../kernel/handlers"
import { itemOf } from "../routing/reads"
import type { ProviderCommand } from "./commands"
import type { CenterEvent } from "./events"
import type { CenterAsks, CenterDecision, CenterModule } from "./module"
import type { CenterState } from "./state"

export { telephonyMessage } from "../calls/telephony-message"

/**
 * Ordinary inbound lines, when no module claimed the provider event: an inbound call is routed
 * by its workstream (R6) and answered; a caller who hangs up while waiting or ringing abandons
 * the item; a call a rep has up hears the other side answer or go (W1, the calls module);
 * anything else about an unknown or finished call changes nothing.
 */
export const decideProviderDefault = (
  state: CenterState,
  command: ProviderCommand,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  if (command._tag === "CallAnswered" || command._tag === "CallEnded" || command._tag === "CallFailed") {
    const decided = decideCallProvider(state, command, now)
    if (decided !== undefined) return decided
  }
  switch (command._tag) {
    case "InboundCall": {
      const attributes: Record<string, string> = { to: command.to }
      if (command.from !== null) attributes.from = command.from
      const routed = asks.routing(
        state,
        { _tag: "RouteIncoming", itemId: command.callId, workstreamId: command.workstreamId, attributes },
        now,
      )
      if (Result.isFailure(routed)) return Result.fail(routed.failure)
      const answer = telephonyMessage(
        issuedId("call", command.callId, "answer"),
        { _tag: "Answer", callId: command.callId },
        "answer",
        command.callId,
        now,
      )
      return Result.succeed([...routed.success, answer])
    }
    case "CallEnded": {
      const item = itemOf(state.routing, command.callId)
      if (item === undefined || (item.status !== "waiting" && item.status !== "offered"))
        return Result.succeed([])
      // Waiting or ringing, the item can be abandoned; were it refused, the refusal is the answer.
      return asks.routing(state, { _tag: "AbandonItem", itemId: command.callId }, now)
    }
    default:
      return Result.succeed([])
  }
}

/**
 * Ordinary inbound lines decide only provider events (above); when a rep accepts an ordinary
 * call, the calls module bridges the caller (calls/module.ts `connectLeg`).
 */
export const linesModule: CenterModule = {
  name: "lines",
  commands: new Set(),
  decide: () => Result.succeed([]),
  evolve: handlers<CenterEvent, [CenterState]>(),
}
