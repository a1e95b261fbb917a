import { it } from "@effect/vitest"
import { Telephony } from "@lifeline/core/ports"
import { Effect, Result } from "effect"
import { describe, expect } from "vitest"
import type { TelephonyEvent } from "./events"
import { makeSeenIds } from "./seen-ids"
import {
  SimulatedTelephony,
  SimulatedTelephonyLive,
  sequentialIds,
  simulatedTelephonyLayer,
} from "./simulated"

/** Registers a handler that records what the "webhook" receives. */
const heard = Effect.gen(function* () {
  const sim = yield* SimulatedTelephony
  const events: TelephonyEvent[] = []
  yield* sim.onEvent((event) => Effect.sync(() => void events.push(event)))
  return events
})

describe("simulated telephony", () => {
  it.effect(
    "C3 a waiting caller is answered, offered a callback and presses 1, heard with the offer's key",
    () =>
      Effect.gen(function* () {
        const telephony = yield* Telephony
        const sim = yield* SimulatedTelephony
        const events = yield* heard
        yield* sim.incomingCall({ callId: "c1", from: "+15557654321", to: "+15550101111" })
        expect(events).toMatchObject([
          { _tag: "IncomingCall", callId: "c1", from: { phoneNumber: "+15557654321" } },
        ])

        yield* telephony.perform({ _tag: "Answer", callId: "c1" }, "answer-1")
        expect(events).toHaveLength(1) // the provider's reply waits for flush
        expect(yield* sim.flush).toBe(1)
        expect(events[1]).toMatchObject({ _tag: "CallConnected", callId: "c1", operationContext: "answer-1" })

        expect(yield* sim.pressDigit("c1", "1")).toBe(false) // no collection running: the key is lost
        yield* telephony.perform(
          { _tag: "CollectDigit", callId: "c1", prompt: "press 1", timeoutMs: 10_000 },
          "offer-1",
        )
        expect(yield* sim.pressDigit("c1", "1")).toBe(true)
        expect(events[2]).toMatchObject({
          _tag: "RecognizeCompleted",
          digits: "1",
          tones: ["one"],
          operationContext: "offer-1",
        })
        expect(yield* sim.pressDigit("c1", "1")).toBe(false)
      }).pipe(Effect.provide(SimulatedTelephonyLive)),
  )

  it.effect("C3 a caller who stays silent times out", () =>
    Effect.gen(function* () {
      const telephony = yield* Telephony
      const sim = yield* SimulatedTelephony
      const events = yield* heard
      yield* sim.incomingCall({ callId: "c2", from: "+15557654321", to: "+15550101111" })
      yield* telephony.perform({ _tag: "Answer", callId: "c2" }, "a")
      yield* telephony.perform(
        { _tag: "CollectDigit", callId: "c2", prompt: "press 1", timeoutMs: 5_000 },
        "o",
      )
      expect(yield* sim.silence("c2")).toBe(true)
      expect(events.at(-1)).toMatchObject({
        _tag: "RecognizeFailed",
        reason: "timeout",
        operationContext: "o",
      })
    }).pipe(Effect.provide(SimulatedTelephonyLive)),
  )

  it.effect("N2 an action repeated with its key is recorded once; a redelivered event keeps its id", () =>
    Effect.gen(function* () {
      const telephony = yield* Telephony
      const sim = yield* SimulatedTelephony
      const events = yield* heard
      yield* sim.incomingCall({ callId: "c3", from: "+15557654321", to: "+15550101111" })
      yield* telephony.perform({ _tag: "Answer", callId: "c3" }, "answer-3")
      yield* telephony.perform({ _tag: "Answer", callId: "c3" }, "answer-3")
      expect((yield* sim.actions).map((a) => a.idempotencyKey)).toEqual(["answer-3"])
      expect(yield* sim.repeats).toBe(1)

      const first = events[0]
      expect(yield* sim.redeliver(first?.eventId ?? "")).toBe(true)
      expect(events.map((e) => e.eventId)).toEqual([first?.eventId, first?.eventId])
      const seen = makeSeenIds()
      expect(events.filter((e) => seen.firstSight(e.eventId))).toHaveLength(1)
    }).pipe(Effect.provide(SimulatedTelephonyLive)),
  )

  it.effect("C6 a callback is dialled, answered by the customer, and bridged to the rep who accepted", () =>
    Effect.gen(function* () {
      const telephony = yield* Telephony
      const sim = yield* SimulatedTelephony
      const events = yield* heard
      yield* telephony.perform(
        { _tag: "PlaceCall", callId: "cb", to: "+15553334444", from: "+15550100000" },
        "dial",
      )
      const connect = { _tag: "Connect", callId: "cb", repId: "ann" } as const
      // Bridging before the customer answers is refused, as the provider would.
      expect(yield* Effect.result(telephony.perform(connect, "bridge"))).toMatchObject({
        failure: { retryable: false },
      })
      expect(yield* sim.answerOutbound("cb")).toBe(true)
      yield* telephony.perform(connect, "bridge")
      expect(yield* sim.repAnswers("cb")).toBe(true)
      expect(events.map((e) => e._tag)).toEqual(["CallConnected", "AddParticipantSucceeded"])
      expect(events[1]).toMatchObject({ operationContext: "bridge", participant: { rawId: "sim-rep:ann" } })
      expect((yield* sim.call("cb"))?.reps).toEqual(["ann"])
    }).pipe(Effect.provide(SimulatedTelephonyLive)),
  )

  it.effect("E6 a PSAP callback is redirected to the rep unanswered; nothing more can be done with it", () =>
    Effect.gen(function* () {
      const telephony = yield* Telephony
      const sim = yield* SimulatedTelephony
      yield* sim.incomingCall({ callId: "psap", from: "+4511223344", to: "+4535000001" })
      yield* telephony.perform({ _tag: "Redirect", callId: "psap", repId: "bea" }, "redirect")
      expect(yield* sim.call("psap")).toMatchObject({ state: "redirected", redirectedTo: "bea" })
      expect(yield* sim.pendingEvents).toBe(0)
      const play = yield* Effect.result(telephony.perform({ _tag: "Play", callId: "psap", prompt: "x" }, "p"))
      expect(Result.isFailure(play)).toBe(true)
    }).pipe(Effect.provide(SimulatedTelephonyLive)),
  )

  it.effect("B1 a customer who does not answer; an injected failure is retried with the same key", () =>
    Effect.gen(function* () {
      const telephony = yield* Telephony
      const sim = yield* SimulatedTelephony
      const events = yield* heard
      yield* telephony.perform(
        { _tag: "PlaceCall", callId: "n", to: "+15551110000", from: "+15550100000" },
        "d1",
      )
      expect(yield* sim.noAnswer("n")).toBe(true)
      expect(events.at(-1)).toMatchObject({ _tag: "CreateCallFailed", resultInformation: { code: 408 } })

      yield* telephony.perform(
        { _tag: "PlaceCall", callId: "m", to: "+15551110001", from: "+15550100000" },
        "d2",
      )
      yield* sim.answerOutbound("m")
      yield* sim.failNext({ retryable: true, operation: "Play", message: "throttled" })
      const play = { _tag: "Play", callId: "m", prompt: "hello" } as const
      expect(yield* Effect.result(telephony.perform(play, "p1"))).toMatchObject({
        failure: { retryable: true },
      })
      yield* telephony.perform(play, "p1")
      expect((yield* sim.actions).filter((a) => a.idempotencyKey === "p1")).toHaveLength(1)

      yield* telephony.perform({ _tag: "HangUp", callId: "m" }, "h1")
      yield* telephony.perform({ _tag: "HangUp", callId: "m" }, "h2")
      expect(yield* sim.flush).toBe(1)
      expect(events.at(-1)).toMatchObject({ _tag: "CallDisconnected", callId: "m" })
    }).pipe(Effect.provide(SimulatedTelephonyLive)),
  )

  it.effect("issue 16 N2 two lives of the provider never hand out the same call id or event id", () => {
    const life = Effect.gen(function* () {
      const sim = yield* SimulatedTelephony
      const callIds = [yield* sim.newCallId, yield* sim.newCallId]
      for (const callId of callIds)
        yield* sim.incomingCall({ callId, from: "+15557654321", to: "+15550101111" })
      return { callIds, eventIds: (yield* sim.events).map((e) => e.eventId) }
    })
    return Effect.gen(function* () {
      // Each provide builds a new provider, as a node's restart does.
      const first = yield* Effect.provide(life, SimulatedTelephonyLive)
      const second = yield* Effect.provide(life, SimulatedTelephonyLive)
      const callIds = [...first.callIds, ...second.callIds]
      const eventIds = [...first.eventIds, ...second.eventIds]
      expect(eventIds).toHaveLength(4)
      expect(new Set(callIds).size).toBe(4)
      expect(new Set(eventIds).size).toBe(4)
      for (const id of callIds) expect(id).toMatch(/^sim-call-[0-9a-f-]{36}$/)
    })
  })

  it.effect("the same script gives the same events, ids included, with sequential ids", () => {
    const script = Effect.gen(function* () {
      const telephony = yield* Telephony
      const sim = yield* SimulatedTelephony
      yield* sim.incomingCall({ callId: "d", from: "+15557654321", to: "+15550101111" })
      yield* telephony.perform({ _tag: "Answer", callId: "d" }, "a")
      yield* sim.flush
      yield* telephony.perform({ _tag: "CollectDigit", callId: "d", prompt: "p", timeoutMs: 1_000 }, "o")
      yield* sim.pressDigit("d", "1")
      yield* sim.hangUp("d")
      return yield* sim.events
    })
    return Effect.gen(function* () {
      const first = yield* Effect.provide(script, simulatedTelephonyLayer({ newId: sequentialIds() }))
      const second = yield* Effect.provide(script, simulatedTelephonyLayer({ newId: sequentialIds() }))
      expect(first.map((e) => e._tag)).toEqual([
        "IncomingCall",
        "CallConnected",
        "RecognizeCompleted",
        "CallDisconnected",
      ])
      expect(second).toEqual(first)
    })
  })
})
