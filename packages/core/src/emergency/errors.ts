import { Schema } from "effect"
import type { RoutingError } from "../routing/errors"
import { UNAVAILABLE_REASONS } from "./preconditions"

/**
 * E1/E2: the emergency call cannot be carried; `message` tells the rep to use a local phone.
 * A refused dial is logged for the operator, so the center records it as an accepted command
 * (`EmergencyDialRefused`); `dialOutcome` turns that event into this error for the caller.
 */
export class EmergencyUnavailable extends Schema.TaggedError<EmergencyUnavailable>()("EmergencyUnavailable", {
  /** The command field at fault: `location`, `dialString` or `repId` (the rep's set-up). */
  field: Schema.String,
  /** The first (most basic) reason; `reasons` lists every one that applies. */
  reason: Schema.Literals(UNAVAILABLE_REASONS),
  reasons: Schema.Array(Schema.Literals(UNAVAILABLE_REASONS)),
  message: Schema.String,
}) {}

/** What emergency commands return as errors: the routing classes, each naming a field (N3). */
export type EmergencyError = RoutingError
