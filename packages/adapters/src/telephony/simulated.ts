import { randomUUID } from "node:crypto"
import { Telephony, type TelephonyAction, TelephonyFailed } from "@lifeline/core/ports"
import { Context, Effect, Layer } from "effect"
import { type CallEvent, type CallParty, type IncomingCall, type TelephonyEvent, toneOf } from "./events"

/**
 * A voice provider in memory, for the demo, the simulator and tests. `perform` records each action
 * once per idempotency key and changes the simulated call as the provider would; the provider's
 * side is scripted: a caller rings, answers, presses 1, hangs up, a rep picks up. Each script step
 * hands the same typed events the Azure webhook produces to the registered handlers.
 *
 * No timers, no clock. Its ids (event ids, the call ids it hands out) come from `newId`: random
 * UUIDs by default, so ids never repeat across restarts on the same store (a repeated event id
 * would be taken for a redelivery, N2); `sequentialIds()` makes a run deterministic for tests
 * and scripts that start from an empty store. `perform` never calls a handler itself
 * (that would re-enter the engine mid-dispatch); what the provider does on its own in reply to an
 * action (CallConnected after Answer, CallDisconnected after HangUp) waits in a queue until
 * `flush`.
 */

export interface PerformedAction {
  readonly action: TelephonyAction
  readonly idempotencyKey: string
}

export interface SimulatedCall {
  readonly callId: string
  readonly direction: "inbound" | "outbound"
  state: "ringing" | "dialing" | "connected" | "redirected" | "ended"
  readonly from: CallParty
  readonly to: CallParty
  redirectedTo: string | undefined
  /** Reps bridged in by Connect who picked up. */
  readonly reps: string[]
  /** The key of the prompt playing, of the digit collection running, of rep invitations pending. */
  playing: string | undefined
  collecting: string | undefined
  readonly inviting: { readonly key: string; readonly repId: string }[]
  /** W1: the caller is on hold (hearing music); the reps muted by the provider. */
  held: boolean
  readonly muted: Set<string>
}

export interface InjectedFailure {
  readonly retryable: boolean
  readonly message?: string
  /** Fail only this kind of action; any action when absent. */
  readonly operation?: TelephonyAction["_tag"]
}

export class SimulatedTelephony extends Context.Service<
  SimulatedTelephony,
  ReturnType<typeof makeSimulatedTelephony>["control"]
>()("lifeline/SimulatedTelephony") {}

const partyOf = (address: string): CallParty =>
  address.startsWith("+") ? { rawId: `4:${address}`, phoneNumber: address } : { rawId: address }

/** Where the simulated provider takes its ids from. */
export interface SimulatedTelephonyOptions {
  readonly newId?: () => string
}

/** 1, 2, 3…: the same ids on every run (deterministic scripts on a fresh store only). */
export const sequentialIds = (): (() => string) => {
  let n = 0
  return () => String(++n)
}

export const makeSimulatedTelephony = (options: SimulatedTelephonyOptions = {}) => {
  const newId = options.newId ?? randomUUID
  const calls = new Map<string, SimulatedCall>()
  const performed: PerformedAction[] = []
  const keys = new Set<string>()
  const emitted: TelephonyEvent[] = []
  const queued: TelephonyEvent[] = []
  const handlers: ((event: TelephonyEvent) => Effect.Effect<void>)[] = []
  const failures: InjectedFailure[] = []
  let repeats = 0

  const reject = (action: TelephonyAction, message: string) =>
    Effect.fail(new TelephonyFailed({ operation: action._tag, message, retryable: false }))
  const callEvent = <T extends CallEvent["_tag"]>(
    call: SimulatedCall,
    _tag: T,
    operationContext?: string,
  ) => ({
    _tag,
    eventId: `sim-ev-${newId()}`,
    callId: call.callId,
    callConnectionId: `sim-cc-${call.callId}`,
    serverCallId: `sim-srv-${call.callId}`,
    ...(operationContext === undefined ? {} : { operationContext }),
  })
  const deliver = (event: TelephonyEvent) =>
    Effect.suspend(() => {
      emitted.push(event)
      return Effect.forEach(handlers, (handle) => handle(event), { discard: true })
    })
  const inState = (action: TelephonyAction, states: readonly SimulatedCall["state"][]) => {
    const call = calls.get(action.callId)
    return call !== undefined && states.includes(call.state)
      ? Effect.succeed(call)
      : reject(action, `call ${action.callId} is ${call?.state ?? "unknown"}, not ${states.join(" or ")}`)
  }

  /** What the provider does with each action; state changes only, events wait for the script. */
  const apply = (action: TelephonyAction, key: string): Effect.Effect<void, TelephonyFailed> => {
    switch (action._tag) {
      case "Answer":
        return Effect.map(inState(action, ["ringing"]), (call) => {
          call.state = "connected"
          queued.push(callEvent(call, "CallConnected", key))
        })
      case "Redirect":
        return Effect.map(inState(action, ["ringing"]), (call) => {
          call.state = "redirected"
          call.redirectedTo = action.repId
        })
      case "Play":
        return Effect.map(inState(action, ["connected"]), (call) => {
          call.playing = key
        })
      case "CollectDigit":
        return Effect.map(inState(action, ["connected"]), (call) => {
          call.collecting = key
        })
      case "PlaceCall":
        if (calls.has(action.callId)) return reject(action, `call ${action.callId} exists already`)
        calls.set(action.callId, {
          callId: action.callId,
          direction: "outbound",
          state: "dialing",
          from: partyOf(action.from),
          to: partyOf(action.to),
          redirectedTo: undefined,
          reps: [],
          playing: undefined,
          collecting: undefined,
          inviting: [],
          held: false,
          muted: new Set(),
        })
        return Effect.void
      case "Connect":
        return Effect.map(
          inState(action, ["connected"]),
          (call) => void call.inviting.push({ key, repId: action.repId }),
        )
      case "Hold":
      case "Unhold":
        return Effect.map(inState(action, ["connected"]), (call) => {
          call.held = action._tag === "Hold"
        })
      case "Mute":
        return Effect.map(inState(action, ["connected"]), (call) => void call.muted.add(action.repId))
      case "Unmute":
        return Effect.map(inState(action, ["connected"]), (call) => void call.muted.delete(action.repId))
      case "Transfer":
        // The rep leaves; to a queue the caller stays with Lifeline (on hold until a rep connects),
        // to a rep that rep is invited as Connect does.
        return Effect.map(inState(action, ["connected"]), (call) => {
          call.reps.splice(0, call.reps.length, ...call.reps.filter((r) => r !== action.repId))
          call.muted.delete(action.repId)
          call.held = false
          if ("repId" in action.to) call.inviting.push({ key, repId: action.to.repId })
        })
      case "HangUp":
        return Effect.sync(() => {
          const call = calls.get(action.callId)
          if (call === undefined || call.state === "ended" || call.state === "redirected") return
          const wasUp = call.state === "connected" || call.state === "dialing"
          call.state = "ended"
          if (wasUp) queued.push(callEvent(call, "CallDisconnected"))
        })
    }
  }

  const telephony: Telephony["Service"] = {
    perform: (action, idempotencyKey) =>
      Effect.suspend(() => {
        if (keys.has(idempotencyKey)) {
          repeats += 1
          return Effect.void
        }
        const failure = failures.findIndex((f) => f.operation === undefined || f.operation === action._tag)
        if (failure >= 0) {
          const [injected] = failures.splice(failure, 1)
          const message = injected?.message ?? "injected failure"
          return Effect.fail(
            new TelephonyFailed({ operation: action._tag, message, retryable: injected?.retryable ?? true }),
          )
        }
        return Effect.map(apply(action, idempotencyKey), () => {
          keys.add(idempotencyKey)
          performed.push({ action, idempotencyKey })
        })
      }),
  }

  /** Runs a script step on a call in one of `states`; false (and no event) otherwise. */
  const step = (
    callId: string,
    states: readonly SimulatedCall["state"][],
    run: (call: SimulatedCall) => TelephonyEvent | undefined,
  ): Effect.Effect<boolean> =>
    Effect.suspend(() => {
      const call = calls.get(callId)
      const event = call !== undefined && states.includes(call.state) ? run(call) : undefined
      return event === undefined ? Effect.succeed(false) : Effect.as(deliver(event), true)
    })

  const control = {
    onEvent: (handler: (event: TelephonyEvent) => Effect.Effect<void>) =>
      Effect.sync(() => void handlers.push(handler)),
    /**
     * Delivers the provider's queued replies to earlier actions, in order, including replies to
     * actions the handlers perform meanwhile; returns how many were delivered.
     */
    flush: Effect.gen(function* () {
      let delivered = 0
      for (let next = queued.shift(); next !== undefined; next = queued.shift()) {
        yield* deliver(next)
        delivered += 1
      }
      return delivered
    }),
    pendingEvents: Effect.sync(() => queued.length),
    /** Every action performed, once per key, in order. */
    actions: Effect.sync((): readonly PerformedAction[] => [...performed]),
    /** How many performs were dropped as repeats of a key already done. */
    repeats: Effect.sync(() => repeats),
    events: Effect.sync((): readonly TelephonyEvent[] => [...emitted]),
    call: (callId: string) => Effect.sync(() => calls.get(callId)),
    failNext: (failure: InjectedFailure) => Effect.sync(() => void failures.push(failure)),
    /** A new call id, as a provider assigns one to a call it announces (from `newId`). */
    newCallId: Effect.sync(() => `sim-call-${newId()}`),

    /** A caller dials `to` (a queue's number, or a leased emergency callback number for E6). */
    incomingCall: (call: { readonly callId: string; readonly from: string; readonly to: string }) =>
      Effect.suspend(() => {
        const ringing: SimulatedCall = {
          callId: call.callId,
          direction: "inbound",
          state: "ringing",
          from: partyOf(call.from),
          to: partyOf(call.to),
          redirectedTo: undefined,
          reps: [],
          playing: undefined,
          collecting: undefined,
          inviting: [],
          held: false,
          muted: new Set(),
        }
        calls.set(call.callId, ringing)
        const event: IncomingCall = {
          _tag: "IncomingCall",
          eventId: `sim-ev-${newId()}`,
          callId: call.callId,
          serverCallId: `sim-srv-${call.callId}`,
          from: ringing.from,
          to: ringing.to,
          incomingCallContext: `sim-ctx-${call.callId}`,
        }
        return Effect.as(deliver(event), event)
      }),
    /** The customer picks up a call Lifeline placed (C6). */
    answerOutbound: (callId: string) =>
      step(callId, ["dialing"], (call) => {
        call.state = "connected"
        return callEvent(call, "CallConnected")
      }),
    /** The customer does not pick up (B1). */
    noAnswer: (callId: string) =>
      step(callId, ["dialing"], (call) => {
        call.state = "ended"
        return { ...callEvent(call, "CreateCallFailed"), resultInformation: { code: 408, subCode: 10004 } }
      }),
    finishPrompt: (callId: string) =>
      step(callId, ["connected"], (call) => {
        const key = call.playing
        call.playing = undefined
        return key === undefined ? undefined : callEvent(call, "PlayCompleted", key)
      }),
    /** The caller presses a key; heard only while a CollectDigit runs (C3: "1"). */
    pressDigit: (callId: string, digit: string) =>
      step(callId, ["connected"], (call) => {
        const tone = toneOf(digit)
        const key = call.collecting
        if (tone === undefined || key === undefined) return undefined
        call.collecting = undefined
        return { ...callEvent(call, "RecognizeCompleted", key), tones: [tone], digits: digit.toUpperCase() }
      }),
    /** The caller presses nothing before the collection times out. */
    silence: (callId: string) =>
      step(callId, ["connected"], (call) => {
        const key = call.collecting
        call.collecting = undefined
        return key === undefined
          ? undefined
          : { ...callEvent(call, "RecognizeFailed", key), reason: "timeout" as const }
      }),
    /** The oldest invited rep picks up (`true`) or does not (`false`). */
    repAnswers: (callId: string, answered = true) =>
      step(callId, ["connected"], (call) => {
        const invite = call.inviting.shift()
        if (invite === undefined) return undefined
        if (answered) call.reps.push(invite.repId)
        const participant = { rawId: `sim-rep:${invite.repId}` }
        const tag = answered ? "AddParticipantSucceeded" : "AddParticipantFailed"
        return { ...callEvent(call, tag, invite.key), participant }
      }),
    /** The customer hangs up (or the line drops, E6). */
    hangUp: (callId: string) =>
      step(callId, ["connected", "dialing"], (call) => {
        call.state = "ended"
        return callEvent(call, "CallDisconnected")
      }),
    /** Delivers an event again with its original id, as a provider retrying does (N2). */
    redeliver: (eventId: string) =>
      Effect.suspend(() => {
        const event = emitted.find((e) => e.eventId === eventId)
        return event === undefined ? Effect.succeed(false) : Effect.as(deliver(event), true)
      }),
  }

  return { telephony, control }
}

/** Provides the Telephony port and its SimulatedTelephony control, sharing one simulated provider. */
export const simulatedTelephonyLayer = (options: SimulatedTelephonyOptions = {}) =>
  Layer.effectContext(
    Effect.sync(() => {
      const { telephony, control } = makeSimulatedTelephony(options)
      return Context.make(Telephony, telephony).pipe(Context.add(SimulatedTelephony, control))
    }),
  )

/** The simulated provider with ids that never repeat (random UUIDs): the API's demo. */
export const SimulatedTelephonyLive = simulatedTelephonyLayer()
