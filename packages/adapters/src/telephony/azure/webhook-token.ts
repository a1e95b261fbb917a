import { createHmac, timingSafeEqual } from "node:crypto"

/**
 * Authenticity of ACS webhooks by a token in the URL, the "query parameter token" scheme ACS
 * documents. The token is an HMAC of the webhook secret over a scope (the Lifeline call id for a
 * call's callback URL, a fixed scope for the Event Grid subscription), not the secret itself: a
 * callback URL that leaks (provider logs, a proxy) then vouches for one call only, and the secret
 * never leaves the process. Verifying needs no stored state, so it survives a restart.
 */

export const CALL_ID_PARAM = "callId"
export const TOKEN_PARAM = "token"

/** Scope of the Event Grid subscription URL: IncomingCall arrives before any Lifeline call id. */
export const EVENT_GRID_SCOPE = "event-grid"

export const webhookToken = (secret: string, scope: string): string =>
  createHmac("sha256", secret).update(`lifeline/acs-webhook\n${scope}`).digest("base64url")

/** Constant-time comparison of a presented token with the one expected for `scope`. */
export const tokenMatches = (
  secret: string,
  scope: string,
  presented: string | null | undefined,
): boolean => {
  if (presented === null || presented === undefined) return false
  const expected = Buffer.from(webhookToken(secret, scope))
  const given = Buffer.from(presented)
  // Lengths are public (every token has the same length), so checking them first leaks nothing.
  return given.length === expected.length && timingSafeEqual(given, expected)
}

const withParams = (base: string, params: Readonly<Record<string, string>>): string => {
  const url = new URL(base)
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  return url.toString()
}

/** The callback URI given to ACS when Lifeline answers or places call `callId`. */
export const callbackUrl = (base: string, secret: string, callId: string): string =>
  withParams(base, { [CALL_ID_PARAM]: callId, [TOKEN_PARAM]: webhookToken(secret, callId) })

/** The endpoint URL to register on the Event Grid subscription for IncomingCall. */
export const eventGridUrl = (base: string, secret: string): string =>
  withParams(base, { [TOKEN_PARAM]: webhookToken(secret, EVENT_GRID_SCOPE) })
