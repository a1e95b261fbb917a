import { Result, Schema } from "effect"
import { createRemoteJWKSet, errors, jwtVerify } from "jose"
import { AcsWebhookUnauthorized, type HeaderSource, headerOf } from "./wire"

/**
 * The second check on a call's callback POSTs (issue 6): the JWT ACS puts in `Authorization`.
 *
 * What ACS sends (Microsoft Learn, "How to secure webhook endpoints", and its C#, Java,
 * JavaScript and Python samples): every mid-call callback carries `Authorization: Bearer <JWT>`,
 * RS256, a new token per event, valid five minutes. The OpenID configuration is at
 * `ACS_OPENID_CONFIGURATION_URL`; the samples verify against the JWKS at `ACS_CALLBACK_JWKS_URL`
 * with issuer `ACS_CALLBACK_JWT_ISSUER` and audience the ACS resource's immutable resource id
 * (a GUID shown on the resource's JSON view, `immutableResourceId` in ARM). Event Grid's
 * IncomingCall is not signed this way, so this check is for the callback URI only.
 *
 * The token proves ACS sent the request within its lifetime; it binds neither the body nor the
 * URL, so it complements the HMAC URL token (kept) and the event-id deduplication (N2), it does
 * not replace them. The JWKS is fetched on first use and cached (jose: 10 min, a refetch at most
 * every 30 s when an unknown key id shows up).
 */

export const ACS_CALLBACK_JWT_ISSUER = "https://acscallautomation.communication.azure.com"
export const ACS_CALLBACK_JWKS_URL = `${ACS_CALLBACK_JWT_ISSUER}/calling/keys`
export const ACS_OPENID_CONFIGURATION_URL = `${ACS_CALLBACK_JWT_ISSUER}/calling/.well-known/acsopenidconfiguration`

export interface CallbackJwtConfig {
  /** Where the signer publishes its keys (`ACS_CALLBACK_JWKS_URL` for ACS). */
  readonly jwksUrl: string
  /** The `iss` every token must carry (`ACS_CALLBACK_JWT_ISSUER` for ACS). */
  readonly issuer: string
  /** The `aud` every token must carry: the ACS resource's immutable resource id. */
  readonly audience: string
}

/**
 * The signer's keys could not be had (unreachable, timed out, not a JWKS): not the caller's
 * fault, so answer 503 and let the provider deliver again (N2 makes the repeat harmless).
 */
export class AcsWebhookKeysUnavailable extends Schema.TaggedError<AcsWebhookKeysUnavailable>()(
  "AcsWebhookKeysUnavailable",
  { message: Schema.String },
) {}

export type CallbackJwtRejected = AcsWebhookUnauthorized | AcsWebhookKeysUnavailable

/** Checks a request's headers; resolves (never rejects) with why it is refused, if it is. */
export type CallbackJwtVerifier = (
  headers: HeaderSource | undefined,
) => Promise<Result.Result<void, CallbackJwtRejected>>

/** ACS signs with RS256 only; anything else (`none`, HS256 with the public key...) is refused. */
const ALGORITHMS = ["RS256"]
/** Leeway for `exp`/`nbf` between ACS's clock and ours, in seconds. */
export const CALLBACK_JWT_CLOCK_TOLERANCE_S = 60

const unauthorized = (reason: string) =>
  Result.fail(new AcsWebhookUnauthorized({ message: `callback JWT rejected: ${reason}` }))

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i

/** Why jose refused the token, in words that name the failed check but not the expected values. */
const reasonOf = (error: unknown): Result.Result<never, CallbackJwtRejected> => {
  if (error instanceof errors.JWTExpired) return unauthorized('expired ("exp" has passed)')
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case "iss":
        return unauthorized('wrong issuer ("iss")')
      case "aud":
        return unauthorized('wrong audience ("aud")')
      case "nbf":
        return unauthorized('not valid yet ("nbf")')
      default:
        return unauthorized(error.message)
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return unauthorized("the signature does not verify with the signer's published key")
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return unauthorized('signed with a key the signer does not publish ("kid")')
  if (error instanceof errors.JOSEAlgNotAllowed)
    return unauthorized(`algorithm not allowed (only ${ALGORITHMS.join(", ")})`)
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  )
    return unauthorized(`not a well-formed JWT (${error.message})`)
  // Anything else is about getting the keys: fetch failed or timed out, non-200, not a JWKS.
  const detail = error instanceof Error ? error.message : String(error)
  return Result.fail(new AcsWebhookKeysUnavailable({ message: `callback JWT keys unavailable: ${detail}` }))
}

/**
 * A verifier for `Authorization: Bearer <JWT>` on callback POSTs. Make one per process: it holds
 * the JWKS cache. Checks the RS256 signature against the JWKS, `iss`, `aud`, and that `exp` is
 * present and not passed (`nbf` too when present), with `CALLBACK_JWT_CLOCK_TOLERANCE_S` leeway.
 */
export const makeCallbackJwtVerifier = (config: CallbackJwtConfig): CallbackJwtVerifier => {
  const keys = createRemoteJWKSet(new URL(config.jwksUrl))
  return async (headers) => {
    const authorization = headerOf(headers, "authorization")
    if (authorization === undefined || authorization.trim() === "")
      return unauthorized("no Authorization header (ACS signs every callback with a bearer JWT)")
    const token = BEARER.exec(authorization)?.[1]
    if (token === undefined) return unauthorized("Authorization is not a Bearer token")
    try {
      await jwtVerify(token, keys, {
        algorithms: ALGORITHMS,
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ["exp"],
        clockTolerance: CALLBACK_JWT_CLOCK_TOLERANCE_S,
      })
      return Result.void
    } catch (error) {
      return reasonOf(error)
    }
  }
}
