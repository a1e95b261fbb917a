import { createHash, createHmac, timingSafeEqual } from "node:crypto"
import type { IncomingMessage } from "node:http"
import { isObject } from "./http"

/**
 * The parts of ACS's wire contract the stand-in checks before it does anything: HMAC request
 * signing (as @azure/communication-common signs), the api-version, identifier models and the
 * repeatability headers, all per the 2025-06-15 swagger and common.json.
 */

export const API_VERSION = "2025-06-15"

export interface AcsError {
  readonly status: number
  readonly code: string
  readonly message: string
}

export const acsError = (status: number, code: string, message: string): AcsError => ({
  status,
  code,
  message,
})

/** `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>` */
export const checkSignature = (
  req: IncomingMessage,
  body: string,
  accessKey: string,
): AcsError | undefined => {
  const date = req.headers["x-ms-date"]
  const host = req.headers.host
  const contentHash = req.headers["x-ms-content-sha256"]
  const authorization = req.headers.authorization ?? ""
  const match = /^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=(.+)$/.exec(
    authorization,
  )
  if (typeof date !== "string" || host === undefined || typeof contentHash !== "string" || match === null) {
    return acsError(401, "Unauthorized", "Missing or malformed HMAC authorization headers.")
  }
  if (createHash("sha256").update(body).digest("base64") !== contentHash) {
    return acsError(401, "Unauthorized", "x-ms-content-sha256 does not match the body.")
  }
  const url = new URL(req.url ?? "/", `http://${host}`)
  const query = url.searchParams.toString()
  const pathAndQuery = query === "" ? url.pathname : `${url.pathname}?${query}`
  const toSign = `${req.method?.toUpperCase()}\n${pathAndQuery}\n${date};${host};${contentHash}`
  const expected = createHmac("sha256", Buffer.from(accessKey, "base64")).update(toSign).digest()
  const given = Buffer.from(match[1] ?? "", "base64")
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? undefined
    : acsError(401, "Unauthorized", "The request signature does not match.")
}

export const checkApiVersion = (query: URLSearchParams): AcsError | undefined => {
  const version = query.get("api-version")
  if (version === null)
    return acsError(400, "MissingApiVersionParameter", "The api-version query parameter is required.")
  return version === API_VERSION
    ? undefined
    : acsError(
        400,
        "UnsupportedApiVersion",
        `The api-version '${version}' is not supported by this stand-in.`,
      )
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** The request's repeatability id, undefined when it sent none, or what is wrong with it. */
export const repeatabilityOf = (req: IncomingMessage): string | undefined | AcsError => {
  const id = req.headers["repeatability-request-id"]
  const firstSent = req.headers["repeatability-first-sent"]
  if (id === undefined) return undefined
  if (typeof id !== "string" || !UUID.test(id)) {
    return acsError(400, "BadRequest", "Repeatability-Request-ID must be a UUID.")
  }
  if (typeof firstSent !== "string" || !IMF_FIXDATE.test(firstSent)) {
    return acsError(
      400,
      "BadRequest",
      "Repeatability-First-Sent is required with Repeatability-Request-ID (IMF-fixdate).",
    )
  }
  return id
}

/** A CommunicationIdentifierModel as ACS returns it (kind and rawId filled in). */
export interface IdentifierModel {
  readonly kind: "communicationUser" | "phoneNumber"
  readonly rawId: string
  readonly communicationUser?: { readonly id: string }
  readonly phoneNumber?: { readonly value: string }
}

export const phoneModel = (value: string): IdentifierModel => ({
  kind: "phoneNumber",
  rawId: `4:${value}`,
  phoneNumber: { value },
})
export const userModel = (id: string): IdentifierModel => ({
  kind: "communicationUser",
  rawId: id,
  communicationUser: { id },
})

/** Reads an identifier from a request body: one of communicationUser{id} or phoneNumber{value}. */
export const identifierAt = (value: unknown, field: string): IdentifierModel | AcsError => {
  const bad = acsError(
    400,
    "BadRequest",
    `${field}: expected an identifier with communicationUser.id or phoneNumber.value.`,
  )
  if (!isObject(value)) return bad
  const user = value.communicationUser
  const phone = value.phoneNumber
  if (isObject(user) && typeof user.id === "string" && user.id.startsWith("8:") && phone === undefined) {
    return userModel(user.id)
  }
  if (isObject(phone) && typeof phone.value === "string" && user === undefined) {
    return /^\+[1-9]\d{1,14}$/.test(phone.value)
      ? phoneModel(phone.value)
      : acsError(400, "BadRequest", `${field}.phoneNumber.value: '${phone.value}' is not an E.164 number.`)
  }
  return bad
}

export const isAcsError = (value: unknown): value is AcsError =>
  isObject(value) && typeof value.status === "number" && typeof value.code === "string"

export const absoluteUrlAt = (value: unknown, field: string): string | AcsError => {
  if (typeof value !== "string") return acsError(400, "BadRequest", `${field} is required.`)
  try {
    const url = new URL(value)
    return url.protocol === "https:" || url.protocol === "http:"
      ? value
      : acsError(400, "BadRequest", `${field} must be an http(s) URL.`)
  } catch {
    return acsError(400, "BadRequest", `${field} is not an absolute URL.`)
  }
}
