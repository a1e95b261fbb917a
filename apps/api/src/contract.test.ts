import { ApiErrorBody, ROUTES, type RouteDefinition } from "@lifeline/client"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { contractApp } from "./contract-kit"
import { KEYS } from "./test-kit"

/**
 * Issue 20: real answers against the documented contract. Every route is driven on the seeded
 * demo node with every route mounted; successes are decoded with the route's reply schema held
 * closed (no field the document does not state), refusals with the shared ApiError schema, and
 * each status seen must be one the served document lists for the operation.
 */
let node: Awaited<ReturnType<typeof contractApp>>
let spec: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }
beforeAll(async () => {
  node = await contractApp()
  spec = (await (await node.app.request("/api/openapi.json")).json()) as typeof spec
})
afterAll(() => node.dispose())

const KEY_OF = {
  admin: KEYS.admin,
  integrator: KEYS.integrator,
  supervisor: KEYS.supervisor,
  rep: KEYS.ana,
} as const
/** The seeded demo's ids: ana is a rep of billing. */
const FIXTURE: Record<string, string> = { repId: "ana", queueId: "billing" }

const call = (route: RouteDefinition, key: string | undefined, body?: unknown) =>
  node.app.request(
    route.path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(FIXTURE[p] ?? "none")),
    {
      method: route.method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    },
  )

const documented = (route: RouteDefinition, status: number) =>
  Object.keys(spec.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {}).includes(String(status))

const closed = { onExcessProperty: "error" } as const
const expectRefusal = async (route: RouteDefinition, res: Response, status: number) => {
  expect(res.status).toBe(status)
  expect(documented(route, status), `${route.method} ${route.path} documents ${status}`).toBe(true)
  Schema.decodeUnknownSync(ApiErrorBody, closed)(await res.json())
}

const entries = Object.entries(ROUTES) as [string, RouteDefinition][]
const rolesOf = (route: RouteDefinition) => (route.roles === "public" ? [] : route.roles)

describe("issue 20 contract: every route's real answers match its documented schema", () => {
  it.each(
    entries.filter(([, r]) => r.method === "GET" && (r.media ?? "application/json") === "application/json"),
  )("%s answers its documented reply", async (_, route) => {
    const role = rolesOf(route)[0] ?? "admin"
    const res = await call(route, KEY_OF[role])
    const status = route.status ?? 200
    if (res.status !== status) {
      // An id the demo does not have (an item, a callback, a session, a call): a documented 404.
      return expectRefusal(route, res, 404)
    }
    expect(documented(route, status)).toBe(true)
    Schema.decodeUnknownSync(route.reply, closed)(await res.json())
  })

  it.each(entries)("%s: no key is a documented 401 ApiError (N4)", async (_, route) => {
    await expectRefusal(route, await call(route, undefined, route.body === undefined ? undefined : {}), 401)
  })

  it.each(entries.filter(([, r]) => rolesOf(r).length < 4))(
    "%s: a role not listed is a documented 403 ApiError (N4)",
    async (_, route) => {
      const outsider = (["integrator", "supervisor", "rep", "admin"] as const).find(
        (r) => !rolesOf(route).includes(r),
      )
      await expectRefusal(
        route,
        await call(route, KEY_OF[outsider ?? "rep"], route.body === undefined ? undefined : {}),
        403,
      )
    },
  )

  /** Routes whose path ids the demo has: their body is decoded before anything is looked up. */
  const decodable = entries.filter(
    ([, r]) =>
      r.body !== undefined &&
      [...r.path.matchAll(/\{(\w+)\}/g)].every((m) => FIXTURE[m[1] as string] !== undefined),
  )
  it.each(decodable)("%s: bad input is a documented 400 ApiError (N3)", async (_, route) => {
    // An admin where allowed: a rep completing its own work sends no body at all.
    const role = rolesOf(route).includes("admin") ? "admin" : (rolesOf(route)[0] ?? "admin")
    await expectRefusal(route, await call(route, KEY_OF[role], { notAField: 1 }), 400)
  })

  it.each(entries.filter(([, r]) => r.body !== undefined))(
    "%s: a body over 64 KiB is a documented 413 ApiError",
    async (_, route) => {
      const role = rolesOf(route)[0] ?? "admin"
      await expectRefusal(
        route,
        await call(route, KEY_OF[role], JSON.stringify({ pad: "x".repeat(70_000) })),
        413,
      )
    },
  )

  it("E2 the emergency dial's refusal is a documented 422 with `reasons` the shared error admits", async () => {
    const route = ROUTES.dialEmergency
    const res = await call(route, KEYS.ana, { dialString: "911", location: { region: "FR" } })
    expect(res.status).toBe(422)
    expect(documented(route, 422)).toBe(true)
    const body = Schema.decodeUnknownSync(ApiErrorBody, closed)(await res.json())
    expect(body.error.reasons?.length).toBeGreaterThan(0)
  })

  it("C7 a scheduled callback's answers (201, then its view) match their documented replies", async () => {
    const created = await call(ROUTES.requestCallback, KEYS.integrator, {
      number: "+14155550123",
      queueId: "billing",
    })
    expect(created.status).toBe(201)
    const { callbackId } = Schema.decodeUnknownSync(
      ROUTES.requestCallback.reply,
      closed,
    )(await created.json())
    const view = await node.app.request(`/api/callbacks/${encodeURIComponent(callbackId)}`, {
      headers: { authorization: `Bearer ${KEYS.integrator}` },
    })
    expect(view.status).toBe(200)
    Schema.decodeUnknownSync(ROUTES.callback.reply, closed)(await view.json())
  })
})
