import { Schema } from "effect"

/** Who may call a route (N4). */
export type Role = "integrator" | "admin" | "supervisor" | "rep"

/** Statuses a route answers when it refuses, beyond those its roles and input imply. */
export type DomainErrorStatus = 404 | 409 | 422

/**
 * Issue 20: ONE definition per route: method, path, roles, input, success reply, the refusals
 * it can answer. The API registers the route from it (validation, the role guard, the OpenAPI
 * operation) and the client calls it with it, so the two cannot drift apart.
 */
export interface RouteDefinition {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** The path as OpenAPI writes it: `/api/reps/{repId}`. */
  readonly path: string
  readonly summary: string
  readonly tag: string
  readonly roles: readonly Role[] | "public"
  /** The JSON body the handler decodes (N3: unknown fields refused). */
  readonly body?: Schema.ConstraintDecoder<unknown>
  /** Optional query parameters, each with its description. */
  readonly query?: Readonly<Record<string, string>>
  /** The success answer, decoded by the client (a string for a text body). */
  readonly reply: Schema.Codec<unknown, unknown>
  /** The answer's media type: JSON unless CSV or an SSE stream. */
  readonly media?: "application/json" | "text/csv" | "text/event-stream"
  readonly status?: 200 | 201
  /**
   * Refusals from the domain: 404 an unknown id (named in the path or the body), 409 a
   * conflict with the current state, 422 an emergency call that cannot be carried.
   */
  readonly errors?: readonly DomainErrorStatus[]
  /** Statuses besides `status` that also mean success (a repeated request answered 200). */
  readonly alsoOk?: readonly (200 | 201)[]
}

/** The routes as a table keyed by operation id, each definition's types kept. */
export const defineRoutes = <const R extends Readonly<Record<string, RouteDefinition>>>(routes: R): R =>
  routes

/** A path's parameter names, in order: `/api/reps/{repId}/offers` -> ["repId"]. */
export const pathParams = (path: string): string[] =>
  [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] as string)

/**
 * Every refusal the API answers: `{ error: { code, message, field?, reasons? } }`. `field` names
 * the input at fault (N3); `reasons` comes with a 422 `EmergencyUnavailable` only (E2: each
 * reason a code the rep's screen acts on).
 */
export const ApiErrorBody = Schema.Struct({
  error: Schema.Struct({
    code: Schema.String.annotate({ description: "What went wrong, e.g. InvalidField, UnknownEntity" }),
    message: Schema.String.annotate({ description: "A sentence for a person" }),
    field: Schema.optionalKey(Schema.String.annotate({ description: "The input at fault (N3)" })),
    reasons: Schema.optionalKey(
      Schema.Array(Schema.String).annotate({
        description: "EmergencyUnavailable (422) only: every reason the call cannot be carried (E2)",
      }),
    ),
  }),
}).annotate({ identifier: "ApiError", description: "Every refusal the API answers" })

export type ApiErrorBody = typeof ApiErrorBody.Type
