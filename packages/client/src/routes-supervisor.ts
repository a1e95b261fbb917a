import { BasePresence, SetQueueServiceLevelTarget } from "@lifeline/core/routing"
import { Schema, Struct } from "effect"
import { defineRoutes } from "./route"

/**
 * Issue 19: what the supervisor's page reads beyond the live queue views. A supervisor sees the
 * reps and queues of its own queues; an admin sees all. Nothing here names an emergency (E8): a
 * rep in an emergency call is in the Do-not-disturb presence like any other, with no work shown
 * for it (an emergency call is never a routed item), and the service level comes from call
 * history, which holds no emergency call. Spread into ROUTES.
 */

const Str = Schema.String
const Num = Schema.Finite
const SUPERVISORS = ["supervisor", "admin"] as const

export const SupervisorWork = Schema.Struct({
  itemId: Str,
  kind: Schema.Literals(["call", "callback"]),
  queueId: Str,
  queueName: Str,
  /** Ringing: offered to the rep, not accepted yet; assigned: the rep is working it. */
  status: Schema.Literals(["ringing", "assigned"]),
  /** Epoch ms: when it was offered (ringing) or accepted (assigned). */
  since: Num,
}).annotate({
  identifier: "SupervisorWork",
  description: "Issue 19: a routed call or callback a rep has, in one of the supervisor's queues.",
})

export const SupervisorRep = Schema.Struct({
  repId: Str,
  name: Str,
  presenceId: Str,
  /** The presence's own label ("Lunch"); the page says the base in words. */
  presenceLabel: Str,
  base: BasePresence,
  /**
   * Epoch ms the rep entered this presence (kept in the routing state, so exact after a
   * restart); null only while a node restored from an older snapshot has not seen it change.
   */
  presenceSince: Schema.NullOr(Num),
  work: Schema.Array(SupervisorWork),
}).annotate({
  identifier: "SupervisorRep",
  description: "Issue 19: a rep of the supervisor's queues: presence since when, and the routed work it has.",
})
export type SupervisorRep = typeof SupervisorRep.Type

export const SupervisorReps = Schema.Struct({
  /** The server's time of the answer, epoch ms: a page counts time in state on the server's clock. */
  now: Num,
  reps: Schema.Array(SupervisorRep),
}).annotate({
  identifier: "SupervisorReps",
  description: "Issue 19: the reps of the supervisor's queues, at the server's time `now`.",
})
export type SupervisorReps = typeof SupervisorReps.Type

export const ServiceLevelInterval = Schema.Struct({
  /** Epoch ms. */
  start: Num,
  /** Calls that arrived in the interval. */
  calls: Num,
  answered: Num,
  answeredInTime: Num,
  abandoned: Num,
  /** answeredInTime / (answered + abandoned), 0 to 1; null when no wait ended. */
  serviceLevel: Schema.NullOr(Num),
}).annotate({
  identifier: "ServiceLevelInterval",
  description: "Issue 19: one interval of a queue's day, by the calls that arrived in it.",
})

export const ServiceLevelTarget = Schema.Struct({
  /** The share of calls to answer in time, 0 to 1. */
  share: Num,
  thresholdMs: Num,
}).annotate({
  identifier: "ServiceLevelTarget",
  description:
    "Issue 19: a queue's service-level goal: this share of calls answered within this time (80 % in 20 s unless an admin set it).",
})
export type ServiceLevelTarget = typeof ServiceLevelTarget.Type

export const QueueServiceLevel = Schema.Struct({
  queueId: Str,
  name: Str,
  target: ServiceLevelTarget,
  intervals: Schema.Array(ServiceLevelInterval),
}).annotate({
  identifier: "QueueServiceLevel",
  description: "Issue 19: a queue's service level over the day, interval by interval, and its target.",
})
export type QueueServiceLevel = typeof QueueServiceLevel.Type

export const ServiceLevelDay = Schema.Struct({
  /** Epoch ms: the day's start (the first interval's): midnight in the time zone asked for. */
  from: Num,
  /** Epoch ms: the server's time now; the last interval is the one running. */
  to: Num,
  intervalMs: Num,
  queues: Schema.Array(QueueServiceLevel),
}).annotate({
  identifier: "ServiceLevelDay",
  description:
    "Issue 19: the service level of the supervisor's queues since the day's start (E8: from call history).",
})
export type ServiceLevelDay = typeof ServiceLevelDay.Type

export const SUPERVISOR_ROUTES = defineRoutes({
  supervisorReps: {
    method: "GET",
    path: "/api/supervisor/reps",
    summary: "Reps of my queues: presence since when and current work (issue 19)",
    tag: "supervisor",
    roles: SUPERVISORS,
    reply: SupervisorReps,
  },
  supervisorServiceLevel: {
    method: "GET",
    path: "/api/supervisor/service-level",
    summary: "My queues' service level today per 15-minute interval, with the target (issue 19)",
    tag: "supervisor",
    roles: SUPERVISORS,
    query: {
      timeZone: "The IANA time zone whose midnight starts the day, e.g. Europe/Copenhagen (default UTC)",
    },
    reply: ServiceLevelDay,
  },
  queueServiceLevelTarget: {
    method: "GET",
    path: "/api/queues/{queueId}/service-level-target",
    summary: "A queue's service-level target: its own, or 80 % within 20 s (issue 19)",
    tag: "queues",
    roles: SUPERVISORS,
    reply: ServiceLevelTarget,
    errors: [404],
  },
  setQueueServiceLevelTarget: {
    method: "PUT",
    path: "/api/queues/{queueId}/service-level-target",
    summary: "Set a queue's service-level target: the share answered within the threshold (issue 19)",
    tag: "queues",
    roles: ["admin"],
    body: SetQueueServiceLevelTarget.mapFields(Struct.omit(["_tag", "queueId", "actor"])),
    reply: ServiceLevelTarget,
    errors: [404],
  },
})
