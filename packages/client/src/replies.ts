import { OverflowSettings } from "@lifeline/core/callback"
import { Disposition } from "@lifeline/core/calls"
import { HISTORY_OUTCOMES } from "@lifeline/core/history"
import { BasePresence } from "@lifeline/core/routing"
import { Schema } from "effect"

/**
 * Issue 20: what each route answers, as Effect schemas. The API documents its replies with them
 * (OpenAPI), the contract tests check real answers against that document, and the client
 * decodes every answer with them. Times are epoch milliseconds unless the field says ISO.
 * Values the domain keeps open (an overflow rule's settings, an audited value before and after)
 * are documented as JSON objects without a closed shape.
 */

const Str = Schema.String
// Finite: JSON has no NaN or Infinity, so the document says a plain number.
// JSON has no NaN nor Infinity: a finite number is what the document states and a client decodes.
const Num = Schema.Finite
const NullableStr = Schema.NullOr(Str)
const NullableNum = Schema.NullOr(Num)
const Strings = Schema.Array(Str)

/** A JSON object whose fields the domain owns (documented by the route that sets it). */
export const JsonObject = Schema.Record(Str, Schema.Json)

const withId = <S extends Schema.Top>(id: string, description: string, schema: S): S =>
  schema.annotate({ identifier: id, description }) as S

export const Presence = withId(
  "Presence",
  "R1: a presence a rep can pick, mapped to its base presence.",
  Schema.Struct({ presenceId: Str, label: Str, base: BasePresence }),
)

export const Rep = withId(
  "Rep",
  "R1, R2: a rep, its presence, capacity per profile and queues.",
  Schema.Struct({
    repId: Str,
    name: Str,
    presenceId: Str,
    base: BasePresence,
    capacity: Schema.Record(Str, Schema.Struct({ total: Num, used: Num })),
    queues: Strings,
  }),
)

const CallKind = Schema.Literals(["call", "callback"])

/** Issue 19: a callback's customer number and when the customer asked; null for a call. */
const CallbackFacts = Schema.NullOr(
  withId(
    "CallbackFacts",
    "Issue 19: the customer's number and when the customer asked for the callback (the rep's own offer or work).",
    Schema.Struct({ number: Str, requestedAt: Num }),
  ),
)

export const Offer = withId(
  "Offer",
  "R4, C5: an offer ringing for a rep, a call or a callback.",
  Schema.Struct({
    offerId: Str,
    itemId: Str,
    queueId: Str,
    repId: Str,
    kind: CallKind,
    at: Num,
    expiresAt: Num,
    attributes: Schema.Record(Str, Str),
    callback: CallbackFacts,
  }),
)

export const Work = withId(
  "Work",
  "Work a rep accepted and has not completed.",
  Schema.Struct({ itemId: Str, queueId: Str, kind: CallKind, acceptedAt: Num, callback: CallbackFacts }),
)

export const OfferAnswered = withId(
  "OfferAnswered",
  "R4: the offer as it rang, the rep's answer, and the work it became (null when declined).",
  Schema.Struct({
    answer: Schema.Literals(["accepted", "declined"]),
    offer: Offer,
    work: Schema.NullOr(Work),
  }),
)

export const Queue = withId(
  "Queue",
  "R5: a queue's live view: waiting, staffing, average handle time and EWT (null: no member can take work).",
  Schema.Struct({
    queueId: Str,
    name: Str,
    waiting: Num,
    staffed: Num,
    free: Num,
    ahtMs: Num,
    ewtMs: NullableNum,
    repsByPresence: Schema.Record(BasePresence, Num),
  }),
)

export const Position = withId(
  "Position",
  "R3, R5: an item's place in its queue (null unless waiting) and its EWT.",
  Schema.Struct({
    itemId: Str,
    queueId: Str,
    status: Str,
    position: NullableNum,
    ewtMs: NullableNum,
    effectivePriority: Num,
  }),
)

export const Overflow = Schema.NullOr(OverflowSettings)

// Issue 20: what the command routes answer, each the resource or result the command changed.

export const WorkCompleted = withId(
  "WorkCompleted",
  "R4: the work a rep completed; the item has left routing.",
  Schema.Struct({ itemId: Str, queueId: Str, repId: Str, status: Schema.Literal("completed") }),
)

export const QueueMembers = withId(
  "QueueMembers",
  "R5: the reps serving a queue after a membership change.",
  Schema.Struct({ queueId: Str, members: Strings }),
)

export const DeliveryRetried = withId(
  "DeliveryRetried",
  "B6: a message's delivery once its retry is asked (pending: it leaves with the next dispatch).",
  Schema.Struct({
    messageId: Str,
    status: Schema.Literals(["pending", "sent", "retrying", "failed", "cancelled"]),
    attempts: Num,
    retryAt: NullableNum,
  }),
)

export const CallbackRequested = withId(
  "CallbackRequested",
  "C7: the callback scheduled, or (B3, `joined`) the pending one for the same number and queue.",
  Schema.Struct({ callbackId: Str, joined: Schema.Boolean }),
)

export const Callback = withId(
  "Callback",
  "C7, C8, B1: a pending callback.",
  Schema.Struct({
    callbackId: Str,
    number: Str,
    queueId: Str,
    source: Schema.Literals(["in_queue", "scheduled"]),
    status: Schema.Literals(["scheduled", "queued", "dialing", "connected", "retry_wait"]),
    position: NullableNum,
    attempts: Num,
    requestedAt: Num,
    window: Schema.NullOr(Schema.Struct({ start: Num, end: Num })),
    retryAt: NullableNum,
    deadline: Num,
    joined: Num,
  }),
)

/** Issue 20 (SPEC I2): a callback after it closed, from call history, with how it ended. */
export const ClosedCallback = withId(
  "ClosedCallback",
  "I2: a callback that closed (served, expired, closed after its attempts, joined, cancelled), from call history; times in epoch ms.",
  Schema.Struct({
    callbackId: Str,
    number: Schema.NullOr(Str),
    queueId: Str,
    status: Schema.Literal("closed"),
    outcome: Str,
    endReason: Schema.NullOr(Str),
    attempts: Num,
    requestedAt: Num,
    answeredAt: NullableNum,
    endedAt: NullableNum,
    repId: Schema.NullOr(Str),
  }),
)

export const Workstream = withId(
  "Workstream",
  "R6: a workstream and its route-to-queue rules, as defined (POST /api/workstreams).",
  JsonObject,
)

const CarrierPath = Schema.Union([
  Schema.Struct({ _tag: Schema.Literal("CallingPlan") }),
  Schema.Struct({ _tag: Schema.Literal("DirectOffer") }),
  Schema.Struct({ _tag: Schema.Literal("DirectRouting"), ruleId: Str, carrier: Str }),
])

export const EmergencyStarted = withId(
  "EmergencyStarted",
  "E1–E5, E9: the emergency call may be placed: the calling number, the carrier path, the callback number leased for 60 minutes and what became of the notification.",
  Schema.Struct({
    _tag: Schema.Literal("Started"),
    sessionId: Str,
    test: Schema.Boolean,
    callingNumber: Str,
    carrierPath: CarrierPath,
    callbackNumber: NullableStr,
    callbackUntil: NullableNum,
    notification: Schema.Literals([
      "queued",
      "test_call",
      "already_notified",
      "mailbox_disabled",
      "no_contacts",
    ]),
  }),
)

export const EmergencyPanel = Schema.NullOr(
  withId(
    "EmergencyPanel",
    "E7: the rep's own panel during its emergency call.",
    Schema.Struct({
      sessionId: Str,
      since: Num,
      alert: Schema.Literal("An emergency call is in progress"),
      actions: Schema.Tuple([Schema.Literal("device_settings"), Schema.Literal("end_call")]),
      test: Schema.Boolean,
      dialledNumber: NullableStr,
      callbackNumber: NullableStr,
      callbackUntil: NullableNum,
      psapCallback: Schema.Boolean,
      /** W5: when the rep's own call dropped; the session then waits for the PSAP's callback. */
      droppedAt: NullableNum,
    }),
  ),
)

export const EmergencyReadiness = withId(
  "EmergencyReadiness",
  "E2, E3: what would block an emergency call for this rep, and the path each region's call would take.",
  Schema.Struct({
    repId: Str,
    blocking: Strings,
    outboundProfileId: NullableStr,
    carrierPaths: Schema.Array(Schema.Struct({ region: Str, number: Str, path: Schema.NullOr(CarrierPath) })),
    notification: Schema.Struct({
      contacts: Num,
      mailboxEnabled: Schema.Boolean,
      issues: Schema.Array(Schema.Literals(["no_contacts", "mailbox_disabled"])),
    }),
  }),
)

export const EmergencyContacts = withId(
  "EmergencyContacts",
  "E9, E11: a rep's emergency contacts and whether its mailbox sends notifications.",
  Schema.Struct({ repId: Str, contacts: Strings, mailboxEnabled: Schema.Boolean }),
)

export const EmergencyEnded = withId(
  "EmergencyEnded",
  "E10: the session the end closed (null: none was up, a repeat) and the presence the rep is back in.",
  Schema.Struct({ repId: Str, sessionId: NullableStr, presenceId: Str, base: BasePresence }),
)

export const EmergencyRegions = withId(
  "EmergencyRegions",
  "E1: the region table as stored: each region's emergency and test numbers, zone and locale.",
  Schema.Struct({
    regions: Schema.Array(
      Schema.Struct({
        region: Str,
        name: Str,
        aliases: Strings,
        timeZone: Str,
        locale: Str,
        emergencyNumbers: Strings,
        testNumbers: Strings,
      }),
    ),
  }),
)

export const OutboundProfile = withId(
  "OutboundProfile",
  "E2: an outbound voice profile as stored: the calling number reps of its capacity profiles call from.",
  Schema.Struct({ profileId: Str, name: Str, callingNumber: Str, capacityProfiles: Strings }),
)

export const EmergencyCarrier = withId(
  "EmergencyCarrier",
  "E3: the carrier settings as stored: calling-plan numbers and direct-routing rules.",
  Schema.Struct({
    callingPlanNumbers: Strings,
    directRoutingRules: Schema.Array(Schema.Struct({ ruleId: Str, pattern: Str, carrier: Str })),
  }),
)

export const EmergencySummary = withId(
  "EmergencySummary",
  "E8, N4: how many emergency calls are active, a count only.",
  Schema.Struct({ activeEmergencies: Num }),
)

export const CallbackPool = withId(
  "CallbackPool",
  "E5, B5: the callback numbers and which are leased until when (never who holds them).",
  Schema.Struct({
    size: Num,
    leased: Num,
    overflowNumber: NullableStr,
    fallbackRepIds: Strings,
    numbers: Schema.Array(Schema.Struct({ number: Str, leasedUntil: NullableNum })),
  }),
)

export const Template = withId(
  "Template",
  "E9, E11: the notification template and the placeholders it may use.",
  Schema.Struct({ subject: Str, body: Str, placeholders: Schema.Record(Str, Str) }),
)

export const TemplatePreview = withId(
  "TemplatePreview",
  "E11: a draft rendered with sample values.",
  Schema.Struct({ subject: Str, text: Str }),
)

const DeliveryStatus = Schema.Literals(["pending", "sent", "retrying", "failed", "cancelled"])
const DeliveryAttempt = Schema.Struct({
  attempt: Num,
  at: Num,
  outcome: Schema.Literals(["sent", "failed", "cancelled"]),
  reason: NullableStr,
})

export const NotificationDelivery = withId(
  "NotificationDelivery",
  "B6: an emergency notification's delivery, without its content.",
  Schema.Struct({
    messageId: Str,
    sessionId: Str,
    repId: NullableStr,
    to: Strings,
    status: DeliveryStatus,
    attempts: Num,
    retryAt: NullableNum,
    queuedAt: Num,
    history: Schema.Array(DeliveryAttempt),
  }),
)

export const Delivery = withId(
  "Delivery",
  "B6: what became of one message Lifeline sent or tried to send.",
  Schema.Struct({
    messageId: Str,
    purpose: Str,
    ref: Str,
    channel: Schema.Literals(["email", "telephony"]),
    to: Strings,
    status: DeliveryStatus,
    attempts: Num,
    retryAt: NullableNum,
    queuedAt: Num,
    history: Schema.Array(DeliveryAttempt),
  }),
)

export const OperatorLogEntry = withId(
  "OperatorLogEntry",
  "E1, E3, B5: a refused attempt, a carrier decision or an unanswered PSAP callback, by stream position.",
  Schema.Struct({
    seq: Num,
    record: Schema.StructWithRest(Schema.Struct({ _tag: Str }), [Schema.Record(Str, Schema.Json)]),
  }),
)

export const HistoryRecord = withId(
  "HistoryRecord",
  "E8, W1: one routed work item, or an ordinary outbound call a rep placed (never an emergency call).",
  Schema.Struct({
    itemId: Str,
    queueId: Str,
    workstreamId: NullableStr,
    priority: Num,
    from: NullableStr,
    to: NullableStr,
    arrivedAt: Num,
    outcome: Schema.Literals(HISTORY_OUTCOMES),
    repId: NullableStr,
    offers: Num,
    refusals: Num,
    answeredAt: NullableNum,
    endedAt: NullableNum,
    handleMs: NullableNum,
    kind: CallKind,
    endReason: NullableStr,
    attempts: Num,
    joinedInto: NullableStr,
    transferredFrom: NullableStr,
    /** W1: routed work, or an ordinary call a rep placed (in no queue: `queueId` is empty). */
    direction: Schema.Literals(["inbound", "outbound"]),
    /** W1: the disposition of the rep's wrap-up; the notes are not in history. */
    disposition: Schema.NullOr(Disposition),
  }),
)

export const QueueAnalytics = withId(
  "QueueAnalytics",
  "E8: one queue's figures over call history.",
  Schema.Struct({
    queueId: Str,
    calls: Num,
    answered: Num,
    completed: Num,
    abandoned: Num,
    escalated: Num,
    averageWaitMs: NullableNum,
    averageHandleMs: NullableNum,
    callbacks: Num,
    /** Only the outcomes that occur. */
    outcomes: Schema.Record(Str, Num),
  }),
)

const Actor = Schema.Struct({ role: Str, name: Str })

export const AuditPage = withId(
  "AuditPage",
  "Issue 9: configuration changes in the order asked for; `next` is the cursor of the next page.",
  Schema.Struct({
    entries: Schema.Array(
      Schema.Struct({
        seq: Num,
        at: NullableStr,
        actor: Schema.NullOr(Actor),
        kind: Str,
        target: Str,
        before: Schema.Json,
        after: Schema.Json,
      }),
    ),
    next: NullableNum,
  }),
)

export const SignInAuditPage = withId(
  "SignInAuditPage",
  "Issue 21: sign-ins, sign-outs, failures, sessions ended and keys created or revoked.",
  Schema.Struct({
    entries: Schema.Array(
      Schema.StructWithRest(Schema.Struct({ seq: Num, at: Str, kind: Str }), [
        Schema.Record(Str, Schema.Json),
      ]),
    ),
    next: NullableNum,
  }),
)

/** Whom a session or key stands for (N4): a rep names its rep, a supervisor its queues ("*": all). */
const Principal = {
  role: Schema.Literals(["integrator", "admin", "supervisor", "rep"]),
  name: Str,
  repId: Schema.optionalKey(Str),
  queues: Schema.optionalKey(Schema.Union([Schema.Literal("*"), Strings])),
}

export const Session = withId(
  "Session",
  "Issue 21: a person's session, never its secret; times in ISO 8601.",
  Schema.Struct({
    sessionId: Str,
    person: Str,
    ...Principal,
    source: Str,
    createdAt: NullableStr,
    lastSeenAt: NullableStr,
    expiresAt: NullableStr,
    endedAt: NullableStr,
    endedReason: NullableStr,
  }),
)

export const Sessions = Schema.Struct({ sessions: Schema.Array(Session) })

const keyFields = {
  keyId: Str,
  ...Principal,
  createdAt: NullableStr,
  createdBy: NullableStr,
  lastUsedAt: NullableStr,
  revokedAt: NullableStr,
  revokedBy: NullableStr,
}

export const ApiKey = withId(
  "ApiKey",
  "Issue 21: an API key as admins list it, never the key nor its hash; times in ISO 8601.",
  Schema.Struct(keyFields),
)

export const ApiKeys = Schema.Struct({ keys: Schema.Array(ApiKey) })

export const NewApiKey = withId(
  "NewApiKey",
  "Issue 21: the key created; `key` is shown in this answer only.",
  Schema.Struct({ ...keyFields, key: Str }),
)

export const SimulatedCall = withId(
  "SimulatedCall",
  "The local demo's simulated provider: one call's state.",
  Schema.Struct({
    callId: Str,
    direction: Str,
    state: Str,
    from: Str,
    to: Str,
    redirectedTo: NullableStr,
    reps: Strings,
    hearing: NullableStr,
  }),
)

/** A text body (CSV, an event stream): documented by its media type, not decoded. */
export const Text = Str
