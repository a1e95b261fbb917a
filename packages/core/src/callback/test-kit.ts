import { expect } from "vitest"
import type { CenterCommand } from "../center/commands"
import type { CenterEvent } from "../center/events"
import { type CenterHarness, centerHarness } from "../center/test-kit"
import type { TelephonyAction } from "../ports/telephony"
import { voiceRep } from "../routing/test-kit"
import type { OverflowRule } from "./overflow"

/** Helpers for the callback rules on the center harness (the virtual clock of core tests). */

export const CALLER = "+14155550123"
export const LINE = "+14155550100"

type Overflow = Omit<Extract<CenterCommand, { _tag: "SetQueueOverflow" }>, "_tag" | "queueId">

/**
 * A center at t=0 with queue "q" whose members are `reps` (one voice unit each, away unless
 * told), workstream "ws" into it, and the overflow settings given.
 */
export const overflowCenter = (
  options: { reps?: readonly string[]; presence?: string; overflow?: Overflow; startAt?: number } = {},
): CenterHarness => {
  const h = centerHarness(options.startAt ?? 0)
  const reps = options.reps ?? ["ann"]
  for (const repId of reps) h.run(voiceRep(repId, 1, options.presence ?? "away"))
  h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: [...reps], agingStepMs: null })
  h.run({ _tag: "DefineWorkstream", workstreamId: "ws", name: "Main", rules: [], fallbackQueueId: "q" })
  if (options.overflow !== undefined) h.run({ _tag: "SetQueueOverflow", queueId: "q", ...options.overflow })
  return h
}

export const callbackWhenWaiting = (count = 1): OverflowRule => ({
  condition: { _tag: "WaitingAbove", count },
  action: { _tag: "DirectCallback" },
})

let events = 0
const eventId = () => `ev-${++events}`

export const inbound = (callId: string, from: string | null = CALLER, workstreamId = "ws") =>
  ({ _tag: "InboundCall", callId, eventId: eventId(), from, to: LINE, workstreamId }) as const
export const pressed = (callId: string, digit: string | null = "1") =>
  ({ _tag: "DigitCollected", callId, eventId: eventId(), digit }) as const
export const hungUp = (callId: string) => ({ _tag: "CallEnded", callId, eventId: eventId() }) as const
export const answered = (callId: string) => ({ _tag: "CallAnswered", callId, eventId: eventId() }) as const
export const failed = (callId: string, reason = "busy") =>
  ({ _tag: "CallFailed", callId, eventId: eventId(), reason }) as const
export const played = (callId: string) => ({ _tag: "PromptPlayed", callId, eventId: eventId() }) as const

/** The telephony actions queued in the outbox by these events, in order. */
export const actions = (h: CenterHarness, events: readonly CenterEvent[] = h.log): TelephonyAction[] =>
  h
    .eventsOf("OutboxQueued", events)
    .flatMap((e) => (e.message._tag === "Telephony" ? [e.message.action] : []))

export const actionsOf = <T extends TelephonyAction["_tag"]>(
  h: CenterHarness,
  tag: T,
  events: readonly CenterEvent[] = h.log,
): Extract<TelephonyAction, { _tag: T }>[] =>
  actions(h, events).filter((a): a is Extract<TelephonyAction, { _tag: T }> => a._tag === tag)

/** When each C3 offer was queued to `callId`, relative to `t0`. */
export const offerTimes = (h: CenterHarness, callId: string, t0 = 0): number[] =>
  h
    .eventsOf("OutboxQueued")
    .filter(
      (e) => e.message._tag === "Telephony" && e.message.action._tag === "CollectDigit" && e.ref === callId,
    )
    .map((e) => e.at - t0)

/** The pending offer made to `repId`. */
export const offerTo = (h: CenterHarness, repId: string) => {
  const offer = [...h.state.routing.offers.values()].find((o) => o.rep.repId === repId)
  expect(offer, `an offer to ${repId}`).toBeDefined()
  return offer as NonNullable<typeof offer>
}

export const accept = (h: CenterHarness, repId: string) => {
  const offer = offerTo(h, repId)
  return h.run({ _tag: "AcceptOffer", offerId: offer.offerId, repId })
}
