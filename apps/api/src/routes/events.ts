import { ROUTES } from "@lifeline/client"
import type { CenterEvent, CenterState } from "@lifeline/core/center"
import { supervisorEmergencyView } from "@lifeline/core/emergency"
import { queueView } from "@lifeline/core/routing"
import { Effect } from "effect"
import { type Context, Hono } from "hono"
import { type SSEStreamingApi, streamSSE } from "hono/streaming"
import type { AuthEnv } from "../auth/middleware"
import { type Principal, seesQueue } from "../auth/principal"
import type { SessionSignals } from "../auth/session"
import type { ApiRuntime, Handle } from "../handle"
import type { Batch, LiveHub } from "../live/hub"
import { route } from "../openapi"
import { readView } from "./run"

/** A rep's stream carries the events about that rep only (offers, presence, its own emergency). */
const aboutRep = (events: readonly CenterEvent[], repId: string): CenterEvent[] =>
  events.filter((e) => "repId" in e && e.repId === repId)

/** C5: callbacks not served yet, by queue (the store keeps only pending ones). */
const pendingCallbacksByQueue = (s: CenterState): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const r of s.callback.callbacks.values()) counts.set(r.queueId, (counts.get(r.queueId) ?? 0) + 1)
  return counts
}

/**
 * Supervisors get queue views, not raw events: never an emergency detail (E8, N4). Each view
 * also counts the queue's pending callbacks (the supervisor view shows them).
 */
const queueViewsFor = (who: Principal) =>
  readView((s) => {
    const callbacks = pendingCallbacksByQueue(s)
    return [...s.routing.queues.keys()]
      .filter((q) => seesQueue(who, q))
      .flatMap((q) => {
        const view = queueView(s.routing, q)
        return view === undefined ? [] : [{ ...view, callbacksPending: callbacks.get(q) ?? 0 }]
      })
  })

/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000

/** Coalesce bursts: a supervisor's views are pushed at most this often. */
const VIEW_INTERVAL_MS = 250

/** How often an open stream of a session checks that the session still gives access (issue 21). */
export const SESSION_RECHECK_MS = 5_000

/** The stream's view of sessions: ended on this node (at once), or anywhere (at the next check). */
export interface LiveSessions {
  readonly signals: SessionSignals
  /** Whether the request's session cookie still gives access. */
  readonly stillOpen: (c: Context) => Promise<boolean>
  readonly recheckMs?: number
}

/**
 * Issue 21: a stream opened with a session cookie ends when its session does (sign-out, an
 * admin's end, expiry or idle timeout): at once when it ended on this node, else at the next
 * check. It says so (`session-ended`) before it closes; a reconnect is then a 401.
 */
const endWithSession = (c: Context<AuthEnv>, stream: SSEStreamingApi, sessions: LiveSessions | undefined) => {
  const sessionId = c.get("session")
  if (sessionId === undefined || sessions === undefined) return
  const end = () => {
    if (stream.aborted) return
    void stream.writeSSE({ event: "session-ended", data: "{}" }).finally(() => stream.abort())
  }
  const stopListening = sessions.signals.onEnded(sessionId, end)
  const timer = setInterval(() => {
    sessions.stillOpen(c).then(
      (open) => (open ? undefined : end()),
      () => undefined,
    )
  }, sessions.recheckMs ?? SESSION_RECHECK_MS)
  stream.onAbort(() => {
    stopListening()
    clearInterval(timer)
  })
}

/**
 * Live events over SSE, resumable with `Last-Event-ID` (the stream version). Reps receive
 * `event` messages with their own events; supervisors, admins and integrators receive `queues`
 * messages with fresh queue views whenever routing changed, and supervisors and admins an
 * `emergencies` message with the count of active emergency calls (a count only: E8, N4).
 */
export const eventRoutes = (handle: Handle, runtime: ApiRuntime, hub: LiveHub, sessions?: LiveSessions) =>
  new Hono<AuthEnv>().get(
    "/",
    route("events"),
    handle(ROUTES.events.roles, (c, who) =>
      Effect.sync(() =>
        streamSSE(c, async (stream) => {
          const lastId = Number(c.req.header("last-event-id") ?? Number.NaN)
          const queue: Batch[] = []
          let wake: (() => void) | undefined
          const stop = hub.listen((batch) => {
            queue.push(batch)
            wake?.()
          })
          stream.onAbort(() => {
            stop()
            wake?.()
          })
          endWithSession(c, stream, sessions)
          const sendBatch = async (batch: Batch) => {
            if (who.role !== "rep") return
            const mine = aboutRep(batch.events, who.repId)
            if (mine.length > 0)
              await stream.writeSSE({
                id: String(batch.version),
                event: "events",
                data: JSON.stringify(mine),
              })
          }
          const sendViews = async (id: number) => {
            const views = await runtime.runPromise(queueViewsFor(who))
            await stream.writeSSE({ id: String(id), event: "queues", data: JSON.stringify(views) })
            if (who.role === "supervisor" || who.role === "admin") {
              const summary = await runtime.runPromise(readView(supervisorEmergencyView))
              await stream.writeSSE({ event: "emergencies", data: JSON.stringify(summary) })
            }
          }
          if (Number.isFinite(lastId) && who.role === "rep") {
            const missed = hub.since(lastId)
            if (missed === undefined) await stream.writeSSE({ event: "reset", data: "{}" })
            else for (const b of missed) await sendBatch(b)
          }
          if (who.role !== "rep") await sendViews(Number.isFinite(lastId) ? lastId : 0)
          else await stream.writeSSE({ event: "ready", data: "{}" })
          while (!stream.aborted) {
            if (queue.length === 0) {
              await Promise.race([new Promise<void>((r) => (wake = r)), stream.sleep(HEARTBEAT_MS)])
            }
            wake = undefined
            const batches = queue.splice(0)
            const last = batches.at(-1)
            if (last === undefined) {
              if (!stream.aborted) await stream.write(": keep-alive\n\n")
              continue
            }
            if (who.role === "rep") for (const b of batches) await sendBatch(b)
            else {
              await sendViews(last.version)
              await stream.sleep(VIEW_INTERVAL_MS)
            }
          }
        }),
      ),
    ),
  )
