import { Schema, SchemaIssue } from "effect"
import { Audited, type AuditStamp } from "../audit/actor"

/**
 * Building blocks of the modules' event schemas (issue 22, Build 2; docs/events.md). This file
 * imports no module, so every module's events.ts may use it.
 */

/**
 * What a configuration event records for the audit trail. Its time is null for a change stored
 * before 6cdb46b, whose events had no `at` (stored shape 1; the load's upcast makes it null).
 */
export const AuditStampFields = { at: Schema.NullOr(Schema.Number), ...Audited }

/** The configuration events that carry the stamp (the shape-1 to shape-2 upcast fills their `at`). */
export const STAMPED_EVENT_TAGS = [
  "QueueCreated",
  "QueueMemberAdded",
  "QueueMemberRemoved",
  "WorkstreamDefined",
  "EmergencyRegionsConfigured",
  "OutboundVoiceProfileDefined",
  "EmergencyCarrierConfigured",
  "CallbackPoolConfigured",
  "EmergencyContactsSet",
  "RepMailboxSet",
  "NotificationTemplateSet",
] as const

/**
 * True when A and B are the same type (readonly and optional keys included). An event schema
 * that restates a domain type kept elsewhere (e.g. QueueConfig) is checked with it, so the two
 * cannot drift apart unnoticed.
 */
export type SameShape<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

const stampIsAuditStamp: SameShape<Schema.Struct.Type<typeof AuditStampFields>, AuditStamp> = true
void stampIsAuditStamp

/** The first thing a Schema found wrong: where (`.settings.rules[0].condition`) and what. */
export interface SchemaProblem {
  /** The field path from the decoded value's root, e.g. `.capacity.voice` ("" for the root). */
  readonly path: string
  readonly message: string
}

const formatIssue = SchemaIssue.makeFormatterStandardSchemaV1()

/** A Schema issue as its first problem, the path written as in JavaScript (`.a[0].b`). */
export const firstProblem = (issue: SchemaIssue.Issue): SchemaProblem => {
  const [first] = formatIssue(issue).issues
  const path = (first?.path ?? [])
    .map((segment) => (typeof segment === "object" ? segment.key : segment))
    .map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`))
    .join("")
  return { path, message: first?.message ?? "invalid" }
}
