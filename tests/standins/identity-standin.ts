import { createHmac, randomBytes, randomUUID } from "node:crypto"
import type { ServerResponse } from "node:http"
import { type AcsError, acsError, checkSignature } from "./acs-wire"
import { isObject, type Listening, listen, sendJson } from "./http"

/**
 * A stand-in for the ACS identity REST API on 127.0.0.1 (issue 19), in the wire format of
 * @azure/communication-identity 1.3.1's generated client (api-version 2023-10-01):
 * `POST /identities` (201 `{ identity: { id }, accessToken? }`), `POST
 * /identities/{id}/:issueAccessToken` (200 `{ token, expiresOn }`), `DELETE /identities/{id}`
 * (204). It checks what the service checks first: the HMAC signature (as the ACS stand-in does),
 * the api-version, the scopes and `expiresInMinutes` (60-1440), and answers errors as
 * `{ error: { code, message } }`. Tokens are JWTs (HS256 with the access key) carrying `exp`,
 * as the browser's AzureCommunicationTokenCredential reads them.
 * Not modelled: Teams tokens, revoking tokens, the token's real claims beyond `skypeid`/`scp`/`exp`.
 */

export const IDENTITY_API_VERSION = "2023-10-01"
const SCOPES = new Set(["chat", "voip", "chat.join", "chat.join.limited", "voip.join"])
const DEFAULT_TOKEN_MINUTES = 24 * 60

export interface IssuedToken {
  readonly userId: string
  readonly scopes: readonly string[]
  readonly token: string
  readonly expiresOn: number
}

export interface IdentityRequest {
  readonly method: string
  readonly path: string
  readonly body: unknown
}

export interface IdentityStandinOptions {
  readonly accessKey?: string
  /** The clock tokens expire by; the system clock by default. */
  readonly now?: () => number
}

export interface IdentityStandin extends Listening {
  readonly accessKey: string
  readonly connectionString: string
  /** Users created and not deleted. */
  readonly users: Set<string>
  readonly tokens: IssuedToken[]
  /** Every request that passed the signature and api-version checks. */
  readonly requests: IdentityRequest[]
  /** The next `count` requests (after the signature check) fail with `status`. */
  readonly failNext: (count: number, status: number) => void
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url")

const jwt = (claims: Record<string, unknown>, key: string): string => {
  const head = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`
  const signature = createHmac("sha256", Buffer.from(key, "base64")).update(head).digest()
  return `${head}.${base64url(signature)}`
}

const sendError = (res: ServerResponse, error: AcsError) =>
  sendJson(res, error.status, { error: { code: error.code, message: error.message } })

const checkApiVersion = (query: URLSearchParams): AcsError | undefined => {
  const version = query.get("api-version")
  if (version === IDENTITY_API_VERSION) return undefined
  return version === null
    ? acsError(400, "MissingApiVersionParameter", "The api-version query parameter is required.")
    : acsError(
        400,
        "UnsupportedApiVersion",
        `The api-version '${version}' is not supported by this stand-in.`,
      )
}

/** `scopes` and `expiresInMinutes` of a token request, or what is wrong with them. */
const tokenRequest = (
  scopes: unknown,
  minutes: unknown,
): { readonly scopes: string[]; readonly minutes: number } | AcsError => {
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => SCOPES.has(s)))
    return acsError(400, "ValidationError", `scopes must be a non-empty list of ${[...SCOPES].join(", ")}`)
  if (minutes !== undefined && (typeof minutes !== "number" || minutes < 60 || minutes > 1440))
    return acsError(400, "ValidationError", "expiresInMinutes must be between 60 and 1440")
  return { scopes: scopes as string[], minutes: (minutes as number | undefined) ?? DEFAULT_TOKEN_MINUTES }
}

export const startIdentityStandin = async (
  options: IdentityStandinOptions = {},
): Promise<IdentityStandin> => {
  const accessKey = options.accessKey ?? randomBytes(32).toString("base64")
  const now = options.now ?? Date.now
  const resource = randomUUID()
  const users = new Set<string>()
  const tokens: IssuedToken[] = []
  const requests: IdentityRequest[] = []
  const injected: AcsError[] = []

  const issue = (userId: string, scopes: readonly string[], minutes: number) => {
    const expiresOn = now() + minutes * 60_000
    const token = jwt(
      {
        skypeid: userId.replace(/^8:/, ""),
        scp: 1792,
        exp: Math.floor(expiresOn / 1000),
        iat: Math.floor(now() / 1000),
      },
      accessKey,
    )
    tokens.push({ userId, scopes, token, expiresOn })
    return { token, expiresOn: new Date(expiresOn).toISOString() }
  }

  const server = await listen((req, res, rawBody) => {
    const url = new URL(req.url ?? "/", "http://standin")
    const refused =
      checkSignature(req, rawBody, accessKey) ?? checkApiVersion(url.searchParams) ?? injected.shift()
    if (refused !== undefined) return sendError(res, refused)
    const body: unknown = rawBody === "" ? undefined : JSON.parse(rawBody)
    requests.push({ method: req.method ?? "", path: url.pathname, body })
    const [, collection, rawId, action] = url.pathname.split("/")
    if (collection !== "identities")
      return sendError(res, acsError(404, "NotFound", `no route ${url.pathname}`))
    if (rawId === undefined && req.method === "POST") {
      const userId = `8:acs:${resource}_${randomUUID()}`
      users.add(userId)
      const scopes = isObject(body) ? body.createTokenWithScopes : undefined
      if (scopes === undefined || (Array.isArray(scopes) && scopes.length === 0))
        return sendJson(res, 201, { identity: { id: userId } })
      const request = tokenRequest(scopes, isObject(body) ? body.expiresInMinutes : undefined)
      if ("status" in request) return sendError(res, request)
      return sendJson(res, 201, {
        identity: { id: userId },
        accessToken: issue(userId, request.scopes, request.minutes),
      })
    }
    const userId = decodeURIComponent(rawId ?? "")
    if (!users.has(userId))
      return sendError(res, acsError(404, "IdentityNotFound", `identity ${userId} not found`))
    if (req.method === "DELETE" && action === undefined) {
      users.delete(userId)
      return sendJson(res, 204, undefined)
    }
    if (req.method === "POST" && action === ":issueAccessToken") {
      const request = tokenRequest(
        isObject(body) ? body.scopes : undefined,
        isObject(body) ? body.expiresInMinutes : undefined,
      )
      if ("status" in request) return sendError(res, request)
      return sendJson(res, 200, issue(userId, request.scopes, request.minutes))
    }
    return sendError(res, acsError(404, "NotFound", `no route ${req.method} ${url.pathname}`))
  })

  return {
    ...server,
    accessKey,
    connectionString: `endpoint=${server.url}/;accesskey=${accessKey}`,
    users,
    tokens,
    requests,
    failNext: (count, status) => {
      for (let i = 0; i < count; i++)
        injected.push(acsError(status, "ServiceUnavailable", "injected failure"))
    },
  }
}
