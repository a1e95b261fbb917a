import {
  callCommand,
  inboundCommand,
  type SimulatedCall,
  type SimulatedTelephony,
  type TelephonyEvent,
} from "@lifeline/adapters"
import { ROUTES } from "@lifeline/client"
import { Center } from "@lifeline/core/center"
import { UnknownEntity } from "@lifeline/core/kernel"
import { Duration, Effect, Fiber, Schedule, Schema } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { ApiRuntime, Handle } from "../handle"
import { route } from "../openapi"
import { type Logger, scrub } from "../ops/log"
import { decodeBody } from "../request-body"
import { param } from "./run"

type Control = SimulatedTelephony["Service"]

/** Refusals remembered for the route that rang the call (it reads and forgets its own). */
const REFUSALS_KEPT = 1_000

/** The simulated provider connected to the center, as the demo's routes drive it. */
export interface SimulatedLines {
  readonly control: Control
  /** The workstream that serves a dialled line (LIFELINE_DEFAULT_WORKSTREAM in a node). */
  readonly workstreamFor: (to: string) => string
  /** Why the center refused the provider event `eventId`, once; undefined when it took it. */
  readonly takeRefusal: (eventId: string) => string | undefined
  readonly stop: () => Promise<unknown>
}

/** A refusal as an operator reads it: an unknown workstream names the setting behind it. */
const reasonOf = (
  error: { readonly _tag: string; readonly message: string; readonly entity?: unknown },
  workstreamId: string | undefined,
) =>
  error._tag === "UnknownEntity" && error.entity === "workstream" && workstreamId !== undefined
    ? `no workstream '${workstreamId}' serves this line (LIFELINE_DEFAULT_WORKSTREAM): create it (POST /api/workstreams) or set LIFELINE_DEFAULT_WORKSTREAM to one that exists`
    : `${error._tag}: ${scrub(error.message)}`

/**
 * The simulated provider's events reach the center as the Azure webhook's would: the same typed
 * events, the same mapping (N2: each with its event id). An event the center refuses is a JSON
 * log line with the reason (issue 16), never a silent ringing call.
 */
export const connectSimulatedProvider = (
  runtime: ApiRuntime,
  control: Control,
  options: { readonly workstreamFor: (to: string) => string; readonly log: Logger },
): SimulatedLines => {
  const { workstreamFor, log } = options
  const refusals = new Map<string, string>()
  const toCenter = (event: TelephonyEvent) =>
    Effect.flatMap(Center, (center) => {
      const workstreamId =
        event._tag === "IncomingCall" ? workstreamFor(event.to.phoneNumber ?? event.to.rawId) : undefined
      const command =
        event._tag === "IncomingCall" ? inboundCommand(event, workstreamId ?? "") : callCommand(event)
      return command === undefined
        ? Effect.void
        : center.execute(command).pipe(
            Effect.asVoid,
            Effect.catch((e) =>
              Effect.sync(() => {
                const reason = reasonOf(e, workstreamId)
                refusals.set(event.eventId, reason)
                if (refusals.size > REFUSALS_KEPT) {
                  const oldest = refusals.keys().next()
                  if (oldest.done !== true) refusals.delete(oldest.value)
                }
                log.warn("provider event refused", {
                  provider: "simulated",
                  event: event._tag,
                  eventId: event.eventId,
                  callId: command.callId,
                  code: e._tag,
                  reason,
                })
              }),
            ),
          )
    })
  runtime.runSync(control.onEvent((event) => Effect.promise(() => runtime.runPromise(toCenter(event)))))
  // The provider's own replies (answered, hung up) to what the outbox performed.
  const replies = runtime.runFork(control.flush.pipe(Effect.repeat(Schedule.spaced(PROVIDER_REPLY_EVERY))))
  return {
    control,
    workstreamFor,
    takeRefusal: (eventId) => {
      const reason = refusals.get(eventId)
      refusals.delete(eventId)
      return reason
    },
    stop: () => runtime.runPromise(Fiber.interrupt(replies)),
  }
}

/** Warn at start when the default line's workstream is missing: its calls would be refused. */
export const checkDefaultWorkstream = (runtime: ApiRuntime, workstreamId: string, log: Logger) =>
  runtime
    .runPromise(
      Effect.flatMap(Center, (center) => center.read((s) => s.routing.workstreams.has(workstreamId))),
    )
    .then((exists) => {
      if (!exists)
        log.warn("the default workstream does not exist: inbound calls are refused until it does", {
          setting: "LIFELINE_DEFAULT_WORKSTREAM",
          workstreamId,
        })
      return exists
    })

/** How soon the simulated provider answers the actions Lifeline performed. */
const PROVIDER_REPLY_EVERY = Duration.millis(50)

const Phone = Schema.String.check(
  Schema.isPattern(/^\+[1-9]\d{6,14}$/u, { message: "must be E.164, e.g. +15551234567" }),
)
const CallBody = Schema.Struct({ from: Phone, to: Phone })
const DigitBody = Schema.Struct({
  digit: Schema.String.check(Schema.isPattern(/^[0-9*#]$/u, { message: "one key: 0-9, * or #" })),
})

const view = (call: SimulatedCall) => ({
  callId: call.callId,
  direction: call.direction,
  state: call.state,
  from: call.from.phoneNumber ?? call.from.rawId,
  to: call.to.phoneNumber ?? call.to.rawId,
  redirectedTo: call.redirectedTo ?? null,
  reps: [...call.reps],
  hearing:
    call.collecting !== undefined
      ? "a prompt, waiting for a key"
      : call.playing !== undefined
        ? "a prompt"
        : null,
})

/**
 * The local demo's voice provider, played by hand: ring a line, press a key, pick up a callback,
 * hang up. Mounted only when telephony is simulated; admins only.
 */
export const simulatorRoutes = (handle: Handle, lines: SimulatedLines) => {
  const { control } = lines
  const known = (callId: string) =>
    control
      .call(callId)
      .pipe(
        Effect.flatMap((call) =>
          call === undefined
            ? Effect.fail(new UnknownEntity({ entity: "call", id: callId, field: "callId" }))
            : Effect.succeed(call),
        ),
      )
  /** A script step, then the provider's replies to what Lifeline did meanwhile. */
  const act = (step: Effect.Effect<unknown>) => Effect.andThen(step, control.flush)
  return new Hono<AuthEnv>()
    .post(
      "/calls",
      route("simulateCall"),
      handle(ROUTES.simulateCall.roles, (c) =>
        Effect.gen(function* () {
          const body = yield* decodeBody(c, CallBody)
          // The provider's id, unique across restarts: a call is never taken for an earlier one.
          const callId = yield* control.newCallId
          const event = yield* control.incomingCall({ callId, ...body })
          const refused = lines.takeRefusal(event.eventId)
          yield* control.flush
          if (refused !== undefined)
            return c.json({ error: { code: "CallRefused", message: refused, field: "to" } }, 409)
          return c.json(view(yield* known(callId)), 201)
        }),
      ),
    )
    .get(
      "/calls/:callId",
      route("simulatedCall"),
      handle(ROUTES.simulatedCall.roles, (c) =>
        known(param(c, "callId")).pipe(Effect.map((call) => c.json(view(call)))),
      ),
    )
    .post(
      "/calls/:callId/digits",
      route("pressDigit"),
      handle(ROUTES.pressDigit.roles, (c) =>
        Effect.gen(function* () {
          const callId = param(c, "callId")
          yield* known(callId)
          const { digit } = yield* decodeBody(c, DigitBody)
          yield* act(control.pressDigit(callId, digit))
          return c.json(view(yield* known(callId)))
        }),
      ),
    )
    .post(
      "/calls/:callId/answer",
      route("answerCall"),
      handle(ROUTES.answerCall.roles, (c) =>
        Effect.gen(function* () {
          const callId = param(c, "callId")
          const call = yield* known(callId)
          yield* act(
            call.direction === "outbound" && call.state === "dialing"
              ? control.answerOutbound(callId)
              : control.repAnswers(callId),
          )
          return c.json(view(yield* known(callId)))
        }),
      ),
    )
    .post(
      "/calls/:callId/hangup",
      route("hangUp"),
      handle(ROUTES.hangUp.roles, (c) =>
        Effect.gen(function* () {
          const callId = param(c, "callId")
          yield* known(callId)
          yield* act(control.hangUp(callId))
          return c.json(view(yield* known(callId)))
        }),
      ),
    )
}
