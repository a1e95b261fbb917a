import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { callbackEvent } from "../standins/acs-events"
import { makeJwtSigner, nowSeconds } from "../standins/acs-jwt"
import { CALLBACK_JWT, type E2e, eventually, KEYS, startE2e } from "./harness"

const LINE = "+15550103333"
const CUSTOMER = "+15557650001"

let e2e: E2e
beforeAll(async () => {
  e2e = await startE2e({}, { callbackJwt: true })
})
afterAll(() => e2e.close())

const post = async (url: string, body: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  })
  const text = await response.text()
  return {
    status: response.status,
    error: text === "" ? undefined : (JSON.parse(text) as { error: { code: string; message: string } }).error,
  }
}

describe("ACS callback JWT on the API's callback route (issue 6, N2, N4)", () => {
  it("refuses callbacks without ACS's valid JWT before reading them, and acts on signed ones", async () => {
    const admin = e2e.as(KEYS.admin)
    // IncomingCall comes through Event Grid, which does not carry ACS's callback JWT.
    expect((await e2e.ring(CUSTOMER, LINE)).status).toBe(200)
    const answered = await eventually(() => e2e.acs.performed.find((p) => p.operation === "AnswerCall"))
    const leg = answered.callConnectionId as string
    const call = e2e.acs.calls.get(leg)
    if (call === undefined) throw new Error("no stand-in call")
    // A signed callback is accepted (the stand-in signs every callback POST).
    expect(await e2e.acs.callConnected(leg)).toBe(200)
    const record = await eventually(async () => (await admin.history()).find((r) => r.from === CUSTOMER))
    expect(record.outcome).not.toBe("abandoned")

    // The caller hanging up, as ACS would post it, but without ACS's token: refused, nothing read.
    const hangUp = JSON.stringify([
      callbackEvent("CallDisconnected", call, { resultInformation: { code: 200 } }),
    ])
    const unsigned = await post(call.callbackUri, hangUp)
    expect(unsigned.status).toBe(401)
    expect(unsigned.error).toMatchObject({
      code: "AcsWebhookUnauthorized",
      message: expect.stringMatching(/no Authorization header/),
    })
    // Checked before the body: garbage without a token is 401, not 400.
    expect((await post(call.callbackUri, "not json")).status).toBe(401)

    const forger = await makeJwtSigner(e2e.acs.callbackKeyId)
    const forged = forger.sign({
      iss: CALLBACK_JWT.issuer,
      aud: CALLBACK_JWT.audience,
      exp: nowSeconds() + 300,
    })
    const refused = [
      await post(call.callbackUri, hangUp, { authorization: `Bearer ${forged}` }),
      await post(call.callbackUri, hangUp, {
        authorization: `Bearer ${e2e.acs.callbackToken({ exp: nowSeconds() - 600 })}`,
      }),
      await post(call.callbackUri, hangUp, {
        authorization: `Bearer ${e2e.acs.callbackToken({ aud: "another-acs-resource" })}`,
      }),
    ]
    expect(refused.map((r) => [r.status, r.error?.code])).toEqual([
      [401, "AcsWebhookUnauthorized"],
      [401, "AcsWebhookUnauthorized"],
      [401, "AcsWebhookUnauthorized"],
    ])
    expect(refused.map((r) => r.error?.message)).toEqual([
      expect.stringMatching(/signature does not verify/),
      expect.stringMatching(/expired/),
      expect.stringMatching(/wrong audience/),
    ])

    // A valid JWT does not replace the URL token: both are required.
    const wrongUrlToken = new URL(call.callbackUri)
    wrongUrlToken.searchParams.set("token", "x".repeat(43))
    const noUrlToken = await post(wrongUrlToken.toString(), hangUp, {
      authorization: `Bearer ${e2e.acs.callbackToken()}`,
    })
    expect(noUrlToken).toMatchObject({ status: 401, error: { message: "missing or wrong webhook token" } })

    // None of that reached the center: the call is still there.
    await new Promise((r) => setTimeout(r, 100))
    expect((await admin.history()).find((r) => r.itemId === record.itemId)?.outcome).not.toBe("abandoned")

    // The same hang-up signed by the stand-in is accepted and acted on.
    expect(await e2e.acs.disconnected(leg)).toBe(200)
    await eventually(async () =>
      (await admin.history()).find((r) => r.itemId === record.itemId && r.outcome === "abandoned"),
    )
    // One JWKS fetch for the whole run: the route keeps its verifier and the verifier its keys.
    expect(e2e.acs.keyFetches()).toBe(1)
  })
})
