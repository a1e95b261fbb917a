import type { CenterEvent } from "@lifeline/core"
import type { Context, MiddlewareHandler } from "hono"
import { requestId } from "hono/request-id"
import { matchedRoutes } from "hono/route"

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>
export type LogLevel = "debug" | "info" | "warn" | "error"

/** Where a log line goes: one JSON object per line (stdout in production, an array in tests). */
export type LogSink = (line: string) => void

const stdout: LogSink = (line) => {
  process.stdout.write(`${line}\n`)
}

/**
 * The route pattern that answered (`/api/reps/:repId/presence`), never the raw path: ids would
 * make a series per rep, and a path could carry what a log must not. Middleware match as `ALL`;
 * the first method route is the handler. "*" for static files and unknown paths.
 */
export const routeOf = (c: Context): string => matchedRoutes(c).find((r) => r.method !== "ALL")?.path ?? "*"

/** Structured JSON logs: `{"time","level","msg",...fields}`, one object a line. */
export const makeLogger = (sink: LogSink = stdout, now: () => number = Date.now) => {
  const write = (level: LogLevel, msg: string, fields: LogFields = {}) =>
    sink(JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...fields }))
  return {
    debug: (msg: string, fields?: LogFields) => write("debug", msg, fields),
    info: (msg: string, fields?: LogFields) => write("info", msg, fields),
    warn: (msg: string, fields?: LogFields) => write("warn", msg, fields),
    error: (msg: string, fields?: LogFields) => write("error", msg, fields),
  }
}

export type Logger = ReturnType<typeof makeLogger>

/**
 * Every request gets an id (the caller's `X-Request-Id` when it sends a sane one, else a new
 * one), echoed in the response and in its log line. The line names the route pattern, never
 * the query string or the body: an emergency dial's number must never reach a log (E8).
 */
export const requestLog = (log: Logger): MiddlewareHandler[] => [
  requestId(),
  async (c, next) => {
    const started = performance.now()
    await next()
    log.info("request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      route: routeOf(c),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    })
  },
]

/**
 * What an operator learns of emergency calls from the logs: that one started or ended, its
 * session, and the callback lease — never the dialled number, the callback number, the rep's
 * contacts, notes or recordings (E8, N4).
 */
export const logEmergencyFacts = (log: Logger, events: readonly CenterEvent[]) => {
  for (const e of events) {
    if (e._tag === "EmergencyDialled")
      log.info("emergency call started", { sessionId: e.sessionId, test: e.test, region: e.region })
    else if (e._tag === "EmergencyEnded")
      log.info("emergency call ended", { sessionId: e.sessionId, reason: e.reason })
    else if (e._tag === "CallbackLeased" || e._tag === "CallbackLeaseRenewed")
      log.info(e._tag === "CallbackLeased" ? "callback lease taken" : "callback lease renewed", {
        leaseId: e.leaseId,
        sessionId: e.sessionId,
      })
    else if (e._tag === "CallbackLeaseExpired") log.info("callback lease expired", { leaseId: e.leaseId })
  }
}
