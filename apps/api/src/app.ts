import { serveStatic } from "@hono/node-server/serve-static"
import { Hono } from "hono"
import { internalError, routeNotFound } from "./errors"
import { type ApiRuntime, makeHandle } from "./handle"
import { itemRoutes } from "./routes/items"
import { queueRoutes } from "./routes/queues"

export interface AppOptions {
  /** A built web app (apps/web/dist) to serve at `/`; the API alone when absent. */
  readonly webRoot?: string
}

/** The HTTP surface over the core. It owns no state: everything lives behind `runtime`. */
export const buildApp = (runtime: ApiRuntime, options: AppOptions = {}): Hono => {
  const handle = makeHandle(runtime)
  const app = new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .route("/api/queues", queueRoutes(handle))
    .route("/api/items", itemRoutes(handle))
  if (options.webRoot !== undefined) app.use("*", serveStatic({ root: options.webRoot }))
  app.notFound(routeNotFound)
  app.onError(internalError)
  return app
}
