import { Schema } from "effect"
import type { InvalidField, InvalidState, UnknownEntity } from "../kernel/errors"

/**
 * W1, E8: the rep dialled an emergency number through the ordinary dialer (422). Emergency calls
 * have their own flow (E1–E10: the emergency dial), never an ordinary outbound call.
 */
export class EmergencyNumber extends Schema.TaggedError<EmergencyNumber>()("EmergencyNumber", {
  field: Schema.String,
  message: Schema.String,
}) {}

/** What the calls module refuses with: an unknown call, rep or queue; a call in the wrong state. */
export type CallError = UnknownEntity | InvalidField | InvalidState | EmergencyNumber
