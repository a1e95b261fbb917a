import type { CenterError, EmergencyUnavailable, StoreUnavailable } from "@lifeline/core"
import { Schema, SchemaAST, SchemaIssue } from "effect"
import type { Context } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import type { Forbidden, Unauthenticated } from "./auth/principal"

/** The request body is not JSON, or not a JSON object. */
export class InvalidBody extends Schema.TaggedError<InvalidBody>()("InvalidBody", {
  message: Schema.String,
}) {}

/** Everything a handler may fail with; each tag has exactly one status below. */
export type ApiError =
  | CenterError
  | StoreUnavailable
  | Schema.SchemaError
  | InvalidBody
  | Unauthenticated
  | Forbidden
  | EmergencyUnavailable

export interface ErrorBody {
  readonly error: {
    readonly code: string
    readonly message: string
    readonly field?: string
    /** E2: why an emergency call cannot be carried, as a code the UI can act on. */
    readonly reasons?: readonly string[]
  }
}

const STATUS: Record<ApiError["_tag"], ContentfulStatusCode> = {
  UnknownEntity: 404,
  AlreadyExists: 409,
  InvalidField: 400,
  InvalidState: 409,
  NotYours: 403,
  SchemaError: 400,
  InvalidBody: 400,
  StoreUnavailable: 503,
  Unauthenticated: 401,
  Forbidden: 403,
  EmergencyUnavailable: 422,
}

/** `["rules", 0, "queueId"]` -> `rules[0].queueId`, the form core uses in its own errors. */
const fieldPath = (path: readonly PropertyKey[]): string =>
  path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join("")

/** The names a struct declares: what an unexpected key could have been. */
const declaredKeys = (ast: SchemaAST.AST): string =>
  SchemaAST.isObjects(ast)
    ? ast.propertySignatures.map((p) => JSON.stringify(String(p.name))).join(" | ")
    : ""

/**
 * A missing or unexpected key reads as a sentence about the field ("itemId is missing"); any
 * other issue keeps Effect's message, which names what was expected and what was given.
 */
const formatIssue = SchemaIssue.makeFormatterStandardSchemaV1({
  leafHook: (issue) => {
    switch (issue._tag) {
      case "MissingKey":
        return "is missing"
      case "UnexpectedKey": {
        const expected = declaredKeys(issue.ast)
        return expected === "" ? "is unexpected" : `is unexpected, expected: ${expected}`
      }
      default:
        return SchemaIssue.defaultLeafHook(issue)
    }
  },
})

const schemaErrorBody = (error: Schema.SchemaError): ErrorBody => {
  const [issue] = formatIssue(error.issue).issues
  if (issue === undefined || issue.path === undefined || issue.path.length === 0) {
    return { error: { code: "InvalidBody", message: issue?.message ?? error.message } }
  }
  const field = fieldPath(issue.path.map((key) => (typeof key === "object" ? key.key : key)))
  const sep = issue.message.startsWith("is ") ? " " : ": "
  return { error: { code: "InvalidField", message: `${field}${sep}${issue.message}`, field } }
}

export const errorBody = (error: ApiError): ErrorBody => {
  switch (error._tag) {
    case "SchemaError":
      return schemaErrorBody(error)
    case "InvalidBody":
    case "StoreUnavailable":
    case "Unauthenticated":
      return { error: { code: error._tag, message: error.message } }
    case "Forbidden":
      return {
        error: {
          code: error._tag,
          message: error.message,
          ...(error.field === undefined ? {} : { field: error.field }),
        },
      }
    case "EmergencyUnavailable":
      return {
        error: { code: error._tag, message: error.message, field: error.field, reasons: error.reasons },
      }
    default:
      return { error: { code: error._tag, message: error.message, field: error.field } }
  }
}

export const errorResponse = (c: Context, error: ApiError): Response =>
  c.json(errorBody(error), STATUS[error._tag])

export const routeNotFound = (c: Context): Response =>
  c.json({ error: { code: "NotFound", message: `no route for ${c.req.method} ${c.req.path}` } }, 404)

/** A defect, not bad input: log it, and tell the client no more than that. */
export const internalError = (cause: unknown, c: Context): Response => {
  console.error(cause)
  return c.json({ error: { code: "Internal", message: "internal error" } }, 500)
}
