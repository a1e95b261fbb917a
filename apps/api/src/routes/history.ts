import { historyAnalytics, historyCsv, historyRecords } from "@lifeline/core"
import { Effect } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import { seesQueue } from "../auth/principal"
import type { Handle } from "../handle"
import type { LiveHub } from "../live/hub"
import { doc } from "../openapi"

const READERS = ["supervisor", "admin", "integrator"] as const

/**
 * E8: call history, its analytics and its export, all from the history projection, whose
 * record type cannot hold an emergency call. A supervisor sees their queues' records only.
 */
export const historyRoutes = (handle: Handle, hub: LiveHub) => {
  const visible = (who: Parameters<Parameters<Handle>[1]>[1]) =>
    historyRecords(hub.history).filter((r) => seesQueue(who, r.queueId))
  return new Hono<AuthEnv>()
    .get(
      "/",
      doc({
        summary: "Call history of routed work (E8: never an emergency call)",
        tag: "history",
        roles: READERS,
      }),
      handle(READERS, (c, who) => Effect.sync(() => c.json(visible(who)))),
    )
    .get(
      "/analytics",
      doc({ summary: "Per-queue analytics from call history (E8)", tag: "history", roles: READERS }),
      handle(READERS, (c, who) => Effect.sync(() => c.json(historyAnalytics(visible(who))))),
    )
    .get(
      "/export.csv",
      doc({ summary: "Call history as CSV (E8)", tag: "history", roles: READERS }),
      handle(READERS, (c, who) =>
        Effect.sync(() =>
          c.body(historyCsv(visible(who)), 200, { "content-type": "text/csv; charset=utf-8" }),
        ),
      ),
    )
}
