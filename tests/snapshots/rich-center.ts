import { join } from "node:path"
import {
  type CenterCommand,
  type CenterEvent,
  type CenterState,
  centerTimers,
  emptyCenterState,
  executeCenter,
  replayCenter,
} from "@lifeline/core/center"
import type { Timer } from "@lifeline/core/ports"
import { Result } from "effect"
import { memorySink } from "../../apps/simulator/src/engine/event-log"
import { runSimulation } from "../../apps/simulator/src/run"
import { loadScenarioFile } from "../../apps/simulator/src/scenario-file"
import { repoRoot } from "../durability/processes"

/**
 * A rich center log for the snapshot tests (issue 22): the simulator's small center (queues
 * with overflow and callbacks, shifts and breaks, emergency dials) run through the real core for
 * its day, cut at the first moment (after the emergency dial) when every kind of thing is in
 * the state at once: calls waiting, an offer open, work assigned, a call watched for overflow, a
 * callback pending. Its core events in order, and the time of the last one.
 */
export const richCenterLog = (seed = 7): { events: CenterEvent[]; end: number } => {
  const sink = memorySink()
  runSimulation({
    seed,
    scenario: loadScenarioFile(join(repoRoot, "apps/simulator/examples/small-center.json")),
    events: sink,
  })
  const events: CenterEvent[] = []
  const state = emptyCenterState()
  let dialled = false
  for (const line of sink.lines) {
    const parsed = JSON.parse(line) as { at: number; core?: CenterEvent }
    if (parsed.core === undefined) continue
    events.push(parsed.core)
    replayCenter(state, [parsed.core])
    if (parsed.core._tag === "EmergencyDialled") dialled = true
    const { routing, callback } = state
    if (
      dialled &&
      routing.offers.size > 0 &&
      [...routing.items.values()].some((i) => i.status === "waiting") &&
      [...routing.items.values()].some((i) => i.assignedTo !== null) &&
      callback.watched.size > 0 &&
      callback.callbacks.size > 0
    )
      return { events, end: parsed.at }
  }
  throw new Error("the small center's day never had everything in its state at once")
}

/** The timers a log leaves armed, as the store keeps them (in arming order). */
export const armedTimers = (events: readonly CenterEvent[]): Timer<CenterCommand>[] => {
  const timers = new Map<string, Timer<CenterCommand>>()
  for (const e of events) {
    for (const change of centerTimers(e)) {
      if (change._tag === "Arm") {
        timers.delete(change.timer.timerId)
        timers.set(change.timer.timerId, change.timer)
      } else timers.delete(change.timerId)
    }
  }
  return [...timers.values()]
}

/**
 * Commands that probe a state (the same list for equal states): answer some open offers, finish
 * some work, put a new item in each queue, and fire the earliest armed timers.
 */
export const probeCommands = (
  state: CenterState,
  timers: readonly Timer<CenterCommand>[],
): CenterCommand[] => {
  const out: CenterCommand[] = []
  let n = 0
  for (const o of state.routing.offers.values()) {
    if (n++ >= 12) break
    out.push({ _tag: n % 2 === 0 ? "AcceptOffer" : "DeclineOffer", offerId: o.offerId, repId: o.rep.repId })
  }
  n = 0
  for (const item of state.routing.items.values()) {
    if (item.assignedTo === null) continue
    if (n++ >= 12) break
    out.push({ _tag: "CompleteWork", itemId: item.itemId, repId: item.assignedTo.repId })
  }
  for (const queueId of state.routing.queues.keys())
    out.push({ _tag: "EnqueueItem", itemId: `probe-${queueId}`, queueId })
  const due = [...timers].sort((a, b) => a.dueAt - b.dueAt).slice(0, 12)
  for (const t of due) out.push(t.command)
  return out
}

/** What the core decides for each command in turn, at `now`: the events, or the error's tag. */
export const decisions = (state: CenterState, commands: readonly CenterCommand[], now: number) =>
  commands.map((command) => {
    const result = executeCenter(state, command, now)
    return Result.isSuccess(result) ? result.success : { refused: result.failure._tag }
  })
