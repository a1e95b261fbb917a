import { Schema } from "effect"
import type { Hono } from "hono"
import { describeRoute, loadVendor, openAPIRouteHandler, resolver } from "hono-openapi"
import type { Role } from "./auth/principal"
import { DECODE_OPTIONS } from "./request-body"

/**
 * hono-openapi reaches JSON Schema through @standard-community/standard-json, whose built-in
 * "effect" vendor calls Effect 3's `JSONSchema.make`. The vendor is pointed at Effect 4's own
 * generator instead: a body's schema is its encoded side (what a client sends), and it is closed
 * (`additionalProperties: false`) as the handlers decode it (DECODE_OPTIONS: unknown fields are
 * refused). Its definitions go in `$defs`, which hono-openapi lifts into the components.
 */
loadVendor("effect", {
  toJSONSchema: (schema) => {
    if (!Schema.isSchema(schema)) throw new Error("openapi: not an Effect schema")
    const document = Schema.toJsonSchemaDocument(schema, {
      onExcessProperty: DECODE_OPTIONS.onExcessProperty,
    })
    return Object.keys(document.definitions).length === 0
      ? document.schema
      : { ...document.schema, $defs: document.definitions }
  },
})

/** A schema as hono-openapi's `resolver` takes it: a Standard Schema (vendor "effect"). */
const documented = (schema: Schema.ConstraintDecoder<unknown>) => resolver(Schema.toStandardSchemaV1(schema))

const ErrorBodySchema = Schema.Struct({
  error: Schema.Struct({
    code: Schema.String,
    message: Schema.String,
    field: Schema.optionalKey(Schema.String),
  }),
})

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: documented(ErrorBodySchema) } },
})

export interface RouteDoc {
  readonly summary: string
  readonly tag: string
  /** Roles allowed (N4); documented on the operation. */
  readonly roles: readonly Role[] | "public"
  readonly body?: Schema.ConstraintDecoder<unknown>
  readonly status?: 200 | 201 | 202 | 204
  /** Optional query parameters, each with its description. */
  readonly query?: Readonly<Record<string, string>>
}

/** OpenAPI description of one route, from the same schema its handler validates with. */
export const doc = (d: RouteDoc) =>
  describeRoute({
    summary: d.summary,
    tags: [d.tag],
    ...(d.roles === "public"
      ? { security: [] }
      : { description: `Roles: ${d.roles.join(", ")}.`, security: [{ apiKey: [] }] }),
    ...(d.query === undefined
      ? {}
      : {
          parameters: Object.entries(d.query).map(([name, description]) => ({
            in: "query" as const,
            name,
            required: false,
            description,
            schema: { type: "string" as const },
          })),
        }),
    ...(d.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { "application/json": { schema: documented(d.body) } },
          },
        }),
    responses: {
      [d.status ?? 200]: { description: "Success" },
      400: errorResponse("Bad input: the field is named (N3)"),
      ...(d.roles === "public"
        ? {}
        : {
            401: errorResponse("No or unknown API key"),
            403: errorResponse(
              "Role not allowed, or not the caller's rep, item, offer, callback or queue (N4)",
            ),
          }),
      404: errorResponse("Unknown id"),
      409: errorResponse("Conflicts with the current state"),
    },
  })

/** The served OpenAPI document: built from the routes registered on `app`. */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env and routes
export const openApiDocument = (app: Hono<any, any, any>) =>
  openAPIRouteHandler(app, {
    documentation: {
      info: {
        title: "Lifeline API",
        version: "0.2.0",
        description:
          "Contact-center voice platform: routing, emergency calls by reps, direct callback. " +
          "Errors are `{error:{code,message,field?}}`.",
      },
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "An API key from LIFELINE_API_KEYS" },
        },
      },
    },
    exclude: ["/api/openapi.json"],
    // /api/history/export.csv is a route, not a static file.
    excludeStaticFile: false,
  })
