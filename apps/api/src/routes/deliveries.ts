import { ROUTES } from "@lifeline/client"
import { deliveryView } from "@lifeline/core/center"
import { pagesOf } from "@lifeline/core/history"
import { DELIVERY_PAGE_MAX, type DeliveryQuery, type DeliveryRecord } from "@lifeline/core/outbox"
import type { StoreUnavailable } from "@lifeline/core/ports"
import { Effect, Stream } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { readModels } from "../live/read-models"
import { route } from "../openapi"
import { param, runCommand } from "./run"

/**
 * Every delivery record a query selects, from the deliveries read model (issue 22), read a page
 * at a time. Emails are few (emergency notifications: a handful a year), so the answer is whole.
 */
export const allDeliveries = (query: DeliveryQuery): Effect.Effect<DeliveryRecord[], StoreUnavailable> =>
  Effect.flatMap(readModels, ({ deliveries }) =>
    // Caught up first: an admin reads what was stored before the request (rare reads).
    Effect.andThen(deliveries.catchUp, Stream.runCollect(pagesOf(deliveries.page, query, DELIVERY_PAGE_MAX))),
  ).pipe(Effect.map((records) => [...records]))

/** B6: what became of every email Lifeline sent or tried to send; an admin may retry one. */
export const deliveryRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      route("deliveries"),
      handle(ROUTES.deliveries.roles, (c) =>
        allDeliveries({}).pipe(Effect.map((list) => c.json(list.map(deliveryView)))),
      ),
    )
    .post(
      "/:messageId/retry",
      route("retryDelivery"),
      handle(ROUTES.retryDelivery.roles, (c) =>
        runCommand(c, { _tag: "RetryDelivery", messageId: param(c, "messageId") }),
      ),
    )
