import type { AlreadyExists, InvalidField, InvalidState, UnknownEntity } from "../kernel/errors"

/**
 * Callback commands answer with the routing errors, which name the field (N3): an unknown queue,
 * a taken callback id, a number that is not dialable (B2), a queue without reps (C9).
 */
export type CallbackError = UnknownEntity | AlreadyExists | InvalidField | InvalidState
