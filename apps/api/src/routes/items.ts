import { EnqueueItem, positionView, Routing, UnknownEntity } from "@lifeline/core"
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import type { Handle } from "../handle"
import { decodeBody } from "../request-body"

/** The body of POST /api/items: the EnqueueItem command without its tag. */
const EnqueueItemBody = EnqueueItem.pipe(Schema.omit("_tag"))

export const itemRoutes = (handle: Handle) =>
  new Hono()
    .post(
      "/",
      handle((c) =>
        Effect.gen(function* () {
          const body = yield* decodeBody(c, EnqueueItemBody)
          const routing = yield* Routing
          const events = yield* routing.execute({ _tag: "EnqueueItem", ...body })
          return c.json({ events }, 201)
        }),
      ),
    )
    .get(
      "/:itemId/position",
      handle((c) =>
        Effect.gen(function* () {
          const itemId = c.req.param("itemId") ?? ""
          const routing = yield* Routing
          const view = yield* routing.read((state, now) => positionView(state, itemId, now))
          if (view === undefined) {
            return yield* new UnknownEntity({ entity: "work item", id: itemId, field: "itemId" })
          }
          return c.json(view)
        }),
      ),
    )
