import { Schema } from "effect"
import { IssuedId } from "../ids"

/** Message ids are Lifeline's own, e.g. `callback/cb-7/dial/2`. */
const Id = IssuedId

export const DeliveryOutcome = Schema.Union([
  Schema.TaggedStruct("Sent", { providerId: Schema.NullOr(Schema.String) }),
  Schema.TaggedStruct("Failed", { reason: Schema.String, retryable: Schema.Boolean }),
])

/** The dispatcher reports what the provider said about one attempt. */
export const RecordDelivery = Schema.TaggedStruct("RecordDelivery", {
  messageId: Id,
  outcome: DeliveryOutcome,
})

/** A retry timer came due, or an admin asks to try a failed message again now (B6). */
export const RetryDelivery = Schema.TaggedStruct("RetryDelivery", { messageId: Id })

export const OutboxCommand = Schema.Union([RecordDelivery, RetryDelivery])
export type OutboxCommand = typeof OutboxCommand.Type
