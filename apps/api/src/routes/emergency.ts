import { ROUTES } from "@lifeline/client"
import {
  ConfigureCallbackPool,
  ConfigureEmergencyCarrier,
  ConfigureEmergencyRegions,
  callbackPoolView,
  DefineOutboundVoiceProfile,
  DialEmergency,
  EndEmergency,
  emergencyContactsView,
  emergencyReadiness,
  NOTIFICATION_PURPOSE,
  notificationDeliveries,
  notificationTemplateView,
  OPERATOR_LOG_LIMIT,
  previewTemplate,
  repEmergencyView,
  SetEmergencyContacts,
  SetNotificationTemplate,
  SetRepMailbox,
  supervisorEmergencyView,
} from "@lifeline/core/emergency"
import { UnknownEntity } from "@lifeline/core/kernel"
import { Effect, Result, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { readModels } from "../live/read-models"
import { route } from "../openapi"
import { decodeBody } from "../request-body"
import { commandFromBody, configCommandFromBody } from "./body"
import { allDeliveries } from "./deliveries"
import { param, readView } from "./run"

const DialBody = DialEmergency.mapFields(Struct.omit(["_tag", "repId"]))
const EndBody = EndEmergency.mapFields(Struct.omit(["_tag", "repId"]))
const ContactsBody = SetEmergencyContacts.mapFields(Struct.omit(["_tag", "repId", "actor"]))
const MailboxBody = SetRepMailbox.mapFields(Struct.omit(["_tag", "repId", "actor"]))
const TemplateBody = SetNotificationTemplate.mapFields(Struct.omit(["_tag", "actor"]))
const RegionsBody = ConfigureEmergencyRegions.mapFields(Struct.omit(["_tag", "actor"]))
const ProfileBody = DefineOutboundVoiceProfile.mapFields(Struct.omit(["_tag", "actor"]))
const CarrierBody = ConfigureEmergencyCarrier.mapFields(Struct.omit(["_tag", "actor"]))
const PoolBody = ConfigureCallbackPool.mapFields(Struct.omit(["_tag", "actor"]))

const knownRep = (repId: string) =>
  readView((s) => s.routing.reps.has(repId)).pipe(
    Effect.filterOrFail(
      (known) => known,
      () => new UnknownEntity({ entity: "rep", id: repId, field: "repId" }),
    ),
  )

/**
 * E1–E10 for the rep itself (N4: nobody else sees a rep's emergency), E11 and B6 for admins.
 * A dial that cannot be carried is logged for the operator and answered 422 with the reason
 * the rep must see (use a local phone).
 */
export const repEmergencyRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .post(
      "/:repId/emergency",
      route("dialEmergency"),
      // A refused dial fails with its typed error (422), its refusal logged for the operator.
      handle(ROUTES.dialEmergency.roles, (c) =>
        commandFromBody(c, DialBody, (b) => ({ _tag: "DialEmergency", repId: param(c, "repId"), ...b }), 201),
      ),
    )
    .post(
      "/:repId/emergency/end",
      route("endEmergency"),
      handle(ROUTES.endEmergency.roles, (c) =>
        commandFromBody(c, EndBody, (b) => ({ _tag: "EndEmergency", repId: param(c, "repId"), ...b })),
      ),
    )
    .get(
      "/:repId/emergency",
      route("emergencyPanel"),
      handle(ROUTES.emergencyPanel.roles, (c) =>
        readView((s, now) => repEmergencyView(s, param(c, "repId"), now)).pipe(
          Effect.map((view) => c.json(view)),
        ),
      ),
    )
    .get(
      "/:repId/emergency/readiness",
      route("emergencyReadiness"),
      handle(ROUTES.emergencyReadiness.roles, (c) =>
        knownRep(param(c, "repId")).pipe(
          Effect.andThen(readView((s) => emergencyReadiness(s, param(c, "repId")))),
          Effect.map((view) => c.json(view)),
        ),
      ),
    )
    .get(
      "/:repId/emergency-contacts",
      route("emergencyContacts"),
      handle(ROUTES.emergencyContacts.roles, (c) =>
        knownRep(param(c, "repId")).pipe(
          Effect.andThen(readView((s) => emergencyContactsView(s, param(c, "repId")))),
          Effect.map((view) => c.json(view)),
        ),
      ),
    )
    .put(
      "/:repId/emergency-contacts",
      route("setEmergencyContacts"),
      handle(ROUTES.setEmergencyContacts.roles, (c, who) =>
        configCommandFromBody(c, who, ContactsBody, (b, actor) => ({
          _tag: "SetEmergencyContacts",
          repId: param(c, "repId"),
          ...b,
          actor,
        })),
      ),
    )
    .put(
      "/:repId/mailbox",
      route("setMailbox"),
      handle(ROUTES.setMailbox.roles, (c, who) =>
        configCommandFromBody(c, who, MailboxBody, (b, actor) => ({
          _tag: "SetRepMailbox",
          repId: param(c, "repId"),
          ...b,
          actor,
        })),
      ),
    )

/** E1–E5, E11, B6: the tenant's emergency set-up, the template, deliveries and the operator log. */
export const emergencyAdminRoutes = (handle: Handle) =>
  new Hono<AuthEnv>()
    .get(
      "/summary",
      route("emergencySummary"),
      handle(ROUTES.emergencySummary.roles, (c) =>
        readView(supervisorEmergencyView).pipe(Effect.map((v) => c.json(v))),
      ),
    )
    .put(
      "/regions",
      route("setEmergencyRegions"),
      handle(ROUTES.setEmergencyRegions.roles, (c, who) =>
        configCommandFromBody(c, who, RegionsBody, (b, actor) => ({
          _tag: "ConfigureEmergencyRegions",
          ...b,
          actor,
        })),
      ),
    )
    .post(
      "/outbound-profiles",
      route("defineOutboundProfile"),
      handle(ROUTES.defineOutboundProfile.roles, (c, who) =>
        configCommandFromBody(
          c,
          who,
          ProfileBody,
          (b, actor) => ({ _tag: "DefineOutboundVoiceProfile", ...b, actor }),
          201,
        ),
      ),
    )
    .put(
      "/carrier",
      route("setEmergencyCarrier"),
      handle(ROUTES.setEmergencyCarrier.roles, (c, who) =>
        configCommandFromBody(c, who, CarrierBody, (b, actor) => ({
          _tag: "ConfigureEmergencyCarrier",
          ...b,
          actor,
        })),
      ),
    )
    .get(
      "/callback-pool",
      route("callbackPool"),
      handle(ROUTES.callbackPool.roles, (c) =>
        readView((s, now) => callbackPoolView(s, now)).pipe(Effect.map((v) => c.json(v))),
      ),
    )
    .put(
      "/callback-pool",
      route("setCallbackPool"),
      handle(ROUTES.setCallbackPool.roles, (c, who) =>
        configCommandFromBody(c, who, PoolBody, (b, actor) => ({
          _tag: "ConfigureCallbackPool",
          ...b,
          actor,
        })),
      ),
    )
    .get(
      "/template",
      route("emergencyTemplate"),
      handle(ROUTES.emergencyTemplate.roles, (c) =>
        readView(notificationTemplateView).pipe(Effect.map((v) => c.json(v))),
      ),
    )
    .put(
      "/template",
      route("setEmergencyTemplate"),
      handle(ROUTES.setEmergencyTemplate.roles, (c, who) =>
        configCommandFromBody(c, who, TemplateBody, (b, actor) => ({
          _tag: "SetNotificationTemplate",
          ...b,
          actor,
        })),
      ),
    )
    .post(
      "/template/preview",
      route("previewEmergencyTemplate"),
      handle(ROUTES.previewEmergencyTemplate.roles, (c) =>
        decodeBody(c, TemplateBody).pipe(
          Effect.flatMap((draft) => {
            const preview = previewTemplate(draft)
            return Result.isFailure(preview)
              ? Effect.fail(preview.failure)
              : Effect.succeed(c.json(preview.success))
          }),
        ),
      ),
    )
    .get(
      "/notifications",
      route("emergencyNotifications"),
      handle(ROUTES.emergencyNotifications.roles, (c) =>
        // Issue 22: the records from the deliveries read model, each rep from the state's sessions.
        Effect.flatMap(allDeliveries({ purpose: NOTIFICATION_PURPOSE }), (records) =>
          readView((s) => notificationDeliveries(records, s)),
        ).pipe(Effect.map((v) => c.json(v))),
      ),
    )
    .get(
      "/log",
      route("operatorLog"),
      handle(ROUTES.operatorLog.roles, (c) =>
        // Issue 22: from the operator log read model (SQL), not the center's state.
        Effect.flatMap(readModels, ({ operatorLog }) =>
          Effect.andThen(operatorLog.catchUp, operatorLog.latest(OPERATOR_LOG_LIMIT)),
        ).pipe(Effect.map((v) => c.json(v))),
      ),
    )
