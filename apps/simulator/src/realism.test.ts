import { describe, expect, it } from "vitest"
import { memorySink } from "./engine/event-log"
import { IF } from "./interval-stats"
import { measure } from "./measure"
import { runSimulation } from "./run"
import type { Scenario, ScenarioRep } from "./scenario"
import { decodeScenario } from "./scenario-file"

/** Issue 17 Build 7: reps who decline or let offers ring, PSAP callbacks, scheduled callbacks. */

const MINUTE = 60_000
const fixed = (ms: number) => ({ _tag: "Deterministic", value: ms }) as const

const oneQueue = (reps: readonly ScenarioRep[], extra: Partial<Scenario> = {}): Scenario => ({
  name: "realism",
  queues: [
    {
      queueId: "q",
      name: "Q",
      assignment: "most_idle",
      meanInterArrivalMs: 2 * MINUTE,
      meanHandleMs: 3 * MINUTE,
    },
  ],
  reps,
  ...extra,
})

type CoreEvent = { readonly _tag: string; readonly at: number } & Readonly<Record<string, unknown>>

interface Logged {
  readonly at: number
  readonly core?: { readonly _tag: string }
}

/** A run's core events, from its event log. */
const coreEvents = (scenario: Scenario, hours: number, seed = 1) => {
  const sink = memorySink()
  const summary = runSimulation({ seed, hours, scenario, events: sink })
  const events = sink.lines
    .map((l) => JSON.parse(l) as Logged)
    .flatMap((l): CoreEvent[] => (l.core === undefined ? [] : [{ ...l.core, at: l.at }]))
  return { summary, events }
}

describe("issue 17 Build 7: scenario realism", () => {
  it("R4 a decline probability p gives a decline fraction whose 95% interval holds p over many offers", () => {
    const p = 0.3
    const reps = Array.from({ length: 8 }, (_, i) => ({
      repId: `r${i + 1}`,
      queues: ["q"],
      offers: { declineProbability: p, noAnswerProbability: 0, thinkTime: fixed(2_000) },
    }))
    const summary = runSimulation({ seed: 3, hours: 200, scenario: oneQueue(reps) })
    const offers = summary.realism?.offers
    expect(offers).toBeDefined()
    const { made, declined } = offers ?? { made: 0, declined: 0 }
    expect(made).toBeGreaterThan(5_000)
    const share = declined / made
    const half = 1.96 * Math.sqrt((share * (1 - share)) / made)
    expect(Math.abs(share - p)).toBeLessThan(half)
    // Every declined call is still answered in the end (R4: the item is offered again).
    expect(summary.queues[0]?.answered).toBeGreaterThan(0.99 * (summary.queues[0]?.offered ?? 0))
  })

  it("P1 under --replications each count has its interval across runs, and the decline share holds p", () => {
    const reps = Array.from({ length: 6 }, (_, i) => ({
      repId: `r${i + 1}`,
      queues: ["q"],
      offers: { declineProbability: 0.25, noAnswerProbability: 0.05, thinkTime: fixed(2_000) },
    }))
    const report = measure({
      scenario: oneQueue(reps),
      seed: 4,
      hours: 24,
      replications: 8,
      confidence: 0.95,
    })
    const declined = report.realism?.shares.offersDeclined
    expect(declined?.halfWidth).toBeGreaterThan(0)
    expect(Math.abs((declined?.estimate as number) - 0.25)).toBeLessThan(declined?.halfWidth as number)
    const made = report.realism?.perRun["offers.made"]
    // About 24 h × 30 calls/h offered, each offered at least once.
    expect(made?.estimate).toBeGreaterThan(700)
    expect(made?.halfWidth).toBeGreaterThan(0)
    expect(report.realism?.perRun["psap.dropped"]).toBeUndefined()
  })

  it("R4 the interval report counts declined and expired offers in the interval they happened", () => {
    const reps = Array.from({ length: 4 }, (_, i) => ({
      repId: `r${i + 1}`,
      queues: ["q"],
      offers: { declineProbability: 0.2, noAnswerProbability: 0.1, thinkTime: fixed(2_000) },
    }))
    const summary = runSimulation({ seed: 5, hours: 6, scenario: oneQueue(reps), intervalMs: 15 * MINUTE })
    const rows = summary.intervals?.rows() ?? []
    expect(rows).toHaveLength(24)
    const total = (field: number) => rows.reduce((n, r) => n + (r.sums[field] as number), 0)
    expect(total(IF.offersDeclined)).toBe(summary.realism?.offers?.declined)
    expect(total(IF.offersExpired)).toBe(summary.realism?.offers?.expired)
    expect(summary.realism?.offers?.expired).toBeGreaterThan(0)
  })

  it("R4 an offer let ring expires at 30 s and the item is offered again (event log)", () => {
    const reps: ScenarioRep[] = [
      {
        repId: "ringer",
        queues: ["q"],
        offers: { declineProbability: 0, noAnswerProbability: 1, thinkTime: fixed(1) },
      },
      // 1.5 Erlang on three reps who accept: every item expired by the ringer is served soon.
      { repId: "taker-1", queues: ["q"] },
      { repId: "taker-2", queues: ["q"] },
      { repId: "taker-3", queues: ["q"] },
    ]
    const { summary, events } = coreEvents(oneQueue(reps), 8)
    const made = new Map(events.filter((e) => e._tag === "OfferMade").map((e) => [e.offerId as string, e]))
    const expired = events.filter((e) => e._tag === "OfferExpired")
    expect(expired.length).toBeGreaterThan(10)
    expect(summary.realism?.offers?.expired).toBe(expired.length)
    for (const e of expired) {
      expect(e.repId).toBe("ringer")
      expect(e.at - (made.get(e.offerId as string)?.at as number)).toBe(30_000)
      // The same item is offered again after the expiry, and a rep who accepts answers it.
      const again = events.find((o) => o._tag === "OfferMade" && o.itemId === e.itemId && o.at >= e.at)
      expect(again).toBeDefined()
      expect(events.some((o) => o._tag === "OfferAccepted" && o.itemId === e.itemId)).toBe(true)
    }
    // Nothing was accepted by the rep who lets every offer ring.
    expect(events.some((e) => e._tag === "OfferAccepted" && e.repId === "ringer")).toBe(false)
  })

  it("E6/W5 a dropped emergency call is reported, the session waits in DND, the PSAP's callback reaches the rep, the lease's end restores presence", () => {
    const reps: ScenarioRep[] = [
      { repId: "solo", queues: ["q"] },
      { repId: "other", queues: ["q"] },
    ]
    const scenario = oneQueue(reps, {
      emergency: {
        callsPerDay: 24,
        duration: fixed(10 * MINUTE),
        dialString: "911",
        region: "US",
        dropProbability: 1,
        psapCallback: { probability: 1, delay: fixed(2 * MINUTE), duration: fixed(3 * MINUTE) },
      },
    })
    const { summary, events } = coreEvents(scenario, 12)
    const psap = summary.realism?.psap
    expect(psap?.dropped).toBeGreaterThan(3)
    expect(psap?.called).toBe(psap?.dropped)
    const redirected = events.filter((e) => e._tag === "PsapCallbackRedirected")
    expect(redirected.length).toBe(psap?.toRep)
    for (const r of redirected) {
      expect(r.role).toBe("rep")
      const received = events.find((e) => e._tag === "PsapCallbackReceived" && e.callId === r.callId)
      const dial = events.findLast((e) => e._tag === "EmergencyDialled" && e.at <= r.at)
      // The PSAP called the number the rep's dial gave it, and reached that rep.
      expect(received?.number).toBe(dial?.callbackNumber)
      expect(r.repId).toBe(dial?.repId)
      // W5 (issue 19): the drop was reported and the session waited, in DND (E4), for this call.
      const dropped = events.findLast(
        (e) => e._tag === "EmergencyCallDropped" && e.repId === r.repId && e.at <= r.at,
      )
      expect(dropped?.waitingUntil).toBe((dial?.at as number) + 60 * MINUTE)
      const presence = events.findLast(
        (e) => e._tag === "PresenceChanged" && e.repId === r.repId && e.at <= r.at,
      )
      expect(presence?.to).toBe("busy_dnd")
      expect(events.some((e) => e._tag === "EmergencySessionOpened" && e.at === r.at)).toBe(false)
      // The PSAP's call ends after its 3 minutes; the session ends when the lease does (60 minutes
      // after the dial), not with the call, and the rep's presence is restored then (E10).
      const callEnded = events.find((e) => e._tag === "PsapCallbackEnded" && e.callId === r.callId)
      expect(callEnded?.at).toBe(r.at + 3 * MINUTE)
      const ended = events.find((e) => e._tag === "EmergencyEnded" && e.repId === r.repId && e.at > r.at)
      expect(ended?.reason).toBe("lease_ended")
      expect(ended?.at).toBe((dial?.at as number) + 60 * MINUTE)
      const restored = events.find(
        (e) => e._tag === "PresenceChanged" && e.repId === r.repId && e.at === ended?.at,
      )
      expect(restored?.from).toBe("busy_dnd")
    }
  })

  it("E5/B5 a PSAP calling back after the lease's 60 minutes reaches a fallback rep, not the one who dialled", () => {
    const reps: ScenarioRep[] = [
      { repId: "a", queues: ["q"] },
      { repId: "b", queues: ["q"] },
    ]
    const scenario = oneQueue(reps, {
      emergency: {
        callsPerDay: 12,
        duration: fixed(5 * MINUTE),
        dialString: "911",
        region: "US",
        dropProbability: 1,
        psapCallback: { probability: 1, delay: fixed(61 * MINUTE), duration: fixed(MINUTE) },
      },
    })
    const { summary, events } = coreEvents(scenario, 48)
    const received = events.filter((e) => e._tag === "PsapCallbackReceived")
    expect(received.length).toBeGreaterThan(5)
    for (const call of received) {
      // A lease is live when a dial that gave this number came less than 60 minutes before.
      const live = events.some(
        (e) =>
          e._tag === "EmergencyDialled" &&
          e.callbackNumber === call.number &&
          e.at > call.at - 60 * MINUTE &&
          e.at <= call.at,
      )
      const redirect = events.find((e) => e._tag === "PsapCallbackRedirected" && e.callId === call.callId)
      expect(redirect?.role).toBe(live ? "rep" : "fallback")
    }
    const psap = summary.realism?.psap
    expect(psap?.toFallback).toBeGreaterThan(0)
    expect((psap?.toRep ?? 0) + (psap?.toFallback ?? 0) + (psap?.unanswered ?? 0)).toBe(psap?.called)
  })

  it("C7 scheduled callbacks are dialled only inside their window; the rest expire at its end", () => {
    const scenario = oneQueue([{ repId: "only", queues: ["q"] }], {
      queues: [
        {
          queueId: "q",
          name: "Q",
          assignment: "most_idle",
          meanInterArrivalMs: 4 * MINUTE,
          meanHandleMs: 3 * MINUTE,
          scheduledCallbacks: {
            meanInterArrivalMs: 5 * MINUTE,
            windowStart: { _tag: "Uniform", min: 0, max: 60 * MINUTE },
            windowLength: fixed(10 * MINUTE),
            answerProbability: 0.7,
            ringTime: fixed(10_000),
          },
        },
      ],
    })
    const { summary, events } = coreEvents(scenario, 12)
    const windows = new Map(
      events
        .filter((e) => e._tag === "CallbackRequested")
        .map((e) => [e.callbackId as string, e.window as { start: number; end: number }]),
    )
    const dials = events.filter((e) => e._tag === "CallbackDialed")
    expect(dials.length).toBeGreaterThan(20)
    for (const d of dials) {
      const w = windows.get(d.callbackId as string)
      expect(d.at).toBeGreaterThanOrEqual(w?.start as number)
      expect(d.at).toBeLessThan(w?.end as number)
    }
    const tally = summary.realism?.scheduled
    expect(tally?.dialledInWindow).toBe(dials.length)
    expect(tally?.dialledOutsideWindow).toBe(0)
    expect(tally?.served).toBeGreaterThan(0)
    // One rep for 12 + 15 calls an hour of 3 min: some windows end before their callback is made.
    expect(tally?.expired).toBeGreaterThan(0)
    const closed = events.filter((e) => e._tag === "CallbackClosed")
    expect(closed.filter((e) => e.reason === "window_ended").length).toBe(tally?.expired)
  })

  it("a scenario split in independent components sums their counts, one after another or in lockstep", () => {
    const queue = (queueId: string) => ({
      queueId,
      name: queueId,
      assignment: "most_idle" as const,
      meanInterArrivalMs: 2 * MINUTE,
      meanHandleMs: 3 * MINUTE,
      scheduledCallbacks: {
        meanInterArrivalMs: 20 * MINUTE,
        windowStart: fixed(MINUTE),
        windowLength: fixed(30 * MINUTE),
        answerProbability: 1,
        ringTime: fixed(5_000),
      },
    })
    const offers = { declineProbability: 0.2, noAnswerProbability: 0.1, thinkTime: fixed(2_000) }
    const scenario: Scenario = {
      name: "two components",
      queues: [queue("a"), queue("b")],
      reps: [
        { repId: "a1", queues: ["a"], offers },
        { repId: "a2", queues: ["a"] },
        { repId: "b1", queues: ["b"], offers },
        { repId: "b2", queues: ["b"] },
      ],
    }
    const apart = runSimulation({ seed: 9, hours: 8, scenario })
    const lockstep = coreEvents(scenario, 8, 9)
    expect(lockstep.summary.realism).toEqual(apart.realism)
    const declined = lockstep.events.filter((e) => e._tag === "OfferDeclined").length
    expect(apart.realism?.offers?.declined).toBe(declined)
    expect(apart.realism?.scheduled?.requested).toBe(
      lockstep.events.filter((e) => e._tag === "CallbackRequested").length,
    )
  })

  it("the scenario file's new fields decode, and an impossible pair of probabilities names its field", () => {
    const file = {
      name: "x",
      queues: [
        {
          id: "q",
          arrivals: { callsPerHour: 10 },
          handleTime: { type: "exponential", mean: 60 },
          scheduledCallbacks: {
            callsPerHour: 2,
            windowStart: { type: "deterministic", value: 600 },
            windowLength: { type: "deterministic", value: 1800 },
          },
        },
      ],
      reps: [{ id: "r", queues: ["q"], offers: { declineProbability: 0.7, noAnswerProbability: 0.4 } }],
      emergency: {
        callsPerDay: 1,
        duration: { type: "exponential", mean: 60 },
        dropProbability: 0.2,
        psapCallback: { probability: 0.5, delay: { type: "exponential", mean: 300 } },
      },
    }
    const bad = decodeScenario(file)
    expect(bad._tag).toBe("Failure")
    if (bad._tag === "Failure")
      expect(bad.failure.issues).toEqual([
        {
          path: "reps[0].offers.noAnswerProbability",
          message: "declineProbability + noAnswerProbability must be <= 1",
        },
      ])
    const good = decodeScenario({
      ...file,
      reps: [{ id: "r", queues: ["q"], offers: { declineProbability: 0.2 } }],
    })
    expect(good._tag).toBe("Success")
    if (good._tag === "Success") {
      expect(good.success.reps[0]?.offers).toEqual({
        declineProbability: 0.2,
        noAnswerProbability: 0,
        thinkTime: { _tag: "Deterministic", value: 3_000 },
      })
      expect(good.success.queues[0]?.scheduledCallbacks?.meanInterArrivalMs).toBe(1_800_000)
      expect(good.success.emergency?.psapCallback?.delay).toEqual({ _tag: "Exponential", mean: 300_000 })
    }
  })
})
