import {
  CALLBACK_LIST_STATUSES,
  CALLBACK_PAGE_DEFAULT,
  CALLBACK_PAGE_MAX,
  CallbackCloseReasonSchema,
  CallbackWindow,
} from "@lifeline/core/callback"
import { Schema } from "effect"
import { Callback, ClosedCallback } from "./replies"
import { defineRoutes } from "./route"

/**
 * Issue 20 (SPEC I2): callbacks as integrators expect them: a list with filters and a cursor,
 * cancel and reschedule, each answering the callback as GET /api/callbacks/{callbackId} does.
 * Spread into ROUTES.
 */

const Str = Schema.String
const Num = Schema.Finite
const READERS = ["integrator", "admin", "supervisor"] as const
const MANAGERS = ["integrator", "admin"] as const

/** I2: one callback of the list, open or closed (from the callback list read model). */
export const CallbackListEntry = Schema.Struct({
  callbackId: Str,
  number: Str,
  queueId: Str,
  source: Schema.Literals(["in_queue", "scheduled"]),
  status: Schema.Literals(CALLBACK_LIST_STATUSES),
  outcome: Schema.NullOr(CallbackCloseReasonSchema),
  attempts: Num,
  joined: Num,
  requestedAt: Num,
  window: Schema.NullOr(Schema.Struct({ start: Num, end: Num })),
  deadline: Num,
  endedAt: Schema.NullOr(Num),
}).annotate({
  identifier: "CallbackListEntry",
  description:
    "I2: a callback, open or closed: its status (closed once it ended, with its outcome), attempts and times in epoch ms.",
})

/** The body of a reschedule: the new contact window, epoch milliseconds (C7's rules). */
export const RescheduleBody = Schema.Struct({ window: CallbackWindow }).annotate({
  identifier: "CallbackReschedule",
  description: "C7: the new contact window (UTC epoch ms); it must end after it starts and not have ended.",
})

export const CALLBACK_ROUTES = defineRoutes({
  callbacks: {
    method: "GET",
    path: "/api/callbacks",
    summary:
      "Callbacks, open and closed, newest first, a page at a time (I2); the next page's cursor is in X-Next-Cursor and Link rel=next",
    tag: "callbacks",
    roles: READERS,
    query: {
      queueId: "Only callbacks of this queue",
      status: `Only callbacks with this status: open (any but closed), ${CALLBACK_LIST_STATUSES.join(", ")}`,
      number: "Only callbacks to this E.164 number (B2)",
      from: "Only callbacks requested at or after this ISO 8601 time",
      to: "Only callbacks requested before this ISO 8601 time",
      cursor: "Where the previous page ended: its X-Next-Cursor header (also in its Link rel=next)",
      limit: `Callbacks per page, 1 to ${CALLBACK_PAGE_MAX} (default ${CALLBACK_PAGE_DEFAULT})`,
    },
    reply: Schema.Array(CallbackListEntry),
  },
  cancelCallback: {
    method: "POST",
    path: "/api/callbacks/{callbackId}/cancel",
    summary:
      "Cancel a callback not yet being dialled (I2); it answers the closed callback, outcome cancelled; cancelling again answers the same (409 while dialled or connected, or once it ended otherwise)",
    tag: "callbacks",
    roles: MANAGERS,
    reply: ClosedCallback,
    errors: [404, 409],
  },
  rescheduleCallback: {
    method: "POST",
    path: "/api/callbacks/{callbackId}/reschedule",
    summary:
      "Move a pending callback's contact window (I2, C7); one already in its queue keeps its place, so its new window must have started",
    tag: "callbacks",
    roles: MANAGERS,
    body: RescheduleBody,
    reply: Callback,
    errors: [404, 409],
  },
})
