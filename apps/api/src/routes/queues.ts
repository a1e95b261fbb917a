import { ROUTES } from "@lifeline/client"
import { Id } from "@lifeline/core/ids"
import { UnknownEntity } from "@lifeline/core/kernel"
import { CreateQueue, DefineWorkstream, queueView } from "@lifeline/core/routing"
import { Effect, Schema, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import { seesQueue } from "../auth/principal"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { actorOf, configCommandFromBody } from "./body"
import { param, readView, runCommand } from "./run"

const CreateQueueBody = CreateQueue.mapFields(Struct.omit(["_tag", "actor"]))
const MemberBody = Schema.Struct({ repId: Id })
const DefineWorkstreamBody = DefineWorkstream.mapFields(Struct.omit(["_tag", "actor"]))

/**
 * R3, R5: queues with their live view (waiting, staffing, EWT); admins configure them. A
 * supervisor names only its queues (auth/authorize.ts) and lists only them; a rep lists the
 * queues it is a member of.
 */
export const queueRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      route("queues"),
      handle(ROUTES.queues.roles, (c, who) =>
        readView((s) => {
          // Issue 19: a rep reads its own queues (their names on its page), no others.
          const memberOf = who.role === "rep" ? s.routing.reps.get(who.repId)?.memberships : undefined
          return [...s.routing.queues.keys()]
            .filter((q) => (who.role === "rep" ? memberOf?.has(q) === true : seesQueue(who, q)))
            .flatMap((q) => queueView(s.routing, q) ?? [])
        }).pipe(Effect.map((views) => c.json(views))),
      ),
    )
    .post(
      "/",
      route("createQueue"),
      handle(ROUTES.createQueue.roles, (c, who) =>
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
      route("queue"),
      handle(ROUTES.queue.roles, (c) =>
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
      route("addMember"),
      handle(ROUTES.addMember.roles, (c, who) =>
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
      route("removeMember"),
      handle(ROUTES.removeMember.roles, (c, who) =>
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
      route("workstreams"),
      handle(ROUTES.workstreams.roles, (c) =>
        readView((s) => [...s.routing.workstreams.values()]).pipe(Effect.map((list) => c.json(list))),
      ),
    )
    .post(
      "/",
      route("defineWorkstream"),
      handle(ROUTES.defineWorkstream.roles, (c, who) =>
        configCommandFromBody(
          c,
          who,
          DefineWorkstreamBody,
          (b, actor) => ({ _tag: "DefineWorkstream", ...b, actor }),
          201,
        ),
      ),
    )
