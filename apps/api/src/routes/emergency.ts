import {
  Center,
  ConfigureCallbackPool,
  ConfigureEmergencyCarrier,
  ConfigureEmergencyRegions,
  callbackPoolView,
  DefineOutboundVoiceProfile,
  DialEmergency,
  dialOutcome,
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
  UnknownEntity,
} from "@lifeline/core"
import { Effect, Result, Struct } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Handle } from "../handle"
import { readModels } from "../live/read-models"
import { doc } from "../openapi"
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
      doc({
        summary: "The rep dialled an emergency number (E1–E5, E9)",
        tag: "emergency",
        roles: ["rep"],
        body: DialBody,
        status: 201,
      }),
      handle(["rep"], (c) =>
        Effect.gen(function* () {
          const repId = param(c, "repId")
          const body = yield* decodeBody(c, DialBody)
          const center = yield* Center
          const events = yield* center.execute({ _tag: "DialEmergency", repId, ...body })
          const outcome = dialOutcome(events)
          if (outcome?._tag === "Refused") return yield* outcome.error
          return c.json(outcome ?? null, 201)
        }),
      ),
    )
    .post(
      "/:repId/emergency/end",
      doc({
        summary: "The rep ended the emergency call: presence returns (E10)",
        tag: "emergency",
        roles: ["rep"],
        body: EndBody,
      }),
      handle(["rep"], (c) =>
        commandFromBody(c, EndBody, (b) => ({ _tag: "EndEmergency", repId: param(c, "repId"), ...b })),
      ),
    )
    .get(
      "/:repId/emergency",
      doc({ summary: "The rep's own emergency panel, or null (E7)", tag: "emergency", roles: ["rep"] }),
      handle(["rep"], (c) =>
        readView((s, now) => repEmergencyView(s, param(c, "repId"), now)).pipe(
          Effect.map((view) => c.json(view)),
        ),
      ),
    )
    .get(
      "/:repId/emergency/readiness",
      doc({
        summary: "What would block an emergency call for this rep (E2, E3)",
        tag: "emergency",
        roles: ["rep", "admin"],
      }),
      handle(["rep", "admin"], (c) =>
        knownRep(param(c, "repId")).pipe(
          Effect.andThen(readView((s) => emergencyReadiness(s, param(c, "repId")))),
          Effect.map((view) => c.json(view)),
        ),
      ),
    )
    .get(
      "/:repId/emergency-contacts",
      doc({ summary: "A rep's emergency contacts (E9, E11)", tag: "emergency-admin", roles: ["admin"] }),
      handle(["admin"], (c) =>
        knownRep(param(c, "repId")).pipe(
          Effect.andThen(readView((s) => emergencyContactsView(s, param(c, "repId")))),
          Effect.map((view) => c.json(view)),
        ),
      ),
    )
    .put(
      "/:repId/emergency-contacts",
      doc({
        summary: "Set a rep's emergency contacts: addresses separated by semicolons (E9, E11)",
        tag: "emergency-admin",
        roles: ["admin"],
        body: ContactsBody,
      }),
      handle(["admin"], (c, who) =>
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
      doc({
        summary: "Enable or disable a rep's mailbox for notifications (E2)",
        tag: "emergency-admin",
        roles: ["admin"],
        body: MailboxBody,
      }),
      handle(["admin"], (c, who) =>
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
      doc({
        summary: "How many emergency calls are active (a count only: E8, N4)",
        tag: "emergency",
        roles: ["supervisor", "admin"],
      }),
      handle(["supervisor", "admin"], (c) =>
        readView(supervisorEmergencyView).pipe(Effect.map((v) => c.json(v))),
      ),
    )
    .put(
      "/regions",
      doc({
        summary: "Replace the region/number table (E1)",
        tag: "emergency-admin",
        roles: ["admin"],
        body: RegionsBody,
      }),
      handle(["admin"], (c, who) =>
        configCommandFromBody(c, who, RegionsBody, (b, actor) => ({
          _tag: "ConfigureEmergencyRegions",
          ...b,
          actor,
        })),
      ),
    )
    .post(
      "/outbound-profiles",
      doc({
        summary: "Define an outbound voice profile (E2)",
        tag: "emergency-admin",
        roles: ["admin"],
        body: ProfileBody,
        status: 201,
      }),
      handle(["admin"], (c, who) =>
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
      doc({
        summary: "Calling-plan numbers and direct-routing rules (E3)",
        tag: "emergency-admin",
        roles: ["admin"],
        body: CarrierBody,
      }),
      handle(["admin"], (c, who) =>
        configCommandFromBody(c, who, CarrierBody, (b, actor) => ({
          _tag: "ConfigureEmergencyCarrier",
          ...b,
          actor,
        })),
      ),
    )
    .get(
      "/callback-pool",
      doc({
        summary: "Callback numbers and which are leased until when (E5)",
        tag: "emergency-admin",
        roles: ["admin"],
      }),
      handle(["admin"], (c) =>
        readView((s, now) => callbackPoolView(s, now)).pipe(Effect.map((v) => c.json(v))),
      ),
    )
    .put(
      "/callback-pool",
      doc({
        summary: "Configure the callback pool, overflow number and fallback reps (E5, B5)",
        tag: "emergency-admin",
        roles: ["admin"],
        body: PoolBody,
      }),
      handle(["admin"], (c, who) =>
        configCommandFromBody(c, who, PoolBody, (b, actor) => ({
          _tag: "ConfigureCallbackPool",
          ...b,
          actor,
        })),
      ),
    )
    .get(
      "/template",
      doc({
        summary: "The emergency notification template and its placeholders (E9, E11)",
        tag: "emergency-admin",
        roles: ["admin"],
      }),
      handle(["admin"], (c) => readView(notificationTemplateView).pipe(Effect.map((v) => c.json(v)))),
    )
    .put(
      "/template",
      doc({
        summary: "Save the template; unknown placeholders are refused (E11)",
        tag: "emergency-admin",
        roles: ["admin"],
        body: TemplateBody,
      }),
      handle(["admin"], (c, who) =>
        configCommandFromBody(c, who, TemplateBody, (b, actor) => ({
          _tag: "SetNotificationTemplate",
          ...b,
          actor,
        })),
      ),
    )
    .post(
      "/template/preview",
      doc({
        summary: "Preview a draft template with sample values (E11); changes nothing",
        tag: "emergency-admin",
        roles: ["admin"],
        body: TemplateBody,
      }),
      handle(["admin"], (c) =>
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
      doc({
        summary: "Emergency notification delivery status (B6), without content",
        tag: "emergency-admin",
        roles: ["admin"],
      }),
      handle(["admin"], (c) =>
        // Issue 22: the records from the deliveries read model, each rep from the state's sessions.
        Effect.flatMap(allDeliveries({ purpose: NOTIFICATION_PURPOSE }), (records) =>
          readView((s) => notificationDeliveries(records, s)),
        ).pipe(Effect.map((v) => c.json(v))),
      ),
    )
    .get(
      "/log",
      doc({
        summary: "Operator log: refused attempts, carrier decisions, unanswered PSAP callbacks (E1, E3, B5)",
        tag: "emergency-admin",
        roles: ["admin"],
      }),
      handle(["admin"], (c) =>
        // Issue 22: from the operator log read model (SQL), not the center's state.
        Effect.flatMap(readModels, ({ operatorLog }) =>
          Effect.andThen(operatorLog.catchUp, operatorLog.latest(OPERATOR_LOG_LIMIT)),
        ).pipe(Effect.map((v) => c.json(v))),
      ),
    )
