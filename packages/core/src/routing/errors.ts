import type { SharedError } from "../kernel/errors"

/** What routing commands answer with: the shared vocabulary, each naming the field (N3). */
export type RoutingError = SharedError
