import { ROUTES, type RouteDefinition } from "@lifeline/client"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type ApiHarness, apiHarness } from "./test-kit"

let h: ApiHarness
beforeEach(async () => {
  h = await apiHarness()
})
afterEach(() => h.dispose())

/** Hono's `/api/reps/:repId` is OpenAPI's `/api/reps/{repId}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, "{$1}")

describe("OpenAPI document", () => {
  it("documents every API route the app serves, and nothing it does not", async () => {
    const res = await h.app.request("/api/openapi.json")
    expect(res.status).toBe(200)
    const spec = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(spec.openapi).toMatch(/^3\./)
    const served = new Set(
      h.app.routes
        .filter((r) => r.path.startsWith("/api/") && r.method !== "ALL" && r.path !== "/api/openapi.json")
        .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
    )
    const documented = new Set(
      Object.entries(spec.paths)
        .filter(([path]) => path.startsWith("/api/"))
        .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    )
    expect([...documented].sort()).toEqual([...served].sort())
    expect(served.size).toBeGreaterThan(15)
  })

  it("N3 documents request bodies from the same schemas the handlers validate with", async () => {
    const spec = (await (await h.app.request("/api/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >
    }
    const body = spec.paths["/api/items"]?.post?.requestBody?.content["application/json"]?.schema as {
      required?: string[]
      properties?: Record<string, unknown>
    }
    expect(body.required).toEqual(expect.arrayContaining(["itemId", "queueId"]))
    expect(Object.keys(body.properties ?? {})).toEqual(expect.arrayContaining(["priority", "attributes"]))
  })

  it("issue 20: each operation is registered at the path and method of its one definition, with a success body", async () => {
    const spec = (await (await h.app.request("/api/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<string, { operationId?: string; responses: Record<string, { content?: unknown }> }>
      >
    }
    const registered = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    )
    for (const { path, method, op } of registered.filter((r) => r.path.startsWith("/api/"))) {
      const route: RouteDefinition | undefined = ROUTES[op.operationId as keyof typeof ROUTES]
      expect(route, `${method} ${path} has a definition in ROUTES`).toBeDefined()
      expect({ path: route?.path, method: route?.method }).toEqual({ path, method })
      expect(
        op.responses[String(route?.status ?? 200)]?.content,
        `${method} ${path} documents its reply`,
      ).toBeDefined()
    }
  })
})
