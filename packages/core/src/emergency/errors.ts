import { Schema } from "effect"
import type { SharedError } from "../kernel/errors"

/**
 * E1/E2: why an emergency call cannot be placed through Lifeline. Each one blocks the call: the
 * rep is told at once to use a local phone, and the attempt is logged for the operator. Missing
 * email set-up (a disabled mailbox, no contacts) never blocks the call; it only stops the email.
 */
export const UNAVAILABLE_REASONS = [
  "location_unknown",
  "unsupported_region",
  "not_emergency_number_in_region",
  "no_outbound_voice_profile",
  "no_carrier_path",
] as const
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number]

/**
 * E1/E2: the emergency call cannot be carried; `message` tells the rep to use a local phone.
 * A refused dial is logged for the operator, so its `EmergencyDialRefused` event is appended,
 * and the dial's decision replies with this error (dial-outcome.ts) for the driver to answer.
 */
export class EmergencyUnavailable extends Schema.TaggedError<EmergencyUnavailable>()("EmergencyUnavailable", {
  /** The command field at fault: `location`, `dialString` or `repId` (the rep's set-up). */
  field: Schema.String,
  /** The first (most basic) reason; `reasons` lists every one that applies. */
  reason: Schema.Literals(UNAVAILABLE_REASONS),
  reasons: Schema.Array(Schema.Literals(UNAVAILABLE_REASONS)),
  message: Schema.String,
}) {}

/** What emergency commands return as errors: the shared vocabulary, each naming a field (N3). */
export type EmergencyError = SharedError
