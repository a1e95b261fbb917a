import { callRepsOf } from "@lifeline/core/calls"
import { Center, type CenterState } from "@lifeline/core/center"
import { Id, IssuedId } from "@lifeline/core/ids"
import { Effect, Schema } from "effect"
import { DECODE_OPTIONS } from "../request-body"
import { Forbidden, type Principal, seesQueue } from "./principal"

/**
 * Issue 16, N3, N4: what a path parameter names, in ONE table. Every route runs through
 * `makeHandle` (handle.ts), which, after the role check, decodes each path parameter with its id
 * schema (a bad one is a 400 naming the parameter) and then checks the caller's scope here:
 *
 * - admins and integrators act on everything;
 * - a supervisor acts on what belongs to one of their queues (a rep: one of its queues);
 * - a rep acts on itself, and on the offers and work that are its own.
 *
 * A thing nobody has (an unknown id) passes, and the handler answers 404, except that a rep
 * naming another rep is refused whether or not that rep exists. Body ids need no scope: every
 * route that takes a queue, item or rep in its body is for admins or integrators only (the route
 * × role walk in authorize.test.ts checks the table against every route the app serves).
 */
interface Owner {
  /** The queues the thing belongs to. */
  readonly queues: readonly string[]
  /** The rep it is for: the rep itself, the rep offered or working an item. */
  readonly rep: string | undefined
  /** Other reps it is also for: a call's earlier reps, whose legs wait for wrap-up (W1). */
  readonly reps?: readonly string[]
}

interface Named {
  /** `Id` for ids a client chooses; `IssuedId` for Lifeline's and the provider's (they may hold '/'). */
  readonly id: typeof Id | typeof IssuedId
  /** Whose it is; undefined when nobody has it. Absent: admins and integrators only. */
  readonly owner?: (state: CenterState, id: string) => Owner | undefined
  /** What a rep or supervisor is told when it is not theirs. */
  readonly refusal: { readonly rep: string; readonly supervisor: string }
}

const NOT_YOUR_QUEUE = "not one of your queues"
const NOT_YOUR_WORK = "a rep acts only on its own offers and work"

export const NAMED: Readonly<Record<string, Named>> = {
  repId: {
    id: Id,
    owner: (s, repId) => {
      const rep = s.routing.reps.get(repId)
      return rep === undefined ? undefined : { queues: [...rep.memberships.keys()], rep: repId }
    },
    refusal: { rep: "a rep acts only on itself", supervisor: "not a rep of your queues" },
  },
  queueId: {
    id: Id,
    owner: (s, queueId) =>
      s.routing.queues.has(queueId) ? { queues: [queueId], rep: undefined } : undefined,
    refusal: { rep: NOT_YOUR_QUEUE, supervisor: NOT_YOUR_QUEUE },
  },
  itemId: {
    id: IssuedId,
    owner: (s, itemId) => {
      const item = s.routing.items.get(itemId)
      return item === undefined
        ? undefined
        : {
            queues: [item.queue.config.queueId],
            rep: item.assignedTo?.repId ?? item.offer?.rep.repId,
          }
    },
    refusal: { rep: NOT_YOUR_WORK, supervisor: NOT_YOUR_QUEUE },
  },
  offerId: {
    id: IssuedId,
    owner: (s, offerId) => {
      const offer = s.routing.offers.get(offerId)
      return offer === undefined
        ? undefined
        : { queues: [offer.item.queue.config.queueId], rep: offer.rep.repId }
    },
    refusal: { rep: NOT_YOUR_WORK, supervisor: NOT_YOUR_QUEUE },
  },
  callbackId: {
    id: Id,
    owner: (s, callbackId) => {
      const callback = s.callback.callbacks.get(callbackId)
      return callback === undefined ? undefined : { queues: [callback.queueId], rep: undefined }
    },
    refusal: { rep: NOT_YOUR_QUEUE, supervisor: NOT_YOUR_QUEUE },
  },
  /** A notification (B6): admins only. */
  messageId: { id: IssuedId, refusal: { rep: "admins only", supervisor: "admins only" } },
  /** A person's session (issue 21): admins only; its public id, never its secret. */
  sessionId: { id: Id, refusal: { rep: "admins only", supervisor: "admins only" } },
  /** An API key (issue 21): admins only; its public id, never the key. */
  keyId: { id: Id, refusal: { rep: "admins only", supervisor: "admins only" } },
  endpointId: { id: Id, refusal: { rep: "admins only", supervisor: "admins only" } },
  deliveryId: { id: Id, refusal: { rep: "admins only", supervisor: "admins only" } },
  /**
   * A call (W1): the reps who have a leg of it (the simulated provider's call routes are for
   * admins by role).
   */
  callId: {
    id: IssuedId,
    owner: (s, callId) => {
      const reps = callRepsOf(s.calls, callId)
      return reps.length === 0 ? undefined : { queues: [], rep: reps[0], reps }
    },
    refusal: { rep: "a rep acts only on its own calls", supervisor: NOT_YOUR_QUEUE },
  },
}

/** A parameter the table does not name: checked as a client's id, for admins and integrators only. */
const UNNAMED: Named = { id: Id, refusal: { rep: "admins only", supervisor: "admins only" } }

const namedBy = (param: string): Named => NAMED[param] ?? UNNAMED

/** `{ [param]: id }`, so a bad id's 400 names the parameter; one decoder per parameter name. */
const decoders = new Map<string, (input: unknown) => Effect.Effect<unknown, Schema.SchemaError>>()
const decoderFor = (param: string) => {
  let decode = decoders.get(param)
  if (decode === undefined) {
    decode = Schema.decodeUnknownEffect(Schema.Struct({ [param]: namedBy(param).id }), DECODE_OPTIONS)
    decoders.set(param, decode)
  }
  return decode
}

/** Whether `who` may act on a thing owned so (N4). */
const mayActOn = (who: Principal, owner: Owner): boolean => {
  switch (who.role) {
    case "admin":
    case "integrator":
      return true
    case "supervisor":
      return owner.queues.some((q) => seesQueue(who, q))
    case "rep":
      return owner.rep === who.repId || (owner.reps?.includes(who.repId) ?? false)
  }
}

const refuse = (who: Principal, param: string) =>
  new Forbidden({
    message: namedBy(param).refusal[who.role === "rep" ? "rep" : "supervisor"],
    field: param,
  })

/** The first path parameter `who` may not act on, given the state; undefined when none. */
const refusedParam = (
  state: CenterState | undefined,
  who: Principal,
  params: readonly (readonly [string, string])[],
): string | undefined => {
  for (const [param, id] of params) {
    // A rep names itself or nobody: no need to look the rep up.
    if (param === "repId" && who.role === "rep") {
      if (id !== who.repId) return param
      continue
    }
    const owner = namedBy(param).owner
    if (owner === undefined) return param
    // Without the state (a supervisor of every queue), whatever has an owner is in scope.
    const found = state === undefined ? undefined : owner(state, id)
    if (found !== undefined && !mayActOn(who, found)) return param
  }
  return undefined
}

/**
 * The path parameters' ids (400 naming the parameter), then the caller's scope over what they
 * name (403 naming the parameter). Only a scoped supervisor, or a rep naming an item or offer,
 * costs a read of the state.
 */
export const authorize = (
  who: Principal,
  pathParams: Readonly<Record<string, string>>,
): Effect.Effect<void, Schema.SchemaError | Forbidden, Center> => {
  const params = Object.entries(pathParams)
  if (params.length === 0) return Effect.void
  const ids = Effect.forEach(params, ([param, id]) => decoderFor(param)({ [param]: id }), {
    discard: true,
  })
  if (who.role === "admin" || who.role === "integrator") return ids
  // A supervisor of every queue, or a rep naming only reps, needs no owner looked up.
  const needsState =
    who.role === "supervisor" ? who.queues !== "all" : params.some(([param]) => param !== "repId")
  const refused = needsState
    ? Effect.flatMap(Center, (center) => center.read((state) => refusedParam(state, who, params)))
    : Effect.sync(() => refusedParam(undefined, who, params))
  return ids.pipe(
    Effect.andThen(refused),
    Effect.flatMap((param) => (param === undefined ? Effect.void : Effect.fail(refuse(who, param)))),
  )
}
