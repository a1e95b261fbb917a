import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type ApiHarness, apiHarness, json, KEYS } from "../test-kit"
import { keysAtStart, parseApiKeys, principalForKey } from "./keys"

let h: ApiHarness
beforeEach(async () => {
  h = await apiHarness()
})
afterEach(() => h.dispose())

describe("N4 roles and keys", () => {
  it("401 without a key or with a key nobody issued", async () => {
    for (const key of [undefined, "not-a-real-key"]) {
      const res = await h.request(key, "GET", "/api/queues")
      expect(res.status).toBe(401)
      expect(await json(res)).toMatchObject({ error: { code: "Unauthenticated" } })
    }
  })

  it("N4 a rep acts only on itself: presence of another rep is 403 and changes nothing", async () => {
    const before = await h.storedEvents()
    const res = await h.request(KEYS.ana, "PUT", "/api/reps/ben/presence", { presenceId: "away" })
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ error: { code: "Forbidden", field: "repId" } })
    expect(await h.storedEvents()).toBe(before)
    const own = await h.request(KEYS.ana, "PUT", "/api/reps/ana/presence", { presenceId: "away" })
    expect(own.status).toBe(200)
    expect(await json(await h.request(KEYS.ana, "GET", "/api/reps/ana"))).toMatchObject({
      presenceId: "away",
    })
  })

  it("N4 admins configure; reps, supervisors and integrators may not", async () => {
    const queue = { queueId: "new-q", name: "New" }
    for (const key of [KEYS.ana, KEYS.supervisor, KEYS.integrator]) {
      const res = await h.request(key, "POST", "/api/queues", queue)
      expect(res.status).toBe(403)
    }
    expect((await h.request(KEYS.admin, "POST", "/api/queues", queue)).status).toBe(201)
  })

  it("N4 a supervisor key names the queues that supervisor sees", async () => {
    const keys = parseApiKeys("sup-billing-key=supervisor:billing")
    const principal = principalForKey(keys, "sup-billing-key")
    expect(principal).toEqual({ role: "supervisor", name: "key 1", queues: new Set(["billing"]) })
    expect(principalForKey(keys, "sup-billing-kez")).toBeUndefined()
  })

  it("refuses a malformed key list with the entry's number", () => {
    expect(() => parseApiKeys("short=admin")).toThrow(/entry 1: a key needs at least 8/)
    expect(() => parseApiKeys("long-enough-key=boss")).toThrow(/entry 1: unknown role 'boss'/)
    expect(() => parseApiKeys("ok-admin-key=admin,long-enough-key=rep")).toThrow(/entry 2: rep needs :repId/)
  })

  it("N3 an oversized body is refused with 413 before anything changes", async () => {
    const before = await h.storedEvents()
    const big = JSON.stringify({ itemId: "x", queueId: "billing", attributes: { blob: "a".repeat(70_000) } })
    const res = await h.request(KEYS.integrator, "POST", "/api/items", big)
    expect(res.status).toBe(413)
    expect(await json(res)).toMatchObject({ error: { code: "PayloadTooLarge" } })
    expect(await h.storedEvents()).toBe(before)
  })

  it("issue 21 with sign-in configured, a node needs no LIFELINE_API_KEYS (admins create keys over the API)", () => {
    expect(keysAtStart({ configured: undefined, demo: false, hostname: "0.0.0.0", signIn: true })).toEqual({
      _tag: "keys",
      keys: new Map(),
      demoKeys: false,
    })
    // Without it, the fail-closed rule of issue 16 holds.
    expect(keysAtStart({ configured: undefined, demo: false, hostname: "0.0.0.0" })._tag).toBe("refused")
  })
})
