import { CreateQueue, DefineWorkstream, Id, queueView, UnknownEntity } from "@lifeline/core"
import { Effect, Schema, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import { seesQueue } from "../auth/principal"
import type { Handle } from "../handle"
import { doc } from "../openapi"
import { actorOf, configCommandFromBody } from "./body"
import { param, readView, runCommand } from "./run"

const CreateQueueBody = CreateQueue.mapFields(Struct.omit(["_tag", "actor"]))
const MemberBody = Schema.Struct({ repId: Id })
const DefineWorkstreamBody = DefineWorkstream.mapFields(Struct.omit(["_tag", "actor"]))
const READERS = ["admin", "supervisor", "integrator"] as const

/**
 * R3, R5: queues with their live view (waiting, staffing, EWT); admins configure them. A
 * supervisor names only its queues (auth/authorize.ts) and lists only them.
 */
export const queueRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      doc({ summary: "Queues with waiting, staffing and EWT (R5)", tag: "queues", roles: READERS }),
      handle(READERS, (c, who) =>
        readView((s) =>
          [...s.routing.queues.keys()]
            .filter((q) => seesQueue(who, q))
            .flatMap((q) => queueView(s.routing, q) ?? []),
        ).pipe(Effect.map((views) => c.json(views))),
      ),
    )
    .post(
      "/",
      doc({
        summary: "Create a queue (R3)",
        tag: "queues",
        roles: ["admin"],
        body: CreateQueueBody,
        status: 201,
      }),
      handle(["admin"], (c, who) =>
        configCommandFromBody(
          c,
          who,
          CreateQueueBody,
          (b, actor) => ({ _tag: "CreateQueue", ...b, actor }),
          201,
        ),
      ),
    )
    .get(
      "/:queueId",
      doc({ summary: "One queue's view (R5)", tag: "queues", roles: READERS }),
      handle(READERS, (c) =>
        Effect.gen(function* () {
          const queueId = param(c, "queueId")
          const view = yield* readView((s) => queueView(s.routing, queueId))
          if (view === undefined)
            return yield* new UnknownEntity({ entity: "queue", id: queueId, field: "queueId" })
          return c.json(view)
        }),
      ),
    )
    .post(
      "/:queueId/members",
      doc({ summary: "Add a member rep (R3)", tag: "queues", roles: ["admin"], body: MemberBody }),
      handle(["admin"], (c, who) =>
        configCommandFromBody(c, who, MemberBody, (b, actor) => ({
          _tag: "AddQueueMember",
          queueId: param(c, "queueId"),
          repId: b.repId,
          actor,
        })),
      ),
    )
    .delete(
      "/:queueId/members/:repId",
      doc({ summary: "Remove a member rep (R3)", tag: "queues", roles: ["admin"] }),
      handle(["admin"], (c, who) =>
        runCommand(c, {
          _tag: "RemoveQueueMember",
          queueId: param(c, "queueId"),
          repId: param(c, "repId"),
          actor: actorOf(who),
        }),
      ),
    )

/** R6: workstreams route incoming calls to queues by rules. */
export const workstreamRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      doc({
        summary: "Workstreams and their route-to-queue rules (R6)",
        tag: "workstreams",
        roles: ["admin", "integrator"],
      }),
      handle(["admin", "integrator"], (c) =>
        readView((s) => [...s.routing.workstreams.values()]).pipe(Effect.map((list) => c.json(list))),
      ),
    )
    .post(
      "/",
      doc({
        summary: "Define a workstream (R6, C2)",
        tag: "workstreams",
        roles: ["admin"],
        body: DefineWorkstreamBody,
        status: 201,
      }),
      handle(["admin"], (c, who) =>
        configCommandFromBody(
          c,
          who,
          DefineWorkstreamBody,
          (b, actor) => ({ _tag: "DefineWorkstream", ...b, actor }),
          201,
        ),
      ),
    )
