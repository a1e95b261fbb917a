import { randomUUID } from "node:crypto"
import { ROUTES } from "@lifeline/client"
import {
  Center,
  callbackView,
  queueOverflow,
  RequestCallback,
  SetQueueOverflow,
  UnknownEntity,
} from "@lifeline/core"
import { Effect, Schema, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import { seesQueue } from "../auth/principal"
import type { Handle } from "../handle"
import { readModels } from "../live/read-models"
import { route } from "../openapi"
import { decodeBody } from "../request-body"
import { configCommandFromBody } from "./body"
import { param, readView } from "./run"

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
          const events = yield* center.execute({ ...body, _tag: "RequestCallback", callbackId })
          const joined = events.find((e) => e._tag === "CallbackJoined")
          if (joined !== undefined) return c.json({ callbackId: joined.callbackId, joined: true }, 200)
          // A repeat of the same request id changes nothing and names the same callback.
          return c.json({ callbackId, joined: false }, events.length === 0 ? 200 : 201)
        }),
      ),
    )
    .get(
      "/:callbackId",
      route("callback"),
      handle(ROUTES.callback.roles, (c, who) =>
        Effect.gen(function* () {
          const callbackId = param(c, "callbackId")
          const view = yield* readView((s) => callbackView(s, callbackId))
          if (view !== undefined) return c.json(view)
          // I2: a closed callback is no longer in the center; call history says how it ended.
          const closed = yield* closedCallback(callbackId)
          if (closed === undefined || !seesQueue(who, closed.queueId))
            return yield* new UnknownEntity({ entity: "callback", id: callbackId, field: "callbackId" })
          return c.json(closed)
        }),
      ),
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
