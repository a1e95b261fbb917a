import {
  ACS_CALLBACK_JWT_ISSUER,
  type CallbackJwtRejected,
  type CallbackJwtVerifier,
  makeCallbackJwtVerifier,
  parseCallbackPost,
} from "@lifeline/adapters"
import { Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { hmacJws, makeJwtSigner, nowSeconds, unsecuredJws } from "../standins/acs-jwt"
import { type AcsStandin, startAcsStandin } from "../standins/acs-standin"
import { listen } from "../standins/http"
import { type AcsHarness, SECRET, startAcsHarness } from "./acs-harness"

/** An ACS resource's immutable resource id, the audience ACS puts in its callback tokens. */
const AUDIENCE = "6f1a0c3e-2b7d-4e59-9c1a-0d4b8e2f7a51"
const ISSUER = ACS_CALLBACK_JWT_ISSUER

let acs: AcsStandin
let verify: CallbackJwtVerifier
beforeAll(async () => {
  acs = await startAcsStandin({ signCallbacks: { issuer: ISSUER, audience: AUDIENCE } })
  verify = makeCallbackJwtVerifier({ jwksUrl: acs.jwksUrl, issuer: ISSUER, audience: AUDIENCE })
})
afterAll(() => acs.close())

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** The refusal, or a failure naming the accepted token. */
const refusal = async (headers: Record<string, string> | undefined): Promise<CallbackJwtRejected> => {
  const result = await verify(headers)
  if (Result.isSuccess(result)) throw new Error(`accepted ${JSON.stringify(headers)}`)
  return result.failure
}

describe("ACS callback JWT verifier (issue 6), against the stand-in's JWKS over HTTP", () => {
  it("accepts a token the stand-in signs, from a Headers object or a record, any case of Bearer", async () => {
    const token = acs.callbackToken()
    expect(await verify(bearer(token))).toEqual(Result.succeed(undefined))
    expect(await verify(new Headers({ Authorization: `Bearer ${token}` }))).toEqual(Result.succeed(undefined))
    expect(await verify({ Authorization: `bearer ${token}` })).toEqual(Result.succeed(undefined))
  })

  it("fetches the JWKS once and keeps it: many callbacks, one key fetch", async () => {
    const fresh = makeCallbackJwtVerifier({ jwksUrl: acs.jwksUrl, issuer: ISSUER, audience: AUDIENCE })
    const before = acs.keyFetches()
    for (let i = 0; i < 5; i++) expect(Result.isSuccess(await fresh(bearer(acs.callbackToken())))).toBe(true)
    expect(acs.keyFetches() - before).toBe(1)
  })

  it("allows a minute of clock skew on exp, not more", async () => {
    const now = nowSeconds()
    expect(await verify(bearer(acs.callbackToken({ exp: now - 30 })))).toEqual(Result.succeed(undefined))
    expect((await refusal(bearer(acs.callbackToken({ exp: now - 120 })))).message).toMatch(/expired/)
  })

  it.each<[string, () => Promise<Record<string, string> | undefined>, RegExp]>([
    ["no headers at all", async () => undefined, /no Authorization header/],
    [
      "no Authorization header",
      async () => ({ "content-type": "application/json" }),
      /no Authorization header/,
    ],
    ["an empty Authorization header", async () => ({ authorization: "" }), /no Authorization header/],
    ["another scheme", async () => ({ authorization: `Basic ${acs.callbackToken()}` }), /not a Bearer token/],
    ["Bearer without a token", async () => ({ authorization: "Bearer" }), /not a Bearer token/],
    ["a token that is not a JWT", async () => bearer("not-a-jwt"), /not a well-formed JWT/],
    [
      "a token signed by another key presenting the stand-in's key id",
      async () => {
        const forger = await makeJwtSigner(acs.callbackKeyId)
        return bearer(forger.sign({ iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 300 }))
      },
      /signature does not verify/,
    ],
    [
      "a token signed by another key under its own key id",
      async () =>
        bearer((await makeJwtSigner()).sign({ iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 300 })),
      /key the signer does not publish/,
    ],
    [
      "a genuine token whose claims were edited (aud swapped in)",
      async () => {
        const [header, , signature] = acs.callbackToken({ aud: "someone-else" }).split(".")
        const [, payload] = acs.callbackToken().split(".")
        // The other token's payload under this signature: same key, different bytes.
        return bearer(`${header}.${payload}.${signature}`)
      },
      /signature does not verify/,
    ],
    [
      "the wrong audience",
      async () => bearer(acs.callbackToken({ aud: "another-acs-resource" })),
      /wrong audience/,
    ],
    [
      "the wrong issuer",
      async () => bearer(acs.callbackToken({ iss: "https://evil.example" })),
      /wrong issuer/,
    ],
    ["an expired token", async () => bearer(acs.callbackToken({ exp: nowSeconds() - 600 })), /expired/],
    ["a token without exp", async () => bearer(acs.callbackToken({ exp: undefined })), /"exp"/],
    [
      "a token not valid yet",
      async () => bearer(acs.callbackToken({ nbf: nowSeconds() + 600 })),
      /not valid yet/,
    ],
    [
      "an unsecured token (alg none)",
      async () => bearer(unsecuredJws({ iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 300 })),
      /algorithm not allowed/,
    ],
    [
      "HS256 keyed with the published public key",
      async () => {
        const jwks = (await (await fetch(acs.jwksUrl)).json()) as { keys: { n: string }[] }
        return bearer(hmacJws(jwks.keys[0]?.n ?? "", { iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 300 }))
      },
      /algorithm not allowed/,
    ],
  ])("refuses %s as AcsWebhookUnauthorized, saying why", async (_, headers, reason) => {
    const refused = await refusal(await headers())
    expect(refused._tag).toBe("AcsWebhookUnauthorized")
    expect(refused.message).toMatch(/^callback JWT rejected: /)
    expect(refused.message).toMatch(reason)
  })

  it("keys that cannot be had are not the caller's fault: AcsWebhookKeysUnavailable (503), not 401", async () => {
    const gone = await listen((_req, res) => void res.end())
    await gone.close()
    const unreachable = makeCallbackJwtVerifier({
      jwksUrl: `${gone.url}/keys`,
      issuer: ISSUER,
      audience: AUDIENCE,
    })
    const down = await unreachable(bearer(acs.callbackToken()))
    expect(Result.isFailure(down) && down.failure._tag).toBe("AcsWebhookKeysUnavailable")
    // A JWKS URL answering something other than 200 (here the stand-in's 401 for an unsigned REST call).
    const wrongUrl = makeCallbackJwtVerifier({
      jwksUrl: `${acs.endpoint}calling/callConnections`,
      issuer: ISSUER,
      audience: AUDIENCE,
    })
    const refused = await wrongUrl(bearer(acs.callbackToken()))
    expect(Result.isFailure(refused) && refused.failure).toMatchObject({
      _tag: "AcsWebhookKeysUnavailable",
      message: expect.stringMatching(/keys unavailable/),
    })
  })

  it("the stand-in serves an OpenID configuration pointing at its JWKS, as ACS does", async () => {
    const config = (await (await fetch(acs.openIdConfigurationUrl)).json()) as Record<string, unknown>
    expect(config).toEqual({ issuer: ISSUER, jwks_uri: acs.jwksUrl })
  })
})

describe("the stand-in's callback deliveries carry a token the verifier accepts", () => {
  let h: AcsHarness
  beforeAll(async () => {
    h = await startAcsHarness({ signCallbacks: { issuer: ISSUER, audience: AUDIENCE } })
  })
  afterAll(() => h.close())

  it("each callback POST (and a redelivery) is signed: iss, aud, a five-minute exp", async () => {
    const check = makeCallbackJwtVerifier({ jwksUrl: h.acs.jwksUrl, issuer: ISSUER, audience: AUDIENCE })
    const adapter = h.adapter()
    const rung = await h.ring(adapter, "call-jwt")
    // Event Grid's IncomingCall is not signed with ACS's callback key.
    expect(h.receiver.received.at(-1)?.headers.authorization).toBeUndefined()
    expect(
      Result.isSuccess(await h.perform(adapter, { _tag: "Answer", callId: "call-jwt" }, "answer-jwt")),
    ).toBe(true)
    expect(rung.status).toBe(200)
    const connected = await h.event(h.acs.callConnected(h.connectionOf("call-jwt")))

    const delivered = h.receiver.received.at(-1)
    expect(delivered?.headers.authorization).toMatch(/^Bearer /)
    expect(await check(delivered?.headers)).toEqual(Result.succeed(undefined))
    // Both checks pass on the same request: the JWT and the URL token.
    expect(Result.isSuccess(parseCallbackPost(delivered ?? { url: "", body: "" }, SECRET))).toBe(true)
    const claims = JSON.parse(
      Buffer.from(delivered?.headers.authorization?.split(".")[1] ?? "", "base64url").toString(),
    ) as Record<string, number | string>
    expect(claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE })
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)

    expect(await h.acs.redeliver(connected.eventId)).toBe(200)
    expect(await check(h.receiver.received.at(-1)?.headers)).toEqual(Result.succeed(undefined))
  })
})
