import { serveStatic } from "@hono/node-server/serve-static"
import type { RepCallingIdentity } from "@lifeline/adapters"
import { Center } from "@lifeline/core/center"
import { Effect } from "effect"
import { Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { type AuthFailureLimits, DEFAULT_AUTH_FAILURE_LIMITS, makeAuthFailureLimiter } from "./auth/limit"
import type { AuthEnv } from "./auth/middleware"
import { authenticate } from "./auth/middleware"
import type { Principal } from "./auth/principal"
import {
  type AuthOptions,
  checkSession,
  makeCsrfGuard,
  makeSessionSignals,
  type Run,
  sessionSecret,
} from "./auth/session"
import { corsFor } from "./cors"
import { internalError, routeNotFound } from "./errors"
import { type ApiRuntime, makeHandle } from "./handle"
import { idempotencyKeys } from "./idempotency"
import { type LiveHub, makeLiveHub } from "./live/hub"
import { openApiDocument } from "./openapi"
import { type Logger, requestLog } from "./ops/log"
import type { Metrics } from "./ops/metrics"
import { type AcsWebhookOptions, acsWebhookRoutes } from "./routes/acs-webhooks"
import { auditRoutes } from "./routes/audit"
import { authRoutes } from "./routes/auth"
import { authAuditRoutes } from "./routes/auth-audit"
import { callbackRoutes, overflowRoutes } from "./routes/callbacks"
import { callingTokenRoutes } from "./routes/calling-token"
import { callRoutes } from "./routes/calls"
import { clockRoutes } from "./routes/clock"
import { deliveryRoutes } from "./routes/deliveries"
import { docsRoutes } from "./routes/docs"
import { emergencyAdminRoutes, repEmergencyRoutes } from "./routes/emergency"
import { emergencyDropRoutes } from "./routes/emergency-drop"
import { eventRoutes } from "./routes/events"
import { historyRoutes } from "./routes/history"
import { itemRoutes, offerRoutes } from "./routes/items"
import { keyRoutes } from "./routes/keys"
import { presenceRoutes } from "./routes/presences"
import { queueRoutes, workstreamRoutes } from "./routes/queues"
import { repRoutes } from "./routes/reps"
import { sessionRoutes } from "./routes/sessions"
import { type SimulatedLines, simulatorRoutes } from "./routes/simulator"
import { serviceLevelTargetRoutes, supervisorRoutes } from "./routes/supervisor"
import { webhookRoutes } from "./routes/webhooks"

export interface AppOptions {
  /** API keys from the settings and whom they stand for (N4). */
  readonly keys: ReadonlyMap<string, Principal>
  /**
   * People's sign-in and stored API keys (issue 21): sessions, the identity provider, the demo
   * sign-in, and the admin routes over sessions, keys and the sign-in audit. Absent: keys from
   * the settings only.
   */
  readonly auth?: AuthOptions
  readonly hub: LiveHub
  /** A built web app (apps/web/dist) to serve at `/`; the API alone when absent. */
  readonly webRoot?: string
  /** Azure Communication Services webhooks, mounted when telephony is Azure. */
  readonly acs?: AcsWebhookOptions
  /** Issue 19: the reps' ACS identities and tokens, when telephony is Azure (routes/calling-token.ts). */
  readonly calling?: RepCallingIdentity["Service"]
  /** W1: the number outbound calls come from (ACS_CALLER_ID); absent: the demo's (routes/calls.ts). */
  readonly callerId?: string
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
  const calls = callRoutes(handle, options.callerId)
  const app = new Hono<AuthEnv>()
  if (options.log !== undefined) app.use("*", ...requestLog(options.log))
  if (options.metrics !== undefined) {
    app.use("*", options.metrics.observe)
    app.get("/metrics", () => (options.metrics as Metrics).scrape())
  }
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0)
    app.use("/api/*", ...corsFor(options.corsOrigins))
  const limiter = makeAuthFailureLimiter(options.authFailures ?? DEFAULT_AUTH_FAILURE_LIMITS)
  const { auth } = options
  const run: Run = (effect) => runtime.runPromise(effect)
  const signals = makeSessionSignals()
  const csrf = makeCsrfGuard(auth, options.corsOrigins)
  const authenticated = authenticate({
    keys: options.keys,
    limiter,
    ...optional({ log: options.log, auth }),
    run,
    csrf,
  })
  const liveSessions =
    auth === undefined
      ? undefined
      : {
          signals,
          stillOpen: async (c: Parameters<typeof sessionSecret>[1]) => {
            const secret = sessionSecret(auth, c)
            return secret !== undefined && (await run(checkSession(auth, secret)))._tag === "active"
          },
        }
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
    .use("/api/*", authenticated)
    .use("/api/*", idempotencyKeys(runtime))
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .route("/api/presences", presenceRoutes(handle))
    .route("/api/reps", repRoutes(handle))
    .route("/api/queues", queueRoutes(handle))
    .route("/api/queues", overflowRoutes(handle))
    .route("/api/callbacks", callbackRoutes(handle))
    .route("/api/workstreams", workstreamRoutes(handle))
    .route("/api/items", itemRoutes(handle))
    .route("/api/offers", offerRoutes(handle))
    .route("/api/reps", calls.reps)
    .route("/api/calls", calls.calls)
    .route("/api/deliveries", deliveryRoutes(handle))
    .route("/api/reps", repEmergencyRoutes(handle))
    .route("/api/reps", callingTokenRoutes(handle, options.calling))
    .route("/api/reps", emergencyDropRoutes(handle))
    .route("/api/emergency", emergencyAdminRoutes(handle))
    .route("/api/history", historyRoutes(handle, options.hub))
    .route("/api/events", eventRoutes(handle, runtime, options.hub, liveSessions))
    .route("/api/audit", auditRoutes(handle))
    .route("/api/webhooks", webhookRoutes(handle))
    .route("/api/clock", clockRoutes(handle))
    .route("/api/supervisor", supervisorRoutes(handle, options.hub))
    .route("/api/queues", serviceLevelTargetRoutes(handle))
  if (auth !== undefined) {
    // Unsafe requests to /auth (sign-out, the demo sign-in) pass the CSRF check with or
    // without a cookie: a forged sign-in is as unwelcome as a forged sign-out.
    app.use("/auth/*", async (c, next) => {
      const refused = /^(GET|HEAD|OPTIONS)$/.test(c.req.method) ? undefined : await csrf(c)
      return refused ?? next()
    })
    app.use("/auth/me", authenticated)
    app.route("/auth", authRoutes({ auth, run, signals, limiter, ...optional({ log: options.log }) }))
    app.route("/api/sessions", sessionRoutes(handle, auth, signals))
    app.route("/api/keys", keyRoutes(handle, auth))
    app.route("/api/auth/audit", authAuditRoutes(handle, auth))
  }
  if (options.simulator !== undefined) app.route("/api/simulator", simulatorRoutes(handle, options.simulator))
  app.get("/api/openapi.json", openApiDocument(app))
  // Issue 20: the reference page over that document, public (documentation only).
  app.route("/docs", docsRoutes())
  if (options.acs !== undefined) app.route("/webhooks/acs", acsWebhookRoutes(runtime, options.acs))
  if (options.webRoot !== undefined) app.use("*", serveStatic({ root: options.webRoot }))
  app.notFound(routeNotFound)
  app.onError(internalError(options.log))
  return app
}

/** The fields whose value is defined (exactOptionalPropertyTypes). */
const optional = <T extends Record<string, unknown>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>
  }

/** The live hub over the runtime's center; close it when the runtime goes. */
export const liveHubOf = (runtime: ApiRuntime): Promise<LiveHub> =>
  runtime.runPromise(Effect.flatMap(Center, makeLiveHub).pipe(Effect.orDie))
