import * as client from "openid-client"
import { isLoopback } from "./keys"

/**
 * Issue 21: sign-in with OpenID Connect, the authorization code flow with PKCE, through
 * `openid-client` (certified, no protocol code of ours). Discovery runs at the first sign-in and
 * again after a failure, so a node starts while the provider is unreachable.
 */
export interface OidcSettings {
  /** The provider's issuer URL (its `/.well-known/openid-configuration` is discovered). */
  readonly issuer: string
  readonly clientId: string
  /** Absent: a public client (PKCE alone). */
  readonly clientSecret?: string
  /** Where the provider sends people back: the public URL's `/auth/callback`. */
  readonly redirectUrl: string
  /** Space-separated; `openid` is always asked for. */
  readonly scopes: string
}

/** What the browser must bring back, kept server side (sign_ins) until the callback. */
export interface Challenge {
  readonly url: URL
  readonly state: string
  readonly nonce: string
  readonly codeVerifier: string
}

export interface Oidc {
  readonly begin: () => Promise<Challenge>
  /** The ID token's claims, after openid-client checked state, nonce, PKCE and the token. */
  readonly finish: (
    callbackQuery: string,
    pending: { readonly state: string; readonly nonce: string; readonly codeVerifier: string },
  ) => Promise<Readonly<Record<string, unknown>>>
}

const scopesOf = (scopes: string): string =>
  [...new Set(["openid", ...scopes.split(/\s+/).filter(Boolean)])].join(" ")

export const makeOidc = (settings: OidcSettings): Oidc => {
  const issuer = new URL(settings.issuer)
  // http only to a provider on this machine (tests, a local Keycloak); settings.ts checks too.
  const insecure = issuer.protocol === "http:" && isLoopback(issuer.hostname)
  let configuration: Promise<client.Configuration> | undefined
  const configured = () => {
    configuration ??= client
      .discovery(
        issuer,
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret === undefined ? client.None() : undefined,
        insecure ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        configuration = undefined
        throw error
      })
    return configuration
  }
  return {
    begin: async () => {
      const config = await configured()
      const codeVerifier = client.randomPKCECodeVerifier()
      const state = client.randomState()
      const nonce = client.randomNonce()
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUrl,
        scope: scopesOf(settings.scopes),
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: "S256",
        state,
        nonce,
      })
      return { url, state, nonce, codeVerifier }
    },
    finish: async (callbackQuery, pending) => {
      const config = await configured()
      // The redirect URL as registered, whatever host a proxy in front handed the request on to.
      const current = new URL(settings.redirectUrl)
      current.search = callbackQuery
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      const claims = tokens.claims()
      if (claims === undefined) throw new Error("the provider returned no ID token")
      return claims as Readonly<Record<string, unknown>>
    },
  }
}
