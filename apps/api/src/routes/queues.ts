import { queueView, Routing, UnknownEntity } from "@lifeline/core"
import { Effect } from "effect"
import { Hono } from "hono"
import type { Handle } from "../handle"

/** R5 read models of the queues: waiting count, staffing and EWT. */
export const queueRoutes = (handle: Handle) =>
  new Hono()
    .get(
      "/",
      handle((c) =>
        Effect.gen(function* () {
          const routing = yield* Routing
          const views = yield* routing.read((state) =>
            [...state.queues.keys()].flatMap((queueId) => queueView(state, queueId) ?? []),
          )
          return c.json(views)
        }),
      ),
    )
    .get(
      "/:queueId",
      handle((c) =>
        Effect.gen(function* () {
          const queueId = c.req.param("queueId") ?? ""
          const routing = yield* Routing
          const view = yield* routing.read((state) => queueView(state, queueId))
          if (view === undefined)
            return yield* new UnknownEntity({ entity: "queue", id: queueId, field: "queueId" })
          return c.json(view)
        }),
      ),
    )
