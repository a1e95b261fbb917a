import type { CenterError } from "@lifeline/core/center"
import type { EmergencyUnavailable } from "@lifeline/core/emergency"
import type { StoreUnavailable } from "@lifeline/core/ports"
import { Schema, SchemaAST, SchemaIssue } from "effect"
import type { Context } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import type { Forbidden, Unauthenticated } from "./auth/principal"
import { errorFields, type Logger, makeLogger, routeOf } from "./ops/log"

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
  EmergencyNumber: 422,
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

/** The `_tag` values a union of tagged structs accepts; undefined when a member has no literal `_tag`. */
const unionTags = (ast: SchemaAST.AST): SchemaAST.LiteralValue[] | undefined => {
  if (SchemaAST.isUnion(ast)) {
    const tags: SchemaAST.LiteralValue[] = []
    for (const member of ast.types) {
      const memberTags = unionTags(member)
      if (memberTags === undefined) return undefined
      tags.push(...memberTags)
    }
    return tags
  }
  const encoded = SchemaAST.toEncoded(ast)
  const tag = SchemaAST.isObjects(encoded)
    ? encoded.propertySignatures.find((p) => p.name === "_tag")?.type
    : undefined
  return tag !== undefined && SchemaAST.isLiteral(tag) ? [tag.literal] : undefined
}

/** The issue the formatter reports first (errors: "first" makes it the only one), with its path. */
const firstLeaf = (
  issue: SchemaIssue.Issue,
  path: readonly PropertyKey[],
): { readonly issue: SchemaIssue.Issue; readonly path: readonly PropertyKey[] } => {
  switch (issue._tag) {
    case "Filter":
    case "Encoding":
      return firstLeaf(issue.issue, path)
    case "Pointer":
      return firstLeaf(issue.issue, [...path, ...issue.path])
    case "Composite":
      return firstLeaf(issue.issues[0], path)
    case "AnyOf":
      return issue.issues[0] === undefined ? { issue, path } : firstLeaf(issue.issues[0], path)
    default:
      return { issue, path }
  }
}

const show = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value))

/**
 * An object that no member of a union of tagged structs takes because of its `_tag` (unknown or
 * missing): the field named is `_tag`, as before Effect 4 (whose union issue stops at the object).
 */
const tagIssue = (error: Schema.SchemaError): { path: PropertyKey[]; message: string } | undefined => {
  const { issue, path } = firstLeaf(error.issue, [])
  if (issue._tag !== "AnyOf" || issue.issues.length > 0 || !SchemaIssue.hasInput(issue)) return undefined
  const input = issue.input
  if (typeof input !== "object" || input === null || Array.isArray(input)) return undefined
  const tags = unionTags(issue.ast)
  if (tags === undefined || tags.length === 0) return undefined
  const given = Object.hasOwn(input, "_tag") ? (input as { readonly _tag: unknown })._tag : undefined
  return {
    path: [...path, "_tag"],
    message:
      given === undefined ? "is missing" : `Expected ${tags.map(show).join(" | ")}, got ${show(given)}`,
  }
}

const schemaErrorBody = (error: Schema.SchemaError): ErrorBody => {
  const issue = tagIssue(error) ?? formatIssue(error.issue).issues[0]
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

/**
 * A defect, not bad input: log it as one JSON line (name, scrubbed message and stack, the request
 * id and route pattern, never the body or the raw path), and tell the client no more than that.
 */
export const internalError =
  (log: Logger = makeLogger()) =>
  (cause: unknown, c: Context): Response => {
    log.error("internal error", {
      requestId: c.get("requestId") as string | undefined,
      method: c.req.method,
      route: routeOf(c),
      ...errorFields(cause),
    })
    return c.json({ error: { code: "Internal", message: "internal error" } }, 500)
  }
