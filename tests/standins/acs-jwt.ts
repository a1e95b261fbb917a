import {
  createHmac,
  createSign,
  type JsonWebKey,
  type KeyObject,
  generateKeyPair as nodeKeyPair,
  randomUUID,
} from "node:crypto"
import { promisify } from "node:util"

/**
 * RS256 JWTs as ACS signs its callback POSTs (`Authorization: Bearer <JWT>`, a new token per
 * event, five minutes of life), and the JWKS that publishes the key. Written on node:crypto, not
 * on jose, so the adapter's jose-based verifier is checked against an independent signer.
 */

export interface JwtClaims {
  readonly iss?: string | undefined
  readonly aud?: string | readonly string[] | undefined
  readonly exp?: number | undefined
  readonly nbf?: number | undefined
  readonly iat?: number | undefined
  readonly [claim: string]: unknown
}

export interface JwtSigner {
  readonly kid: string
  /** The public key as a JWK Set, what `GET /calling/keys` serves. */
  readonly jwks: { readonly keys: readonly JsonWebKey[] }
  /** A compact JWS over `claims`; `header` fields replace the defaults (alg RS256, typ, kid). */
  readonly sign: (claims: JwtClaims, header?: Readonly<Record<string, unknown>>) => string
}

const generateKeyPair = promisify(nodeKeyPair)
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")

export const signJws = (
  privateKey: KeyObject,
  claims: JwtClaims,
  header: Readonly<Record<string, unknown>>,
): string => {
  const input = `${b64url(header)}.${b64url(claims)}`
  return `${input}.${createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url")}`
}

/** A fresh RSA-2048 key under `kid` (a random one by default). */
export const makeJwtSigner = async (kid: string = randomUUID()): Promise<JwtSigner> => {
  const { publicKey, privateKey } = await generateKeyPair("rsa", { modulusLength: 2048 })
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" }
  return {
    kid,
    jwks: { keys: [jwk] },
    sign: (claims, header = {}) => signJws(privateKey, claims, { alg: "RS256", typ: "JWT", kid, ...header }),
  }
}

/** An unsecured token (`alg: none`), for the algorithm check. */
export const unsecuredJws = (claims: JwtClaims): string =>
  `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`

/** HS256 keyed with `secret` (the classic confusion: the RSA public key used as an HMAC key). */
export const hmacJws = (secret: string, claims: JwtClaims, kid?: string): string => {
  const input = `${b64url({ alg: "HS256", typ: "JWT", ...(kid === undefined ? {} : { kid }) })}.${b64url(claims)}`
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`
}

export const nowSeconds = () => Math.floor(Date.now() / 1000)
