import type { CenterEvent } from "@lifeline/core/center"
import { Cause, Logger as EffectLogger, type LogLevel as EffectLogLevel } from "effect"
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

/**
 * Free text that may carry what a log must not (an error's message or stack: a number, an
 * address, a key): bearer tokens, `secret=value` pairs, e-mail addresses and phone-number-like
 * digit runs are replaced before the text is written (issue 16, E8, N4).
 */
export const scrub = (text: string): string =>
  text
    .replace(/Bearer\s+[^\s"',]+/giu, "Bearer [redacted]")
    .replace(
      /\b(access_?key|accesskey|password|passwd|secret|token|api[_-]?key|auth[_-]?token|authorization)(\s*[=:]\s*)[^\s;&,"']+/giu,
      "$1$2[redacted]",
    )
    .replace(/[^\s@"'<>(),;:/]+@[^\s@"'<>(),;:/]+\.[a-z]{2,}/giu, "[email]")
    .replace(/\+?\d[\d ().-]{5,}\d/gu, (run) => (run.replace(/\D/gu, "").length >= 7 ? "[number]" : run))

/** An internal error as log fields: its name, message and stack, scrubbed. */
export const errorFields = (error: unknown): LogFields => {
  if (!(error instanceof Error)) return { error: "thrown value", message: scrub(String(error)) }
  return {
    error: error.name,
    message: scrub(error.message),
    ...(error.stack === undefined ? {} : { stack: scrub(error.stack) }),
  }
}

const jsonOf = (value: unknown): string => {
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) =>
        typeof v === "bigint"
          ? v.toString()
          : v instanceof Error
            ? { ...v, name: v.name, message: v.message }
            : v,
      ) ?? String(value)
    )
  } catch {
    return String(value)
  }
}

const levels: Record<EffectLogLevel.LogLevel, LogLevel> = {
  All: "debug",
  Trace: "debug",
  Debug: "debug",
  Info: "info",
  Warn: "warn",
  Error: "error",
  Fatal: "error",
  None: "debug",
}

/**
 * Effect's own log calls (`Effect.logWarning` in the core, the adapters and the routes) as lines
 * of `log`: the first string is the message, the rest a scrubbed `detail`, a failure's cause
 * pretty-printed with its stack and scrubbed. Replaces Effect's logfmt logger, so every line a
 * node writes is JSON; Effect's tracer logger (log events on spans) stays.
 */
export const effectLogger = (log: Logger) =>
  EffectLogger.make(({ message, logLevel, cause }) => {
    const parts: readonly unknown[] = Array.isArray(message) ? message : [message]
    const [first, ...rest] = parts
    const msg = typeof first === "string" ? first : "effect log"
    const detail = (typeof first === "string" ? rest : parts)
      .map((part) => (typeof part === "string" ? part : jsonOf(part)))
      .join(" ")
    log[levels[logLevel]](msg, {
      source: "effect",
      ...(detail === "" ? {} : { detail: scrub(detail) }),
      ...(cause.reasons.length > 0 ? { cause: scrub(Cause.pretty(cause)) } : {}),
    })
  })

/** The layer that routes Effect's logs through `log` (see effectLogger). */
export const effectLoggerLayer = (log: Logger) =>
  EffectLogger.layer([effectLogger(log), EffectLogger.tracerLogger])
