import { Result } from "effect"
import type { RoutingCommand } from "./commands"
import type { RoutingError } from "./errors"
import type { RoutingEvent } from "./events"
import { execute } from "./router"
import { emptyState, type RouterState } from "./state"

/**
 * A pure harness for the routing rules: the real `execute`, a hand-moved time, and offer
 * expiry fired from the state's pending offers in due order (what the durable timers do).
 */
export const routingHarness = (startAt = 0) => {
  const state: RouterState = emptyState()
  const log: RoutingEvent[] = []
  let now = startAt

  const run = (command: RoutingCommand): RoutingEvent[] => {
    const result = execute(state, command, now)
    if (Result.isFailure(result))
      throw new Error(`${command._tag} failed: ${result.failure._tag} ${result.failure.message}`)
    log.push(...result.success)
    return result.success
  }
  const reject = (command: RoutingCommand): RoutingError => {
    const result = execute(state, command, now)
    if (Result.isSuccess(result)) throw new Error(`${command._tag} was expected to fail`)
    return result.failure
  }
  const advance = (ms: number): RoutingEvent[] => {
    const target = now + ms
    const fired: RoutingEvent[] = []
    for (;;) {
      let next: { offerId: string; expiresAt: number } | undefined
      for (const o of state.offers.values()) {
        if (o.expiresAt <= target && (next === undefined || o.expiresAt < next.expiresAt)) next = o
      }
      if (next === undefined) break
      now = next.expiresAt
      fired.push(...run({ _tag: "ExpireOffer", offerId: next.offerId }))
    }
    now = target
    return fired
  }
  const offersTo = (repId: string) => [...state.offers.values()].filter((o) => o.rep.repId === repId)

  return {
    state,
    log,
    run,
    reject,
    advance,
    offersTo,
    get now() {
      return now
    },
    set now(t: number) {
      now = t
    },
  }
}

export type RoutingHarness = ReturnType<typeof routingHarness>

/** A rep with voice units only (one by default), available unless told otherwise. */
export const voiceRep = (
  repId: string,
  units = 1,
  presenceId = "available",
): Extract<RoutingCommand, { _tag: "RegisterRep" }> => ({
  _tag: "RegisterRep",
  repId,
  name: repId,
  presenceId,
  capacity: { voice: units },
})

type CreateQueueOptions = Omit<Extract<RoutingCommand, { _tag: "CreateQueue" }>, "_tag" | "queueId" | "name">

/** A harness with available one-unit voice reps who are the members of queue "q". */
export const queueOfReps = (repIds: readonly string[], options: CreateQueueOptions = {}): RoutingHarness => {
  const h = routingHarness()
  for (const repId of repIds) h.run(voiceRep(repId))
  h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", ...options, members: repIds })
  return h
}
