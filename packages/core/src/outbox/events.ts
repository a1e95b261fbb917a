import { Schema } from "effect"
import type { SameShape } from "../center/event-schemas"
import type { Mail } from "../ports/mailer"
import { type TelephonyAction, TelephonyActionSchema } from "../ports/telephony"
import type { OutboxMessage } from "./message"

/** The stored shape of a side effect (OutboxMessage; the check below keeps them equal). */
const MailSchema = Schema.Struct({
  to: Schema.Array(Schema.String),
  subject: Schema.String,
  text: Schema.String,
})
const OutboxMessageSchema = Schema.Union([
  Schema.TaggedStruct("Email", { mail: MailSchema }),
  Schema.TaggedStruct("Telephony", { action: TelephonyActionSchema }),
])

/** The outbox's events, as Effect Schemas by tag (issue 22, Build 2; docs/events.md). */
export const OutboxEventSchemas = {
  OutboxQueued: Schema.TaggedStruct("OutboxQueued", {
    messageId: Schema.String,
    message: OutboxMessageSchema,
    purpose: Schema.String,
    ref: Schema.String,
    at: Schema.Number,
  }),
  OutboxSent: Schema.TaggedStruct("OutboxSent", {
    messageId: Schema.String,
    providerId: Schema.NullOr(Schema.String),
    attempt: Schema.Number,
    at: Schema.Number,
  }),
  OutboxFailed: Schema.TaggedStruct("OutboxFailed", {
    messageId: Schema.String,
    reason: Schema.String,
    attempt: Schema.Number,
    /** When it will be tried again; null when it will not (not retryable, or out of attempts). */
    retryAt: Schema.NullOr(Schema.Number),
    at: Schema.Number,
  }),
  OutboxRetryDue: Schema.TaggedStruct("OutboxRetryDue", { messageId: Schema.String, at: Schema.Number }),
  /** The module that queued it no longer wants it sent (e.g. a callback dial given up on). */
  OutboxCancelled: Schema.TaggedStruct("OutboxCancelled", {
    messageId: Schema.String,
    reason: Schema.String,
    at: Schema.Number,
  }),
} as const

export type OutboxEvent = (typeof OutboxEventSchemas)[keyof typeof OutboxEventSchemas]["Type"]

export const OUTBOX_EVENT_TAGS: ReadonlySet<string> = new Set(Object.keys(OutboxEventSchemas))

const sameShapes: [
  SameShape<typeof MailSchema.Type, Mail>,
  SameShape<typeof TelephonyActionSchema.Type, TelephonyAction>,
  SameShape<typeof OutboxMessageSchema.Type, OutboxMessage>,
] = [true, true, true]
void sameShapes
