import { ApiErrorBody, type OperationId, ROUTES, type RouteDefinition } from "@lifeline/client"
import { Schema } from "effect"
import type { Hono } from "hono"
import { describeRoute, loadVendor, openAPIRouteHandler, resolver } from "hono-openapi"
import type { OpenAPIV3_1 } from "openapi-types"
import { DECODE_OPTIONS } from "./request-body"

/**
 * hono-openapi reaches JSON Schema through @standard-community/standard-json, whose built-in
 * "effect" vendor calls Effect 3's `JSONSchema.make`. The vendor is pointed at Effect 4's own
 * generator instead: a schema's encoded side (what goes over the wire), closed
 * (`additionalProperties: false`) as the handlers decode bodies (DECODE_OPTIONS: unknown fields are
 * refused) and as the contract tests hold replies to. Named definitions go in `$defs`, which
 * hono-openapi lifts into the components.
 */
const toJsonSchema = (schema: unknown) => {
  if (!Schema.isSchema(schema)) throw new Error("openapi: not an Effect schema")
  const document = Schema.toJsonSchemaDocument(schema, { onExcessProperty: DECODE_OPTIONS.onExcessProperty })
  return Object.keys(document.definitions).length === 0
    ? document.schema
    : { ...document.schema, $defs: document.definitions }
}
loadVendor("effect", { toJSONSchema: toJsonSchema })

/** A schema as hono-openapi's `resolver` takes it: a Standard Schema (vendor "effect"). */
const documented = (schema: Schema.ConstraintDecoder<unknown>) => resolver(Schema.toStandardSchemaV1(schema))

/** The package version, the document's `info.version` (one place: the API's package.json). */
const VERSION = "0.1.0"

const ERROR_REF = { $ref: "#/components/schemas/ApiError" } as const

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503

/** Each refusal once: what it means and an example of the body it comes with. */
const ERRORS: Record<ErrorStatus, { readonly description: string; readonly example: ApiErrorBody }> = {
  400: {
    description: "Bad input: the field is named (N3)",
    example: { error: { code: "InvalidField", message: "queueId is missing", field: "queueId" } },
  },
  401: {
    description: "No API key or session, or an unknown or revoked one",
    example: {
      error: { code: "Unauthenticated", message: "an API key is required (Authorization: Bearer <key>)" },
    },
  },
  403: {
    description: "Role not allowed, or not the caller's rep, item, offer, callback or queue (N4)",
    example: { error: { code: "Forbidden", message: "not one of your queues", field: "queueId" } },
  },
  404: {
    description: "Unknown id (named in the path or the body)",
    example: { error: { code: "UnknownEntity", message: "unknown queue: nope", field: "queueId" } },
  },
  409: {
    description: "Conflicts with the current state (already exists, not in a state that allows it)",
    example: { error: { code: "InvalidState", message: "item is not escalated", field: "itemId" } },
  },
  413: {
    description: "Request body over 64 KiB",
    example: { error: { code: "PayloadTooLarge", message: "request body over 65536 bytes" } },
  },
  422: {
    description:
      "The emergency call cannot be carried: the rep must use a local phone (E1, E2); every reason in `reasons`",
    example: {
      error: {
        code: "EmergencyUnavailable",
        message: "emergency calls are not supported from this region: use a local phone",
        field: "location",
        reasons: ["unsupported_region"],
      },
    },
  },
  429: {
    description: "Too many failed authentications from this address; try again later",
    example: { error: { code: "TooManyAuthFailures", message: "too many failed authentications" } },
  },
  503: {
    description: "The store cannot be reached, or the node is starting or shutting down: try again",
    example: { error: { code: "StoreUnavailable", message: "try again" } },
  },
}

const errorResponse = (status: ErrorStatus) => ({
  description: ERRORS[status].description,
  content: { "application/json": { schema: ERROR_REF, example: ERRORS[status].example } },
})

/** What `doc` needs of a definition: the client-only parts (method, path) may be left out. */
export type RouteDoc = Omit<RouteDefinition, "method" | "path" | "reply"> & {
  readonly method?: RouteDefinition["method"]
  readonly path?: string
  readonly reply?: RouteDefinition["reply"]
  readonly operationId?: string
}

/**
 * The statuses a route can answer: its own refusals, and those its definition implies (input:
 * 400, and 413 for a body; a key: 401, 403 and 429; 503 for every route of a node).
 */
export const errorStatuses = (d: RouteDoc, hasPathParams: boolean): ErrorStatus[] => {
  const statuses = new Set<ErrorStatus>(d.errors ?? [])
  if (d.body !== undefined || d.query !== undefined || hasPathParams) statuses.add(400)
  if (d.body !== undefined) statuses.add(413)
  if (d.roles !== "public") for (const s of [401, 403, 429] as const) statuses.add(s)
  statuses.add(503)
  return [...statuses].sort()
}

const successContent = (d: RouteDoc) => {
  if (d.reply === undefined) return {}
  const media = d.media ?? "application/json"
  if (media === "text/csv")
    return {
      content: {
        "text/csv": { schema: { type: "string", description: "A header line, then one line per record" } },
      },
    }
  if (media === "text/event-stream")
    return {
      content: {
        "text/event-stream": {
          schema: {
            type: "string",
            description:
              "Server-sent events: `event:` names the message, `data:` is JSON, `id:` the stream version to resume from (Last-Event-ID)",
          },
        },
      },
    }
  return { content: { "application/json": { schema: documented(d.reply) } } }
}

/** OpenAPI description of one route, from the same definition its handler validates with. */
export const doc = (d: RouteDoc) => {
  const hasPathParams = d.path?.includes("{") ?? false
  const success = { description: "Success", ...successContent(d) }
  return describeRoute({
    ...(d.operationId === undefined ? {} : { operationId: d.operationId }),
    summary: d.summary,
    tags: [d.tag],
    ...(d.roles === "public"
      ? { security: [] }
      : { description: `Roles: ${d.roles.join(", ")}.`, security: [{ apiKey: [] }, { sessionCookie: [] }] }),
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
      : { requestBody: { required: true, content: { "application/json": { schema: documented(d.body) } } } }),
    responses: {
      [d.status ?? 200]: success,
      ...Object.fromEntries(
        (d.alsoOk ?? []).map((s) => [s, { ...success, description: "Success (a repeat)" }]),
      ),
      ...Object.fromEntries(errorStatuses(d, hasPathParams).map((s) => [s, errorResponse(s)])),
    },
  })
}

/** The route `operationId` of the table, documented: `extra` adds what only the server knows (query docs). */
export const route = (operationId: OperationId, extra: Partial<RouteDoc> = {}) =>
  doc({ ...ROUTES[operationId], ...extra, operationId })

const probe = (summary: string, example: unknown, failure?: string) => ({
  summary,
  tags: ["operations"],
  security: [],
  responses: {
    200: {
      description: "Up",
      content: { "application/json": { schema: { type: "object" as const }, example } },
    },
    ...(failure === undefined
      ? {}
      : {
          503: {
            description: failure,
            content: { "application/json": { schema: { type: "object" as const } } },
          },
        }),
  },
})

/** Routes outside /api, served before the app (probes) or without a definition (metrics, webhooks). */

/** A provider's callback route (ACS): a JSON array of events, taken at most once each (N2). */
const providerWebhook = (
  operationId: string,
  summary: string,
  security: OpenAPIV3_1.SecurityRequirementObject[],
  unauthorized: string,
) => ({
  post: {
    operationId,
    summary,
    tags: ["webhooks"],
    security,
    requestBody: {
      required: true,
      content: {
        "application/json": { schema: { type: "array" as const, items: { type: "object" as const } } },
      },
    },
    responses: {
      200: { description: "Taken (a repeat is harmless: N2)" },
      400: errorResponse(400),
      401: { ...errorResponse(401), description: unauthorized },
      503: errorResponse(503),
    },
  },
})

const STATIC_PATHS = {
  "/healthz": {
    get: {
      ...probe("The process is up, in every phase", { status: "ok", phase: "ready" }),
      operationId: "healthz",
    },
  },
  "/readyz": {
    get: {
      ...probe(
        "The node serves requests: its store answers and its center is up",
        { ready: true, phase: "ready", checks: {} },
        "Starting, shutting down, or the store cannot be reached",
      ),
      operationId: "readyz",
    },
  },
  "/metrics": {
    get: {
      operationId: "metrics",
      summary: "Prometheus metrics (when the node exposes them)",
      tags: ["operations"],
      security: [],
      responses: {
        200: {
          description: "The Prometheus text format",
          content: { "text/plain": { schema: { type: "string" as const } } },
        },
        404: {
          description: "Metrics are off on this node",
          content: { "application/json": { schema: ERROR_REF } },
        },
      },
    },
  },
  "/webhooks/acs/incoming": providerWebhook(
    "acsIncoming",
    "Azure Event Grid: incoming calls (mounted when telephony is Azure)",
    [{ webhookToken: [] }],
    "Missing or wrong webhook token",
  ),
  "/webhooks/acs/calls": providerWebhook(
    "acsCalls",
    "Azure Call Automation: per-call callback events (mounted when telephony is Azure)",
    [{ webhookToken: [], acsCallbackJwt: [] }, { webhookToken: [] }],
    "Missing or wrong webhook token or JWT",
  ),
}

const SECURITY_SCHEMES: Record<string, OpenAPIV3_1.SecuritySchemeObject> = {
  apiKey: {
    type: "http",
    scheme: "bearer",
    description:
      "An API key: created by an admin (POST /api/keys) or from LIFELINE_API_KEYS. `Authorization: Bearer <key>`",
  },
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "lifeline_session",
    description:
      "A person's session after signing in at /auth/login (`__Host-lifeline_session` over HTTPS); unsafe requests need a same-origin Origin (CSRF)",
  },
  webhookToken: {
    type: "apiKey",
    in: "query",
    name: "token",
    description:
      "The provider webhook's URL token, derived from LIFELINE_ACS_WEBHOOK_SECRET (per call for /calls)",
  },
  acsCallbackJwt: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Azure Communication Services' signed JWT on Call Automation callbacks, when configured",
  },
}

/** The shared error component, generated from the schema the client decodes errors with. */
const errorComponent = () => {
  const document = Schema.toJsonSchemaDocument(ApiErrorBody, {
    onExcessProperty: DECODE_OPTIONS.onExcessProperty,
  })
  return (document.definitions.ApiError ?? document.schema) as OpenAPIV3_1.SchemaObject
}

/** The served OpenAPI document: built from the routes registered on `app`. */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env and routes
export const openApiDocument = (app: Hono<any, any, any>) =>
  openAPIRouteHandler(app, {
    documentation: {
      info: {
        title: "Lifeline API",
        version: VERSION,
        description:
          "Contact-center voice platform: routing, emergency calls by reps, direct callback. " +
          "Every refusal is `{error:{code,message,field?,reasons?}}` (the ApiError schema). " +
          "Ids that hold `/` are sent percent-encoded (`%2F`) in paths. A guide: docs/api.md; this page: /docs.",
        license: { name: "Proprietary", identifier: "LicenseRef-Lifeline" },
      },
      servers: [{ url: "/", description: "This node" }],
      components: {
        securitySchemes: SECURITY_SCHEMES,
        schemas: { ApiError: errorComponent() },
      },
      paths: STATIC_PATHS,
    },
    exclude: ["/api/openapi.json", "/docs", "/docs/standalone.js"],
    // /api/history/export.csv is a route, not a static file.
    excludeStaticFile: false,
  })
