import type { CallbackError } from "../callback/errors"
import type { CallError } from "../calls/errors"
import type { EmergencyError } from "../emergency/errors"
import type { RoutingError } from "../routing/errors"

/** Every typed error a center command can return; the API maps each tag to one status. */
export type CenterError = RoutingError | EmergencyError | CallbackError | CallError
