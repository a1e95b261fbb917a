import { randomUUID } from "node:crypto"
import { headersOf, isObject, listen, sendJson } from "./http"

/**
 * A stand-in for Resend's `POST /emails` (resend.yaml, OpenAPI 1.5.0) on 127.0.0.1. It checks the
 * bearer key, the required `from`, `to` and `subject` and the address formats, answers `{ id }`,
 * and keeps Resend's idempotency rules: the same `Idempotency-Key` with the same body returns the
 * first id and delivers nothing again; with another body it is a 409. Errors use Resend's body
 * `{ statusCode, name, message }` and the names of https://resend.com/docs/api-reference/errors.
 * Not modelled: the 24-hour key expiry, other endpoints, attachments, scheduling.
 */

export interface ResendDelivery {
  readonly id: string
  readonly from: string
  readonly to: readonly string[]
  readonly subject: string
  readonly text: string | undefined
  readonly html: string | undefined
  readonly idempotencyKey: string | undefined
}

export interface ResendRequest {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
}

interface Failure {
  readonly statusCode: number
  readonly name: string
  readonly message: string
}

const NAME_FOR_STATUS: Readonly<Record<number, string>> = {
  400: "validation_error",
  422: "validation_error",
  429: "rate_limit_exceeded",
  500: "internal_server_error",
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/
const isAddress = (value: string) =>
  ADDRESS.test(value) || /^[^<>]*<([^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)>$/.test(value)

/** JSON with keys sorted, so two bodies that mean the same compare equal. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(",")}]`
    : isObject(value)
      ? `{${Object.keys(value)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
          .join(",")}}`
      : JSON.stringify(value)

const check = (body: Record<string, unknown>): Failure | undefined => {
  const missing = ["from", "to", "subject"].filter((field) => body[field] === undefined || body[field] === "")
  if (missing.length > 0) {
    return {
      statusCode: 422,
      name: "missing_required_field",
      message: `Missing \`${missing.join("`, `")}\` field.`,
    }
  }
  const invalid = (field: string) => ({
    statusCode: 422,
    name: "validation_error",
    message: `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
  })
  if (typeof body.from !== "string" || !isAddress(body.from)) return invalid("from")
  const to = typeof body.to === "string" ? [body.to] : body.to
  if (!Array.isArray(to) || to.length === 0 || to.length > 50) {
    return { statusCode: 422, name: "validation_error", message: "`to` must hold 1 to 50 addresses." }
  }
  if (!to.every((address) => typeof address === "string" && isAddress(address))) return invalid("to")
  if (typeof body.subject !== "string")
    return { statusCode: 422, name: "validation_error", message: "`subject` must be a string." }
  return undefined
}

export type ResendStandin = Awaited<ReturnType<typeof startResendStandin>>

export const startResendStandin = async (options: { readonly apiKey?: string } = {}) => {
  const apiKey = options.apiKey ?? `re_standin_${randomUUID().replaceAll("-", "")}`
  const deliveries: ResendDelivery[] = []
  const requests: ResendRequest[] = []
  const byKey = new Map<string, { readonly body: string; readonly id: string }>()
  const failures: Failure[] = []

  const handle = (method: string, path: string, headers: Record<string, string>, raw: string) => {
    let body: unknown
    try {
      body = raw === "" ? undefined : JSON.parse(raw)
    } catch {
      body = undefined
    }
    requests.push({ method, path, headers, body })
    if (path !== "/emails") return { statusCode: 404, name: "not_found", message: "Route not found." }
    if (method !== "POST")
      return { statusCode: 405, name: "method_not_allowed", message: "Method not allowed." }
    const auth = headers.authorization
    if (auth === undefined)
      return {
        statusCode: 401,
        name: "missing_api_key",
        message: "Missing API key in the authorization header.",
      }
    if (auth !== `Bearer ${apiKey}`)
      return { statusCode: 403, name: "invalid_api_key", message: "API key is invalid." }
    const injected = failures.shift()
    if (injected !== undefined) return injected
    const key = headers["idempotency-key"]
    if (key !== undefined && (key.length < 1 || key.length > 256)) {
      return {
        statusCode: 400,
        name: "invalid_idempotency_key",
        message: "The key must be between 1-256 chars.",
      }
    }
    if (!isObject(body))
      return { statusCode: 422, name: "validation_error", message: "The body must be a JSON object." }
    const earlier = key === undefined ? undefined : byKey.get(key)
    if (earlier !== undefined) {
      return earlier.body === canonical(body)
        ? { id: earlier.id }
        : {
            statusCode: 409,
            name: "invalid_idempotent_request",
            message: "Same idempotency key used with a different request payload.",
          }
    }
    const invalid = check(body)
    if (invalid !== undefined) return invalid
    const id = randomUUID()
    deliveries.push({
      id,
      from: String(body.from),
      to: typeof body.to === "string" ? [body.to] : (body.to as string[]),
      subject: String(body.subject),
      text: typeof body.text === "string" ? body.text : undefined,
      html: typeof body.html === "string" ? body.html : undefined,
      idempotencyKey: key,
    })
    if (key !== undefined) byKey.set(key, { body: canonical(body), id })
    return { id }
  }

  const server = await listen((req, res, raw) => {
    const path = new URL(req.url ?? "/", "http://standin").pathname
    const answer = handle(req.method ?? "GET", path, headersOf(req), raw)
    if ("id" in answer) {
      sendJson(res, 200, { id: answer.id })
      return
    }
    sendJson(res, answer.statusCode, answer, answer.statusCode === 429 ? { "retry-after": "1" } : {})
  })

  return {
    url: server.url,
    apiKey,
    /** Emails accepted for delivery, once each. */
    deliveries: deliveries as readonly ResendDelivery[],
    requests: requests as readonly ResendRequest[],
    /** The next `count` authenticated requests fail with `status` (and Resend's name for it). */
    failNext: (
      count: number,
      statusCode: number,
      name = NAME_FOR_STATUS[statusCode] ?? "application_error",
    ) => {
      for (let i = 0; i < count; i++)
        failures.push({ statusCode, name, message: `Injected failure (${statusCode}).` })
    },
    close: server.close,
  }
}
