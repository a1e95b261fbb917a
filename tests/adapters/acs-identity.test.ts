import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type AcsIdentityConfig, makeRepCallingIdentity, openDatabase } from "@lifeline/adapters"
import { Effect, Exit, Scope } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type IdentityStandin, startIdentityStandin } from "../standins/identity-standin"
import { type AcsHarness, startAcsHarness } from "./acs-harness"

/**
 * Issue 19 "Real calling in a deployment": a rep's ACS user is created once through the identity
 * service (the real @azure/communication-identity SDK, against the stand-in of its REST API),
 * stored in a libSQL file, and its VoIP tokens issued from it; PSAP redirects (E6) go to it.
 */

let standin: IdentityStandin
let acs: AcsHarness
let dir: string
let scope: Scope.Closeable

beforeAll(async () => {
  standin = await startIdentityStandin()
  acs = await startAcsHarness()
})
afterAll(async () => {
  await standin.close()
  await acs.close()
})
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-identity-"))
  scope = Effect.runSync(Scope.make())
})
afterEach(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void))
  rmSync(dir, { recursive: true, force: true })
})

/** One node's identity adapter on this test's database file (its own connection, migrated). */
const node = async (config: Partial<AcsIdentityConfig> = {}) => {
  const db = await Effect.runPromise(Scope.provide(scope)(openDatabase(`file:${join(dir, "lifeline.db")}`)))
  return makeRepCallingIdentity(db, {
    connectionString: standin.connectionString,
    allowInsecureConnection: true,
    maxRetries: 0,
    requestTimeoutMs: 5_000,
    ...config,
  })
}

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

describe("issue 19: ACS user tokens from the node", () => {
  it("creates the rep's ACS user once, stores it, and issues VoIP tokens for it", async () => {
    const identity = await node({ tokenMinutes: 60 })
    expect(await run(identity.endpointOf("ana"))).toBeUndefined()
    const before = Date.now()
    const first = await run(identity.token("ana"))
    const second = await run(identity.token("ana"))

    expect(first.userId).toMatch(/^8:acs:/)
    expect(second.userId).toBe(first.userId)
    expect(standin.users.has(first.userId)).toBe(true)
    expect(await run(identity.endpointOf("ana"))).toBe(first.userId)
    const issued = standin.tokens.filter((t) => t.userId === first.userId)
    expect(issued.map((t) => t.scopes)).toEqual([["voip"], ["voip"]])
    expect(second.token).toBe(issued[1]?.token)
    expect(second.expiresOn).toBeGreaterThanOrEqual(before + 60 * 60_000 - 1_000)
    expect(second.expiresOn).toBeLessThanOrEqual(Date.now() + 60 * 60_000 + 1_000)
    const creates = standin.requests.filter((r) => r.method === "POST" && r.path === "/identities")
    expect(creates.length).toBeGreaterThanOrEqual(1)
  })

  it("gives another node the same stored user, and each rep its own", async () => {
    const one = await node()
    const other = await node()
    const ana = await run(one.token("ana"))
    expect((await run(other.token("ana"))).userId).toBe(ana.userId)
    const ben = await run(other.token("ben"))
    expect(ben.userId).not.toBe(ana.userId)
  })

  it("two nodes racing for a new rep keep one user and delete the spare", async () => {
    const [one, other] = [await node(), await node()]
    const usersBefore = standin.users.size
    const [a, b] = await Promise.all([run(one.token("caro")), run(other.token("caro"))])
    expect(a.userId).toBe(b.userId)
    expect(standin.users.size).toBe(usersBefore + 1)
  })

  it("an identity service that fails stores nothing and says why", async () => {
    const identity = await node()
    standin.failNext(1, 503)
    const exit = await Effect.runPromiseExit(identity.token("dan"))
    expect(Exit.isFailure(exit)).toBe(true)
    expect(JSON.stringify(exit)).toContain("CallingIdentityFailed")
    expect(await run(identity.endpointOf("dan"))).toBeUndefined()
    // The next request creates the user normally.
    expect((await run(identity.token("dan"))).userId).toMatch(/^8:acs:/)
  })

  it("E6: a PSAP callback is redirected to the rep's stored ACS user, the prefix rule only without one", async () => {
    const identity = await node()
    const { userId } = await run(identity.token("bea"))
    const adapter = acs.adapter({ storedRepEndpoint: identity.endpointOf })

    await acs.ring(adapter, "psap-stored", "+4535000001")
    await acs.perform(adapter, { _tag: "Redirect", callId: "psap-stored", repId: "bea" }, "redirect-stored")
    expect(JSON.stringify(acs.performed("RedirectCall").at(-1)?.body)).toContain(userId)

    await acs.ring(adapter, "psap-prefix", "+4535000002")
    await acs.perform(adapter, { _tag: "Redirect", callId: "psap-prefix", repId: "eve" }, "redirect-prefix")
    expect(JSON.stringify(acs.performed("RedirectCall").at(-1)?.body)).toContain("8:acs:rep-eve")
  })
})
