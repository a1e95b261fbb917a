import { deliveryView } from "@lifeline/core"
import { Effect } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { doc } from "../openapi"
import { param, readView, runCommand } from "./run"

/** B6: what became of every email Lifeline sent or tried to send; an admin may retry one. */
export const deliveryRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      doc({
        summary: "Notification delivery status: sent, failed with reason, retried (B6)",
        tag: "notifications",
        roles: ["admin"],
      }),
      handle(["admin"], (c) =>
        readView((s) =>
          [...s.outbox.entries.values()].filter((e) => e.message._tag === "Email").map(deliveryView),
        ).pipe(Effect.map((list) => c.json(list))),
      ),
    )
    .post(
      "/:messageId/retry",
      doc({ summary: "Try a failed notification again now (B6)", tag: "notifications", roles: ["admin"] }),
      handle(["admin"], (c) => runCommand(c, { _tag: "RetryDelivery", messageId: param(c, "messageId") })),
    )
