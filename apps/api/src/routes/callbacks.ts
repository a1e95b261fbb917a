import { randomUUID } from "node:crypto"
import { RescheduleBody, ROUTES } from "@lifeline/client"
import {
  CALLBACK_LIST_STATUSES,
  CALLBACK_PAGE_DEFAULT,
  CALLBACK_PAGE_MAX,
  type CallbackListCursor,
  type CallbackListQuery,
  type CallbackRequestReply,
  callbackView,
  numberProblem,
  queueOverflow,
  RequestCallback,
  SetQueueOverflow,
} from "@lifeline/core/callback"
import { Center, type CenterCommand } from "@lifeline/core/center"
import { InvalidField, InvalidState, UnknownEntity } from "@lifeline/core/kernel"
import { Effect, Schema, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import { type Principal, seesQueue } from "../auth/principal"
import type { ApiContext, Handle } from "../handle"
import { readModels } from "../live/read-models"
import { route } from "../openapi"
import { DECODE_OPTIONS, decodeBody } from "../request-body"
import { Count, IsoTime } from "./audit"
import { actorOf, configCommandFromBody } from "./body"
import { Cursor, decodeKeyset, encodeKeyset, pageResponse } from "./history"
import { param, readView, runCommand } from "./run"

const OverflowBody = SetQueueOverflow.mapFields(Struct.omit(["_tag", "queueId", "actor"]))
/** C7: the request; `callbackId` is optional: give one to make a retried request idempotent. */
const CallbackBody = Schema.Struct({
  ...RequestCallback.fields,
  callbackId: Schema.optionalKey(RequestCallback.fields.callbackId),
}).mapFields(Struct.omit(["_tag"]))

/**
 * A callback after it closed, from the call history read model (caught up first, so a callback
 * that closed a moment ago reads as closed): how it ended, its attempts and times (I2).
 */
const closedCallback = (callbackId: string) =>
  Effect.gen(function* () {
    const { history } = yield* readModels
    yield* history.catchUp
    const [record] = (yield* history.page({ itemId: callbackId }, 1, null)).records
    if (record === undefined || record.kind !== "callback" || record.outcome === "waiting") return undefined
    return {
      callbackId,
      number: record.from,
      queueId: record.queueId,
      status: "closed" as const,
      outcome: record.outcome,
      endReason: record.endReason,
      attempts: record.attempts,
      requestedAt: record.arrivedAt,
      answeredAt: record.answeredAt,
      endedAt: record.endedAt,
      repId: record.repId,
    }
  })

/** I2: GET /api/callbacks's query (N3: a bad or unknown parameter is a 400 naming it). */
const ListQuery = Schema.Struct({
  queueId: Schema.optionalKey(RequestCallback.fields.queueId),
  status: Schema.optionalKey(Schema.Literals(["open", ...CALLBACK_LIST_STATUSES])),
  number: Schema.optionalKey(Schema.String),
  from: Schema.optionalKey(IsoTime),
  to: Schema.optionalKey(IsoTime),
  cursor: Schema.optionalKey(Cursor),
  limit: Schema.optionalKey(Count(1, CALLBACK_PAGE_MAX)),
})
const decodeListQuery = Schema.decodeUnknownEffect(ListQuery, DECODE_OPTIONS)

/** The read-model query of the decoded parameters, narrowed to the queues the caller sees. */
const listQueryOf = (q: typeof ListQuery.Type, who: Principal) =>
  Effect.gen(function* () {
    const number = q.number === undefined ? undefined : numberProblem(q.number)
    if (number !== undefined) return yield* new InvalidField({ field: "number", message: `number ${number}` })
    if (q.from !== undefined && q.to !== undefined && q.to.getTime() <= q.from.getTime())
      return yield* new InvalidField({ field: "to", message: "to must be later than from" })
    const query: CallbackListQuery = {
      ...(q.queueId === undefined ? {} : { queueId: q.queueId }),
      ...(q.status === undefined ? {} : { status: q.status }),
      ...(q.number === undefined ? {} : { number: q.number }),
      ...(q.from === undefined ? {} : { from: q.from.getTime() }),
      ...(q.to === undefined ? {} : { to: q.to.getTime() }),
      // A supervisor sees their queues' callbacks only (N4).
      ...(who.role === "supervisor" && who.queues !== "all" ? { queues: [...who.queues] } : {}),
    }
    return query
  })

const cursorOf = (s: string | undefined): CallbackListCursor | null => {
  const keyset = s === undefined ? undefined : decodeKeyset(s)
  return keyset === undefined ? null : { requestedAt: keyset[0], callbackId: keyset[1] }
}

/** The callback as GET /api/callbacks/{callbackId} answers it: open from the center, else closed from history. */
const callbackReply = (c: ApiContext, callbackId: string, who: Principal) =>
  Effect.gen(function* () {
    const view = yield* readView((s) => callbackView(s, callbackId))
    if (view !== undefined) return c.json(view)
    // I2: a closed callback is no longer in the center; call history says how it ended.
    const closed = yield* closedCallback(callbackId)
    if (closed === undefined || !seesQueue(who, closed.queueId)) return yield* unknownCallback(callbackId)
    return c.json(closed)
  })

const unknownCallback = (callbackId: string) =>
  new UnknownEntity({ entity: "callback", id: callbackId, field: "callbackId" })

/**
 * I2: cancel. A repeat, once the callback closed as cancelled, answers the same closed callback;
 * one that ended otherwise (served, expired…) is a 409 naming how it ended.
 */
const cancel = (c: ApiContext, who: Principal) =>
  Effect.gen(function* () {
    const callbackId = param(c, "callbackId")
    const command: CenterCommand = { _tag: "CancelCallback", callbackId, actor: actorOf(who) }
    const center = yield* Center
    const done = yield* center.execute(command).pipe(
      Effect.as(true),
      Effect.catchTag("UnknownEntity", () => Effect.succeed(false)),
    )
    const closed = yield* closedCallback(callbackId)
    if (closed === undefined) return yield* unknownCallback(callbackId)
    if (!done && closed.outcome !== "cancelled")
      return yield* new InvalidState({
        field: "callbackId",
        message: `the callback already ended: ${closed.outcome}`,
      })
    return c.json(closed)
  })

/** C7, B2, B3: callbacks scheduled through the API from any platform. */
export const callbackRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .post(
      "/",
      route("requestCallback"),
      handle(ROUTES.requestCallback.roles, (c) =>
        Effect.gen(function* () {
          const body = yield* decodeBody(c, CallbackBody)
          const callbackId = body.callbackId ?? `cb-${randomUUID()}`
          const center = yield* Center
          const { reply } = yield* center.run({ ...body, _tag: "RequestCallback", callbackId })
          const { created, ...requested } = reply as CallbackRequestReply
          // A join (B3) or a repeat of the same request id scheduled nothing: 200, not 201.
          return c.json(requested, created ? 201 : 200)
        }),
      ),
    )
    .get(
      "/",
      route("callbacks"),
      handle(ROUTES.callbacks.roles, (c, who) =>
        Effect.gen(function* () {
          const q = yield* decodeListQuery(c.req.query())
          const query = yield* listQueryOf(q, who)
          const { callbacks } = yield* readModels
          yield* callbacks.catchUp
          const page = yield* callbacks.page(query, q.limit ?? CALLBACK_PAGE_DEFAULT, cursorOf(q.cursor))
          return pageResponse(
            c,
            page.records,
            page.next === null ? null : encodeKeyset([page.next.requestedAt, page.next.callbackId]),
          )
        }),
      ),
    )
    .post("/:callbackId/cancel", route("cancelCallback"), handle(ROUTES.cancelCallback.roles, cancel))
    .post(
      "/:callbackId/reschedule",
      route("rescheduleCallback"),
      handle(ROUTES.rescheduleCallback.roles, (c, who) =>
        Effect.flatMap(decodeBody(c, RescheduleBody), ({ window }) =>
          runCommand(c, {
            _tag: "RescheduleCallback",
            callbackId: param(c, "callbackId"),
            window,
            actor: actorOf(who),
          }),
        ),
      ),
    )
    .get(
      "/:callbackId",
      route("callback"),
      handle(ROUTES.callback.roles, (c, who) => callbackReply(c, param(c, "callbackId"), who)),
    )

/** C1–C4, B1: a queue's overflow rules and callback texts. */
export const overflowRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/:queueId/overflow",
      route("queueOverflow"),
      handle(ROUTES.queueOverflow.roles, (c) =>
        Effect.gen(function* () {
          const queueId = param(c, "queueId")
          const known = yield* readView((s) => s.routing.queues.has(queueId))
          if (!known) return yield* new UnknownEntity({ entity: "queue", id: queueId, field: "queueId" })
          return c.json((yield* readView((s) => queueOverflow(s, queueId))) ?? null)
        }),
      ),
    )
    .put(
      "/:queueId/overflow",
      route("setQueueOverflow"),
      handle(ROUTES.setQueueOverflow.roles, (c, who) =>
        configCommandFromBody(c, who, OverflowBody, (b, actor) => ({
          _tag: "SetQueueOverflow",
          queueId: param(c, "queueId"),
          ...b,
          actor,
        })),
      ),
    )
