import type { MiddlewareHandler } from "hono"
import { cors } from "hono/cors"

/** What a browser on an allowed origin may send and read (bearer keys, never cookies). */
const ALLOW_HEADERS = [
  "authorization",
  "content-type",
  "x-api-key",
  "x-request-id",
  "last-event-id",
  "idempotency-key",
]
const ALLOW_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
const EXPOSE_HEADERS = ["x-request-id", "retry-after", "idempotent-replayed"]

/**
 * CORS for the configured origins only (issue 16; off when none are configured, so no CORS
 * header is ever sent). A preflight from an allowed origin is answered 204 with the allowed
 * methods and headers; one from any other origin is refused with 403, and a plain request from
 * another origin gets no Access-Control-Allow-Origin, so the browser withholds the answer.
 */
export const corsFor = (origins: readonly string[]): MiddlewareHandler[] => {
  const allowed = new Set(origins)
  return [
    async (c, next) => {
      const origin = c.req.header("origin")
      if (c.req.method === "OPTIONS" && origin !== undefined && !allowed.has(origin))
        return c.json(
          {
            error: {
              code: "CorsOriginNotAllowed",
              message: "this origin may not call the API from a browser (LIFELINE_CORS_ORIGINS)",
            },
          },
          403,
        )
      return next()
    },
    cors({
      origin: [...allowed],
      allowMethods: ALLOW_METHODS,
      allowHeaders: ALLOW_HEADERS,
      exposeHeaders: EXPOSE_HEADERS,
      maxAge: 600,
    }),
  ]
}
