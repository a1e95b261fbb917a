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

/** A running world: the harness, what it ran, and the counters that make ids. */
interface Run extends World {
  readonly u: Universe
  readonly provider: ProviderCommand[]
  readonly n: { calls: number; requests: number; events: number }
}

const run = (w: Run, command: CenterCommand | undefined) => {
  if (command === undefined) return
  w.trace.push(`run ${JSON.stringify(command)}`)
  w.h.attempt(command)
}
const fromProvider = (w: Run, command: ProviderCommand) => {
  w.provider.push(command)
  run(w, command)
}
const eventId = (w: Run) => `e${++w.n.events}`

const setup = (w: Run) => {
  const reps = Array.from({ length: w.u.reps }, (_, i) => `r${i}`)
  for (const repId of reps) run(w, voiceRep(repId, 1, w.u.startAvailable ? "available" : "away"))
  run(w, {
    _tag: "CreateQueue",
    queueId: "q",
    name: "Q",
    members: reps,
    offerTimeoutMs: w.u.offerTimeoutMs,
    declineLimit: 50,
  })
  run(w, { _tag: "DefineWorkstream", workstreamId: "ws", name: "W", rules: [], fallbackQueueId: "q" })
  run(w, {
    _tag: "SetQueueOverflow",
    queueId: "q",
    rules: [{ condition: { _tag: "EstimatedWaitAbove", ms: 30_000 }, action: { _tag: "DirectCallback" } }],
    retry: w.u.retry,
  })
}

/** What a caller does: call, press a key, hang up, or hear a prompt end. */
const caller = (w: Run, step: Extract<Step, { kind: "call" | "press" | "hangup" | "played" }>) => {
  if (step.kind === "call") {
    const from = at(NUMBERS, step.number) ?? null
    const callId = `c${++w.n.calls}`
    return fromProvider(w, {
      _tag: "InboundCall",
      callId,
      eventId: eventId(w),
      from,
      to: "+14155550100",
      workstreamId: "ws",
    })
  }
  const callId = `c${1 + (step.pick % Math.max(1, w.n.calls))}`
  if (step.kind === "press")
    fromProvider(w, { _tag: "DigitCollected", callId, eventId: eventId(w), digit: String(step.digit) })
  else if (step.kind === "hangup") fromProvider(w, { _tag: "CallEnded", callId, eventId: eventId(w) })
  else fromProvider(w, { _tag: "PromptPlayed", callId, eventId: eventId(w) })
}

/** What a rep does: answer an offer (a callback one when asked and there is one), or finish work. */
const rep = (w: Run, step: Extract<Step, { kind: "accept" | "decline" | "complete" }>) => {
  const s = w.h.state
  if (step.kind === "complete") {
    const i = at(
      [...s.routing.items.values()].filter((x) => x.status === "assigned"),
      step.pick,
    )
    return run(
      w,
      i?.assignedTo ? { _tag: "CompleteWork", itemId: i.itemId, repId: i.assignedTo.repId } : undefined,
    )
  }
  const offers = [...s.routing.offers.values()]
  const callbacks = offers.filter((x) => s.callback.callbacks.has(x.item.itemId))
  const o = at(step.callback && callbacks.length > 0 ? callbacks : offers, step.pick)
  const tag = step.kind === "accept" ? "AcceptOffer" : "DeclineOffer"
  run(w, o && { _tag: tag, offerId: o.offerId, repId: o.rep.repId })
}

/** What the provider says about a dial leg, fresh or late. */
const leg = (w: Run, step: Extract<Step, { kind: "leg" }>) => {
  const callId = at(
    w.h.eventsOf("CallbackDialed").map((e) => e.callId),
    step.pick,
  )
  if (callId === undefined) return
  if (step.event === "answered") fromProvider(w, { _tag: "CallAnswered", callId, eventId: eventId(w) })
  else if (step.event === "failed")
    fromProvider(w, { _tag: "CallFailed", callId, eventId: eventId(w), reason: "busy" })
  else fromProvider(w, { _tag: "CallEnded", callId, eventId: eventId(w) })
}

/** What the outbox dispatcher reports about a message it was due to send. */
const delivery = (w: Run, step: Extract<Step, { kind: "delivery" }>) => {
  const messageId = at([...w.h.state.outbox.due], step.pick)
  if (messageId === undefined) return
  const outcome =
    step.outcome === "sent"
      ? ({ _tag: "Sent", providerId: null } as const)
      : ({ _tag: "Failed", reason: "provider down", retryable: step.outcome === "retryable" } as const)
  run(w, { _tag: "RecordDelivery", messageId, outcome })
}

const perform = (w: Run, step: Step) => {
  switch (step.kind) {
    case "call":
    case "press":
    case "hangup":
    case "played":
      return caller(w, step)
    case "request": {
      const number = at(NUMBERS, step.number) ?? "+14155550101"
      const now = w.h.now
      const window =
        step.windowIn === null ? {} : { window: { start: now + step.windowIn, end: now + 86_400_000 } }
      return run(w, {
        _tag: "RequestCallback",
        callbackId: `cb${++w.n.requests}`,
        number,
        queueId: "q",
        ...window,
      })
    }
    case "accept":
    case "decline":
    case "complete":
      return rep(w, step)
    case "presence": {
      const presenceId = step.available ? "available" : "away"
      return run(w, { _tag: "SetPresence", repId: `r${step.rep % w.u.reps}`, presenceId })
    }
    case "advance":
      w.trace.push(`advance ${step.ms}`)
      w.h.advance(step.ms)
      return
    case "leg":
      return leg(w, step)
    case "delivery":
      return delivery(w, step)
    case "repeat":
      return run(w, at(w.provider, step.pick))
  }
}

/** Run a world; `afterStep` looks at it after every step. */
export const simulate = (u: Universe, steps: readonly Step[], afterStep: (w: World) => void): World => {
  const w: Run = { h: centerHarness(0), trace: [], u, provider: [], n: { calls: 0, requests: 0, events: 0 } }
  try {
    setup(w)
    for (const step of steps) {
      perform(w, step)
      afterStep(w)
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new Error(`${message}\n--- commands (t=${w.h.now}) ---\n${w.trace.join("\n")}`)
  }
  return w
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
