import { serveStatic } from "@hono/node-server/serve-static"
import { Center } from "@lifeline/core"
import { Effect } from "effect"
import { Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { type AuthFailureLimits, DEFAULT_AUTH_FAILURE_LIMITS, makeAuthFailureLimiter } from "./auth/limit"
import type { AuthEnv } from "./auth/middleware"
import { authenticate } from "./auth/middleware"
import type { Principal } from "./auth/principal"
import { corsFor } from "./cors"
import { internalError, routeNotFound } from "./errors"
import { type ApiRuntime, makeHandle } from "./handle"
import { type LiveHub, makeLiveHub } from "./live/hub"
import { openApiDocument } from "./openapi"
import { type Logger, requestLog } from "./ops/log"
import type { Metrics } from "./ops/metrics"
import { type AcsWebhookOptions, acsWebhookRoutes } from "./routes/acs-webhooks"
import { auditRoutes } from "./routes/audit"
import { callbackRoutes, overflowRoutes } from "./routes/callbacks"
import { deliveryRoutes } from "./routes/deliveries"
import { emergencyAdminRoutes, repEmergencyRoutes } from "./routes/emergency"
import { eventRoutes } from "./routes/events"
import { historyRoutes } from "./routes/history"
import { itemRoutes, offerRoutes } from "./routes/items"
import { presenceRoutes } from "./routes/presences"
import { queueRoutes, workstreamRoutes } from "./routes/queues"
import { repRoutes } from "./routes/reps"
import { type SimulatedLines, simulatorRoutes } from "./routes/simulator"

export interface AppOptions {
  /** API keys and whom they stand for (N4). */
  readonly keys: ReadonlyMap<string, Principal>
  readonly hub: LiveHub
  /** A built web app (apps/web/dist) to serve at `/`; the API alone when absent. */
  readonly webRoot?: string
  /** Azure Communication Services webhooks, mounted when telephony is Azure. */
  readonly acs?: AcsWebhookOptions
  /** The simulated provider of the local demo (connectSimulatedProvider), mounted when telephony is simulated. */
  readonly simulator?: SimulatedLines
  /** Prometheus metrics at `/metrics` and request timing (production; off in most tests). */
  readonly metrics?: Metrics
  /** A JSON log line per request, with its request id; internal errors are logged through it too. */
  readonly log?: Logger
  /** Origins browsers may call `/api` from (CORS); none: no CORS headers (issue 16). */
  readonly corsOrigins?: readonly string[]
  /**
   * Failed authentications allowed per client address (429 past them; issue 16); the defaults
   * when absent. Only requests with a socket address count (not in-process `app.request`).
   */
  readonly authFailures?: AuthFailureLimits
}

/** Bodies larger than this are refused with 413 before they are read. */
export const MAX_BODY_BYTES = 64 * 1024

/** The HTTP surface over the core. It owns no state: everything lives behind `runtime`. */
export const buildApp = (runtime: ApiRuntime, options: AppOptions): Hono<AuthEnv> => {
  const handle = makeHandle(runtime)
  const app = new Hono<AuthEnv>()
  if (options.log !== undefined) app.use("*", ...requestLog(options.log))
  if (options.metrics !== undefined) {
    app.use("*", options.metrics.observe)
    app.get("/metrics", () => (options.metrics as Metrics).scrape())
  }
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0)
    app.use("/api/*", ...corsFor(options.corsOrigins))
  const limiter = makeAuthFailureLimiter(options.authFailures ?? DEFAULT_AUTH_FAILURE_LIMITS)
  app
    .use(
      "/api/*",
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: (c) =>
          c.json(
            { error: { code: "PayloadTooLarge", message: `request body over ${MAX_BODY_BYTES} bytes` } },
            413,
          ),
      }),
    )
    .use("/api/*", authenticate(options.keys, limiter, options.log))
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .route("/api/presences", presenceRoutes(handle))
    .route("/api/reps", repRoutes(handle))
    .route("/api/queues", queueRoutes(handle))
    .route("/api/queues", overflowRoutes(handle))
    .route("/api/callbacks", callbackRoutes(handle))
    .route("/api/workstreams", workstreamRoutes(handle))
    .route("/api/items", itemRoutes(handle))
    .route("/api/offers", offerRoutes(handle))
    .route("/api/deliveries", deliveryRoutes(handle))
    .route("/api/reps", repEmergencyRoutes(handle))
    .route("/api/emergency", emergencyAdminRoutes(handle))
    .route("/api/history", historyRoutes(handle, options.hub))
    .route("/api/events", eventRoutes(handle, runtime, options.hub))
    .route("/api/audit", auditRoutes(handle))
  if (options.simulator !== undefined) app.route("/api/simulator", simulatorRoutes(handle, options.simulator))
  app.get("/api/openapi.json", openApiDocument(app))
  if (options.acs !== undefined) app.route("/webhooks/acs", acsWebhookRoutes(runtime, options.acs))
  if (options.webRoot !== undefined) app.use("*", serveStatic({ root: options.webRoot }))
  app.notFound(routeNotFound)
  app.onError(internalError(options.log))
  return app
}

/** The live hub over the runtime's center; close it when the runtime goes. */
export const liveHubOf = (runtime: ApiRuntime): Promise<LiveHub> =>
  runtime.runPromise(Effect.flatMap(Center, makeLiveHub).pipe(Effect.orDie))
