import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { buildApp } from "./app"
import { DEMO_API_KEYS, parseApiKeys } from "./auth/keys"
import { listen } from "./server"
import { type ApiHarness, apiHarness, json, KEYS } from "./test-kit"

let h: ApiHarness
beforeEach(async () => {
  h = await apiHarness()
})
afterEach(() => h.dispose())

const get = (path: string, key: string = KEYS.admin) => h.request(key, "GET", path)
const post = (body: string, key: string = KEYS.integrator) => h.request(key, "POST", "/api/items", body)
const storedEvents = () => h.storedEvents()

describe("api", () => {
  it("answers the health check", async () => {
    const res = await h.app.request("/healthz")
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: "ok" })
  })

  it("R5 lists every seeded queue with its waiting calls, staffing and EWT", async () => {
    const res = await get("/api/queues")
    expect(res.status).toBe(200)
    const views = (await res.json()) as { queueId: string }[]
    expect(views.map((v) => v.queueId)).toEqual(["billing", "support", "sales"])
    // billing: ana (1) and ben (2) are on calls; two wait; a new call waits 3 * 240 s / 3 slots.
    expect(views[0]).toEqual({
      queueId: "billing",
      name: "Billing",
      waiting: 2,
      staffed: 3,
      free: 0,
      ahtMs: 240_000,
      ewtMs: 240_000,
      repsByPresence: { available: 2, busy: 0, busy_dnd: 0, away: 0, offline: 0 },
    })
    expect(views[1]).toMatchObject({ waiting: 2, staffed: 2, free: 0, ewtMs: 540_000 })
    expect(views[2]).toMatchObject({ waiting: 1, staffed: 0, ewtMs: null })
  })

  it("returns one queue, or 404 with the field for an unknown one", async () => {
    expect(await json(await get("/api/queues/sales"))).toMatchObject({ queueId: "sales", waiting: 1 })
    const res = await get("/api/queues/nope")
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      error: { code: "UnknownEntity", message: "unknown queue 'nope'", field: "queueId" },
    })
  })

  it("R3 enqueues an item through the core and answers its position by priority (issue 20: the item, not events)", async () => {
    const res = await post(JSON.stringify({ itemId: "vip-1", queueId: "billing", priority: 2 }))
    expect(res.status).toBe(201)
    // Ahead of the two priority-0 calls; one of three busy slots frees in 240 s / 3 on average.
    const expected = {
      itemId: "vip-1",
      queueId: "billing",
      status: "waiting",
      position: 1,
      ewtMs: 80_000,
      effectivePriority: 2,
    }
    expect(await res.json()).toEqual(expected)
    const position = await get("/api/items/vip-1/position")
    expect(position.status).toBe(200)
    expect(await position.json()).toEqual(expected)
    expect(await json(await get("/api/queues/billing"))).toMatchObject({ waiting: 3 })
  })

  it("404 for the position of an unknown item", async () => {
    const res = await get("/api/items/nobody/position")
    expect(res.status).toBe(404)
    expect(await json(res)).toMatchObject({ error: { code: "UnknownEntity", field: "itemId" } })
  })

  it("409 for a duplicate item id", async () => {
    const res = await post(JSON.stringify({ itemId: "call-4", queueId: "support" }))
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({
      error: { code: "AlreadyExists", message: "work item 'call-4' already exists", field: "itemId" },
    })
  })

  it("N3 400 with the field for a bad body (404 for an unknown queue), and nothing changes", async () => {
    const before = await storedEvents()
    const cases: [string, string | undefined][] = [
      [JSON.stringify({ itemId: 7, queueId: "billing" }), "itemId"],
      [JSON.stringify({ queueId: "billing" }), "itemId"],
      [JSON.stringify({ itemId: "a", queueId: "billing", priority: 1.5 }), "priority"],
      [JSON.stringify({ itemId: "a", queueId: "billing", attributes: { tier: 1 } }), "attributes.tier"],
      [JSON.stringify({ itemId: "a", queueId: "billing", priorty: 3 }), "priorty"],
      [JSON.stringify({ itemId: "a", queueId: "nope" }), "queueId"],
      ['{"itemId": "a", ', undefined],
      ["", undefined],
      ["[]", undefined],
    ]
    for (const [body, field] of cases) {
      const res = await post(body)
      const { error } = (await res.json()) as { error: { code: string; field?: string } }
      expect({ body, status: res.status, field: error.field }).toEqual({
        body,
        status: field === "queueId" ? 404 : 400,
        field,
      })
    }
    expect(await storedEvents()).toBe(before)
    expect(await json(await get("/api/queues/billing"))).toMatchObject({ waiting: 2 })
  })

  it("R2 an admin raises a rep's capacity and the rep is offered waiting work; lowering below use is 409", async () => {
    const lower = await h.request(KEYS.admin, "PUT", "/api/reps/ben/capacity", { capacity: { voice: 1 } })
    expect(lower.status).toBe(409)
    expect(await json(lower)).toMatchObject({ error: { code: "InvalidState", field: "capacity.voice" } })
    const raise = await h.request(KEYS.admin, "PUT", "/api/reps/ben/capacity", { capacity: { voice: 3 } })
    expect(raise.status).toBe(200)
    // Issue 20: answered with the rep as it is once the router offered it the waiting work.
    const rep = await json(raise)
    expect(rep).toMatchObject({ repId: "ben", capacity: { voice: { total: 3, used: 3 } } })
    expect(await json(await get("/api/reps/ben"))).toEqual(rep)
    expect(
      (await h.request(KEYS.ben, "PUT", "/api/reps/ben/capacity", { capacity: { voice: 9 } })).status,
    ).toBe(403)
  })

  it("answers unknown routes with a JSON 404", async () => {
    const res = await get("/api/nothing-here")
    expect(res.status).toBe(404)
    expect(await json(res)).toMatchObject({ error: { code: "NotFound" } })
  })

  it("serves a built web app at / and keeps unknown API paths JSON", async () => {
    const webRoot = mkdtempSync(join(tmpdir(), "lifeline-web-"))
    writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>Lifeline</title>")
    const withWeb = buildApp(h.runtime, { keys: parseApiKeys(DEMO_API_KEYS), hub: h.hub, webRoot })
    const page = await withWeb.request("/")
    expect(page.status).toBe(200)
    expect(page.headers.get("content-type")).toMatch(/^text\/html/)
    expect(await page.text()).toContain("<title>Lifeline</title>")
    expect((await withWeb.request("/api/nothing-here")).status).toBe(404)
  })

  it("serves /healthz from a real server on a free port", async () => {
    const server = await listen(h.app, { port: 0, hostname: "127.0.0.1" })
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const res = await fetch(`${server.url}/healthz`)
      expect(await res.json()).toEqual({ status: "ok" })
    } finally {
      await server.close()
    }
  })
})
