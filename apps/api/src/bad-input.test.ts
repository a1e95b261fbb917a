import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ApiHarness, apiHarness, json, KEYS } from "./test-kit"

let h: ApiHarness
beforeAll(async () => {
  h = await apiHarness()
})
afterAll(() => h.dispose())

/** Every API route the app serves, with its path parameters filled with ids nobody has. */
const routes = () =>
  h.app.routes
    .filter((r) => r.path.startsWith("/api/") && r.method !== "ALL" && r.path !== "/api/events")
    .map((r) => ({ method: r.method, path: r.path.replace(/:[A-Za-z]+/g, "nope") }))

const KEYS_TO_TRY = [undefined, KEYS.admin, KEYS.ana, KEYS.integrator, KEYS.supervisor]

describe("N3 bad input on every route: a 4xx that names the problem, nothing changed, never a 5xx", () => {
  it("malformed, empty and wrongly typed bodies, unknown ids, every role", async () => {
    const before = await h.storedEvents()
    const bodies = [
      "",
      "{",
      "[]",
      "null",
      '"text"',
      "42",
      '{"itemId": 7}',
      '{"presenceId": ["x"]}',
      '{"_tag":"RegisterRep"}',
    ]
    for (const route of routes()) {
      for (const key of KEYS_TO_TRY) {
        for (const body of route.method === "GET" || route.method === "DELETE" ? [undefined] : bodies) {
          const res = await h.request(key, route.method, route.path, body)
          const outcome = { route: `${route.method} ${route.path}`, key, body, status: res.status }
          expect(outcome.status, JSON.stringify(outcome)).toBeLessThan(500)
          if (res.status >= 400) {
            const error = (await json(res)).error as { code?: string; message?: string }
            expect(error.code, JSON.stringify(outcome)).toEqual(expect.any(String))
            expect(error.message, JSON.stringify(outcome)).toEqual(expect.any(String))
          }
        }
      }
    }
    expect(await h.storedEvents()).toBe(before)
  })

  it("random JSON bodies never cause a 5xx or a change (property)", async () => {
    const before = await h.storedEvents()
    const writes = routes().filter((r) => r.method !== "GET" && r.method !== "DELETE")
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writes),
        fc.constantFrom(...KEYS_TO_TRY),
        fc.jsonValue(),
        async (route, key, value) => {
          const res = await h.request(key, route.method, route.path, JSON.stringify(value))
          return res.status >= 400 && res.status < 500
        },
      ),
      { numRuns: 300 },
    )
    expect(await h.storedEvents()).toBe(before)
  })

  it("a wrong type names the field", async () => {
    const res = await h.request(KEYS.admin, "PUT", "/api/reps/ana/emergency-contacts", { contacts: 5 })
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: { code: "InvalidField", field: "contacts" } })
    const bad = await h.request(KEYS.admin, "PUT", "/api/reps/ana/emergency-contacts", {
      contacts: "a@b.com; not-an-address",
    })
    expect(bad.status).toBe(400)
    const body = await json(bad)
    expect(body).toMatchObject({ error: { field: "contacts" } })
    expect(JSON.stringify(body)).toContain("not-an-address")
  })
})
