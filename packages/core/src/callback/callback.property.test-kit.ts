import fc from "fast-check"
import type { CenterCommand, ProviderCommand } from "../center/commands"
import type { CenterState } from "../center/state"
import { type CenterHarness, centerHarness } from "../center/test-kit"
import { voiceRep } from "../routing/test-kit"

/**
 * Random callback worlds for the property tests: one queue whose calls all come under a
 * direct-callback overflow, a few reps, and a random interleaving of calls, key presses, API
 * requests, rep answers, time, provider events about dial legs (fresh, repeated and late) and
 * outbox reports. Steps carry plain numbers resolved against the live state when they run.
 */

export interface Universe {
  readonly reps: number
  readonly retry: { readonly delayMs: number; readonly maxAttempts: number }
  readonly offerTimeoutMs: number
  readonly startAvailable: boolean
}

export type Step =
  | { readonly kind: "call"; readonly number: number }
  | { readonly kind: "press" | "hangup" | "played"; readonly pick: number; readonly digit: number }
  | { readonly kind: "request"; readonly number: number; readonly windowIn: number | null }
  | { readonly kind: "accept" | "decline" | "complete"; readonly pick: number; readonly callback: boolean }
  | { readonly kind: "presence"; readonly rep: number; readonly available: boolean }
  | { readonly kind: "advance"; readonly ms: number }
  | { readonly kind: "leg"; readonly pick: number; readonly event: "answered" | "failed" | "ended" }
  | { readonly kind: "delivery"; readonly pick: number; readonly outcome: "sent" | "retryable" | "final" }
  | { readonly kind: "repeat"; readonly pick: number }

/** Few numbers, so duplicates (B3) happen; null is an anonymous caller; one is not dialable. */
const NUMBERS: readonly (string | null)[] = [
  "+14155550101",
  "+14155550102",
  "+442071838750",
  null,
  "+19005550100",
]

export const universeArb: fc.Arbitrary<Universe> = fc.record({
  reps: fc.integer({ min: 1, max: 3 }),
  retry: fc.record({
    delayMs: fc.constantFrom(10_000, 45_000),
    maxAttempts: fc.integer({ min: 1, max: 3 }),
  }),
  offerTimeoutMs: fc.constantFrom(20_000, 60_000),
  startAvailable: fc.boolean(),
})

const n = fc.nat({ max: 999 })
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("call" as const), number: n }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("press" as const), pick: n, digit: fc.nat({ max: 3 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("hangup" as const), pick: n, digit: fc.constant(0) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("played" as const), pick: n, digit: fc.constant(0) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("request" as const),
      number: n,
      windowIn: fc.option(fc.nat({ max: 300_000 }), { nil: null }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant("accept" as const), pick: n, callback: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("decline" as const), pick: n, callback: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("complete" as const), pick: n, callback: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("presence" as const), rep: n, available: fc.boolean() }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.nat({ max: 90_000 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("leg" as const),
      pick: n,
      event: fc.constantFrom("answered" as const, "failed" as const, "ended" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("delivery" as const),
      pick: n,
      outcome: fc.constantFrom("sent" as const, "retryable" as const, "final" as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("repeat" as const), pick: n }) },
)

export const stepsArb: fc.Arbitrary<readonly Step[]> = fc.array(stepArb, { maxLength: 80, size: "max" })

export interface World {
  readonly h: CenterHarness
  readonly trace: string[]
}

const at = <T>(xs: readonly T[], i: number): T | undefined =>
  xs.length === 0 ? undefined : xs[i % xs.length]

/** Run a world; `afterStep` looks at it after every step. */
export const simulate = (u: Universe, steps: readonly Step[], afterStep: (w: World) => void): World => {
  const h = centerHarness(0)
  const world: World = { h, trace: [] }
  const provider: ProviderCommand[] = []
  let calls = 0
  let requests = 0
  let eventIds = 0
  const run = (command: CenterCommand | undefined) => {
    if (command === undefined) return
    world.trace.push(`run ${JSON.stringify(command)}`)
    h.attempt(command)
  }
  const fromProvider = (command: ProviderCommand) => {
    provider.push(command)
    run(command)
  }
  const eventId = () => `e${++eventIds}`
  const reps = Array.from({ length: u.reps }, (_, i) => `r${i}`)
  try {
    for (const repId of reps) run(voiceRep(repId, 1, u.startAvailable ? "available" : "away"))
    run({
      _tag: "CreateQueue",
      queueId: "q",
      name: "Q",
      members: reps,
      offerTimeoutMs: u.offerTimeoutMs,
      declineLimit: 50,
    })
    run({ _tag: "DefineWorkstream", workstreamId: "ws", name: "W", rules: [], fallbackQueueId: "q" })
    run({
      _tag: "SetQueueOverflow",
      queueId: "q",
      rules: [{ condition: { _tag: "EstimatedWaitAbove", ms: 30_000 }, action: { _tag: "DirectCallback" } }],
      retry: u.retry,
    })
    for (const step of steps) {
      const s = h.state
      switch (step.kind) {
        case "call":
          fromProvider({
            _tag: "InboundCall",
            callId: `c${++calls}`,
            eventId: eventId(),
            from: at(NUMBERS, step.number) ?? null,
            to: "+14155550100",
            workstreamId: "ws",
          })
          break
        case "press":
        case "hangup":
        case "played": {
          const callId = `c${1 + (step.pick % Math.max(1, calls))}`
          if (step.kind === "press")
            fromProvider({ _tag: "DigitCollected", callId, eventId: eventId(), digit: String(step.digit) })
          else if (step.kind === "hangup") fromProvider({ _tag: "CallEnded", callId, eventId: eventId() })
          else fromProvider({ _tag: "PromptPlayed", callId, eventId: eventId() })
          break
        }
        case "request": {
          const number = at(NUMBERS, step.number) ?? "+14155550101"
          const window =
            step.windowIn === null
              ? {}
              : { window: { start: h.now + step.windowIn, end: h.now + 86_400_000 } }
          run({ _tag: "RequestCallback", callbackId: `cb${++requests}`, number, queueId: "q", ...window })
          break
        }
        case "accept":
        case "decline": {
          const offers = [...s.routing.offers.values()]
          const callbacks = offers.filter((x) => s.callback.callbacks.has(x.item.itemId))
          const o = at(step.callback && callbacks.length > 0 ? callbacks : offers, step.pick)
          const tag = step.kind === "accept" ? "AcceptOffer" : "DeclineOffer"
          run(o && { _tag: tag, offerId: o.offerId, repId: o.rep.repId })
          break
        }
        case "complete": {
          const i = at(
            [...s.routing.items.values()].filter((x) => x.status === "assigned"),
            step.pick,
          )
          run(
            i?.assignedTo ? { _tag: "CompleteWork", itemId: i.itemId, repId: i.assignedTo.repId } : undefined,
          )
          break
        }
        case "presence":
          run({
            _tag: "SetPresence",
            repId: `r${step.rep % u.reps}`,
            presenceId: step.available ? "available" : "away",
          })
          break
        case "advance":
          world.trace.push(`advance ${step.ms}`)
          h.advance(step.ms)
          break
        case "leg": {
          const legs = h.eventsOf("CallbackDialed").map((e) => e.callId)
          const callId = at(legs, step.pick)
          if (callId === undefined) break
          if (step.event === "answered") fromProvider({ _tag: "CallAnswered", callId, eventId: eventId() })
          else if (step.event === "failed")
            fromProvider({ _tag: "CallFailed", callId, eventId: eventId(), reason: "busy" })
          else fromProvider({ _tag: "CallEnded", callId, eventId: eventId() })
          break
        }
        case "delivery": {
          const messageId = at([...s.outbox.due], step.pick)
          if (messageId === undefined) break
          const outcome =
            step.outcome === "sent"
              ? ({ _tag: "Sent", providerId: null } as const)
              : ({
                  _tag: "Failed",
                  reason: "provider down",
                  retryable: step.outcome === "retryable",
                } as const)
          run({ _tag: "RecordDelivery", messageId, outcome })
          break
        }
        case "repeat":
          run(at(provider, step.pick))
          break
      }
      afterStep(world)
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new Error(`${message}\n--- commands (t=${h.now}) ---\n${world.trace.join("\n")}`)
  }
  return world
}

/** The callback state as a string, for replay checks (N1). */
export const callbackFingerprint = (s: CenterState): string =>
  JSON.stringify({
    callbacks: [...s.callback.callbacks.values()].sort((a, b) => (a.callbackId < b.callbackId ? -1 : 1)),
    watched: [...s.callback.watched.values()]
      .map(({ group, policy, offer, ...w }) => ({
        ...w,
        inGroup: group !== null,
        rules: policy.settings.rules.length,
        offer: offer === null ? null : { dueAt: offer.dueAt, played: offer.played },
      }))
      .sort((a, b) => (a.itemId < b.itemId ? -1 : 1)),
    candidates: [...s.callback.candidates].map(([q, groups]) => [q, [...groups.values()].map((g) => g.size)]),
    byNumber: [...s.callback.byNumber].sort(),
    legs: [...s.callback.legs].sort(),
    farewells: [...s.callback.farewells].sort(),
    waits: [...s.callback.waits],
    items: [...s.routing.items.values()].map((i) => [i.itemId, i.status, i.arrivedAt]).sort(),
  })
