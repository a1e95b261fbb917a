import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js"
import addFormats from "ajv-formats"

/** The parts of the served OpenAPI 3.1 document the validator reads. */
export interface ServedDocument {
  readonly paths: Record<string, Record<string, { readonly responses: Record<string, ResponseObject> }>>
  readonly components?: { readonly schemas?: Record<string, unknown> }
}
interface ResponseObject {
  readonly content?: Record<string, { readonly schema?: unknown }>
}

/** Where the document's component schemas live for Ajv: `#/components/schemas/X` is `${BASE}/components/schemas/X`. */
const BASE = "https://lifeline.invalid"

/** OpenAPI 3.1's base vocabulary beyond JSON Schema 2020-12: annotations only, nothing to check. */
const OPENAPI_KEYWORDS = ["discriminator", "xml", "externalDocs", "example"]

/**
 * Issue 20: answers checked against the SERVED document by a validator that shares no code with
 * how it was generated (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 states): the operation's
 * response schema for the status, its `$ref`s resolved in the document's components, with
 * `additionalProperties: false` enforced where the document says so. Returns the errors, or
 * an empty list when the answer is valid.
 */
export const documentValidator = (document: ServedDocument) => {
  const ajv = new Ajv2020({ allErrors: true, strict: true })
  addFormats.default(ajv)
  ajv.addVocabulary(OPENAPI_KEYWORDS)
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {}))
    ajv.addSchema(rebased(schema) as object, `${BASE}/components/schemas/${name}`)
  const compiled = new Map<string, ValidateFunction>()

  const validatorOf = (path: string, method: string, status: number, media: string) => {
    const key = `${method} ${path} ${status} ${media}`
    const known = compiled.get(key)
    if (known !== undefined) return known
    const response = document.paths[path]?.[method.toLowerCase()]?.responses[String(status)]
    if (response === undefined) throw new Error(`${key}: the document lists no such response`)
    const schema = response.content?.[media]?.schema
    if (schema === undefined) throw new Error(`${key}: the document gives no ${media} schema`)
    const validate = ajv.compile(rebased(schema) as object)
    compiled.set(key, validate)
    return validate
  }

  return (path: string, method: string, status: number, body: unknown, media = "application/json") => {
    const validate = validatorOf(path, method, status, media)
    return validate(body)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "invalid"}`)
  }
}

/** A schema with its `#/...` references made absolute, pointing at the components registered above. */
const rebased = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(rebased)
  if (typeof schema !== "object" || schema === null) return schema
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${BASE}${v.slice(1)}` : rebased(v),
    ]),
  )
}
