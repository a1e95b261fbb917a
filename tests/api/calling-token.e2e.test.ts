import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  type ApiSettings,
  apiLayer,
  boot,
  DEMO_API_KEYS,
  KEYS,
  makeLogger,
  type Node,
  parseApiKeys,
} from "@lifeline/api/testing"
import { CallingToken, lifelineClient } from "@lifeline/client"
import { Schema } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { nodeTokenCredential } from "../../apps/web/src/calling/acs"
import { type IdentityStandin, startIdentityStandin } from "../standins/identity-standin"

/**
 * Issue 19 "Real calling in a deployment": `POST /api/reps/{repId}/calling-token` on a real node
 * (boot, libSQL file, real HTTP) whose ACS settings name the identity stand-in; the rep itself
 * only; a node without ACS answers 409 CallingNotConfigured; a failing identity service 503.
 */

let standin: IdentityStandin
let dir: string
let node: Node | undefined
beforeAll(async () => {
  standin = await startIdentityStandin()
})
afterAll(() => standin.close())
afterEach(async () => {
  await node?.stop()
  node = undefined
  rmSync(dir, { recursive: true, force: true })
})

const start = async (telephony: ApiSettings["telephony"]) => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-calling-"))
  const settings: ApiSettings = {
    db: { url: `file:${join(dir, "lifeline.db")}`, options: {} },
    telephony,
    mail: { _tag: "recording" },
  }
  node = await boot({
    port: 0,
    hostname: "127.0.0.1",
    demo: true,
    keys: parseApiKeys(DEMO_API_KEYS),
    settings,
    layer: apiLayer(settings),
    log: makeLogger(() => {}),
  })
  return node.url
}

const azure = (): ApiSettings["telephony"] => ({
  _tag: "azure",
  defaultWorkstream: "inbound-voice",
  config: {
    connectionString: standin.connectionString,
    callbackBaseUrl: "http://127.0.0.1:9/webhooks/acs/calls",
    webhookSecret: "calling-token-secret",
    repEndpoint: (repId) => `8:acs:prefix_${repId}`,
    callerId: "+15550100000",
    allowInsecureConnection: true,
  },
})

const tokenFor = (url: string, repId: string, key: string) =>
  fetch(`${url}/api/reps/${repId}/calling-token`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}` },
  })

describe("issue 19: the rep's ACS calling token from the node", () => {
  it("answers the rep's own ACS user and a VoIP token, the same user every time", async () => {
    const url = await start(azure())
    const first = await tokenFor(url, "ana", KEYS.ana)
    expect(first.status).toBe(200)
    const token = Schema.decodeUnknownSync(CallingToken, { onExcessProperty: "error" })(await first.json())
    expect(token.userId).toMatch(/^8:acs:/)
    expect(token.expiresOn).toBeGreaterThan(Date.now() + 59 * 60_000)
    expect(standin.tokens.at(-1)).toMatchObject({
      userId: token.userId,
      scopes: ["voip"],
      token: token.token,
    })
    const again = (await (await tokenFor(url, "ana", KEYS.ana)).json()) as CallingToken
    expect(again.userId).toBe(token.userId)
  })

  it("the web app's ACS credential is fed by the route (AzureCommunicationTokenCredential's refresher)", async () => {
    const url = await start(azure())
    const credential = await nodeTokenCredential(lifelineClient(url, KEYS.dan), "dan")
    const { token, expiresOnTimestamp } = await credential.getToken()
    const issued = standin.tokens.at(-1)
    expect(token).toBe(issued?.token)
    expect(Math.abs(expiresOnTimestamp - (issued?.expiresOn ?? 0))).toBeLessThan(1_000)
    credential.dispose()
  })

  it("N4: only the rep itself gets its token", async () => {
    const url = await start(azure())
    const tokens = standin.tokens.length
    const other = await tokenFor(url, "ben", KEYS.ana)
    expect(other.status).toBe(403)
    expect((await tokenFor(url, "ana", KEYS.admin)).status).toBe(403)
    expect((await tokenFor(url, "ana", KEYS.supervisor)).status).toBe(403)
    expect(standin.tokens.length).toBe(tokens)
  })

  it("a failing identity service is a 503 with a clear code, and the next request works", async () => {
    const url = await start(azure())
    standin.failNext(2, 503)
    const refused = await tokenFor(url, "caro", KEYS.caro)
    expect(refused.status).toBe(503)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      "CallingIdentityUnavailable",
    )
    const ok = await tokenFor(url, "caro", KEYS.caro)
    expect(ok.status).toBe(200)
  })

  it("a node without ACS settings (the demo) answers 409 CallingNotConfigured", async () => {
    const url = await start({ _tag: "simulated", defaultWorkstream: "inbound-voice" })
    const res = await tokenFor(url, "ana", KEYS.ana)
    expect(res.status).toBe(409)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe("CallingNotConfigured")
    expect(body.error.message).toContain("Azure Communication Services")
  })
})
