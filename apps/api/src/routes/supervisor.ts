import {
  SERVICE_LEVEL_INTERVAL_MS,
  type ServiceLevelCell,
  ServiceLevelReadModel,
  type ServiceLevelSpan,
  serviceLevelCells,
  serviceLevelOf,
} from "@lifeline/adapters"
import { type QueueServiceLevel, ROUTES, type ServiceLevelDay, type SupervisorRep } from "@lifeline/client"
import { isCallbackItem } from "@lifeline/core/callback"
import type { CenterState } from "@lifeline/core/center"
import { isTimeZone } from "@lifeline/core/emergency"
import { UnknownEntity } from "@lifeline/core/kernel"
import {
  type ServiceLevelTarget,
  SetQueueServiceLevelTarget,
  serviceLevelTargetOf,
  workByRep,
} from "@lifeline/core/routing"
import { Array as Arr, Effect, Option, Schema, Stream, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import { type Principal, seesQueue, seesRep } from "../auth/principal"
import type { Handle } from "../handle"
import type { LiveHub } from "../live/hub"
import { route } from "../openapi"
import { DECODE_OPTIONS } from "../request-body"
import { configCommandFromBody } from "./body"
import { param, readView } from "./run"

const DAY_MS = 86_400_000

const TimeZone = Schema.String.check(
  Schema.makeFilter((s) => isTimeZone(s) || "must be an IANA time zone such as Europe/Copenhagen"),
)
const ServiceLevelQuery = Schema.Struct({ timeZone: Schema.optionalKey(TimeZone) })
const decodeServiceLevelQuery = Schema.decodeUnknownEffect(ServiceLevelQuery, DECODE_OPTIONS)

/** Issue 19: each rep the caller sees, its presence since when, and its work in the caller's queues. */
const repsFor = (who: Principal) => (s: CenterState) => {
  const work = workByRep(s.routing)
  return [...s.routing.reps.values()]
    .filter((rep) => seesRep(who, rep.memberships.keys()))
    .map(
      (rep): SupervisorRep => ({
        repId: rep.repId,
        name: rep.name,
        presenceId: rep.presenceId,
        presenceLabel: s.routing.presences.get(rep.presenceId)?.label ?? rep.presenceId,
        base: rep.base,
        presenceSince: rep.presenceSince,
        work: (work.get(rep.repId) ?? [])
          .filter((w) => seesQueue(who, w.item.queue.config.queueId))
          .map((w) => ({
            itemId: w.item.itemId,
            kind: isCallbackItem(s.callback, w.item.itemId) ? "callback" : "call",
            queueId: w.item.queue.config.queueId,
            queueName: w.item.queue.config.name,
            status: w.status,
            since: w.since,
          })),
      }),
    )
}

/**
 * The last midnight in `timeZone` before `now`: now less the wall-clock time of day there (on a
 * day the clocks change, the day starts an hour early or late: its intervals still line up).
 */
const midnightIn = (now: number, timeZone: string): number => {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hourCycle: "h23",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(now)
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  return now - ((part("hour") * 60 + part("minute")) * 60 + part("second")) * 1000 - (now % 1000)
}

/**
 * The sums per queue and interval: one GROUP BY over call history's table where the node has
 * it (ServiceLevelReadModel), else folded over history's own pages of the span (memory store).
 */
const cellsOf = (hub: LiveHub, span: ServiceLevelSpan) =>
  Effect.flatMap(Effect.serviceOption(ServiceLevelReadModel), (model) =>
    Option.isSome(model)
      ? model.value.cells(span)
      : Stream.runCollect(
          hub.history.exportRows({
            from: span.from,
            to: span.to,
            ...(span.queues === undefined ? {} : { queues: span.queues }),
          }),
        ).pipe(Effect.map((records) => serviceLevelCells(records, span))),
  )

/** A queue on the chart: its id, name and own target. */
interface ChartQueue {
  readonly queueId: string
  readonly name: string
  readonly target: ServiceLevelTarget
}

/**
 * The sums of the day for these queues: answered in time means within each queue's own
 * threshold, so one read per threshold in use (one in all while every queue keeps the default).
 */
const dayCells = (hub: LiveHub, queues: readonly ChartQueue[], from: number) => {
  const byThreshold = Arr.groupBy(queues, (q) => String(q.target.thresholdMs))
  return Effect.map(
    Effect.forEach(Object.values(byThreshold), (group) =>
      cellsOf(hub, {
        from,
        to: from + DAY_MS,
        intervalMs: SERVICE_LEVEL_INTERVAL_MS,
        thresholdMs: group[0].target.thresholdMs,
        queues: group.map((q) => q.queueId),
      }),
    ),
    (parts) => parts.flat(),
  )
}

/** Every interval of the day up to the running one, each queue's, empty ones with a null SL. */
const dayOfQueues = (
  queues: readonly ChartQueue[],
  cells: readonly ServiceLevelCell[],
  from: number,
  now: number,
): ServiceLevelDay => {
  const count = Math.floor((now - from) / SERVICE_LEVEL_INTERVAL_MS) + 1
  const cellAt = new Map(cells.map((c) => [`${c.queueId}\u0000${c.start}`, c]))
  return {
    from,
    to: now,
    intervalMs: SERVICE_LEVEL_INTERVAL_MS,
    queues: queues.map(
      (q): QueueServiceLevel => ({
        queueId: q.queueId,
        name: q.name,
        target: q.target,
        intervals: Array.from({ length: count }, (_, i) => {
          const start = from + i * SERVICE_LEVEL_INTERVAL_MS
          const cell = cellAt.get(`${q.queueId}\u0000${start}`)
          const sums = {
            calls: cell?.calls ?? 0,
            answered: cell?.answered ?? 0,
            answeredInTime: cell?.answeredInTime ?? 0,
            abandoned: cell?.abandoned ?? 0,
          }
          return { start, ...sums, serviceLevel: serviceLevelOf(sums) }
        }),
      }),
    ),
  }
}

/** The queue's target (its own or the default); an unknown queue is a 404 naming queueId. */
const targetOf = (queueId: string) =>
  Effect.flatMap(
    readView((s) => serviceLevelTargetOf(s.routing, queueId)),
    (target) =>
      target === undefined
        ? Effect.fail(new UnknownEntity({ entity: "queue", id: queueId, field: "queueId" }))
        : Effect.succeed(target),
  )

/**
 * Issue 19: the supervisor's reads beyond the live queue views: its reps (presence since when,
 * current work) and its queues' service level over the day against each queue's target. E8: no
 * emergency detail in either (see packages/client routes-supervisor.ts).
 */
export const supervisorRoutes = (handle: Handle, hub: LiveHub) =>
  new Hono<AuthEnv>()
    .get(
      "/reps",
      route("supervisorReps"),
      handle(ROUTES.supervisorReps.roles, (c, who) =>
        readView((s, now) => ({ now, reps: repsFor(who)(s) })).pipe(Effect.map((reply) => c.json(reply))),
      ),
    )
    .get(
      "/service-level",
      route("supervisorServiceLevel", { query: ROUTES.supervisorServiceLevel.query }),
      handle(ROUTES.supervisorServiceLevel.roles, (c, who) =>
        Effect.gen(function* () {
          const query = yield* decodeServiceLevelQuery(c.req.query())
          const { now, queues } = yield* readView((s, now) => ({
            now,
            queues: [...s.routing.queues.values()]
              .filter((q) => seesQueue(who, q.config.queueId))
              .map(
                (q): ChartQueue => ({
                  queueId: q.config.queueId,
                  name: q.config.name,
                  target: serviceLevelTargetOf(s.routing, q.config.queueId) as ServiceLevelTarget,
                }),
              ),
          }))
          const from = midnightIn(now, query.timeZone ?? "UTC")
          const cells = yield* dayCells(hub, queues, from)
          return c.json(dayOfQueues(queues, cells, from, now))
        }),
      ),
    )

const TargetBody = SetQueueServiceLevelTarget.mapFields(Struct.omit(["_tag", "queueId", "actor"]))

/** Issue 19: a queue's service-level target, read by its supervisors and set by an admin (audited). */
export const serviceLevelTargetRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/:queueId/service-level-target",
      route("queueServiceLevelTarget"),
      handle(ROUTES.queueServiceLevelTarget.roles, (c) =>
        targetOf(param(c, "queueId")).pipe(Effect.map((target) => c.json(target))),
      ),
    )
    .put(
      "/:queueId/service-level-target",
      route("setQueueServiceLevelTarget"),
      handle(ROUTES.setQueueServiceLevelTarget.roles, (c, who) =>
        configCommandFromBody(c, who, TargetBody, (body, actor) => ({
          _tag: "SetQueueServiceLevelTarget",
          queueId: param(c, "queueId"),
          ...body,
          actor,
        })),
      ),
    )
