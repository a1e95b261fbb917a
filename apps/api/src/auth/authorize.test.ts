import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  AuthStore,
  LibsqlAuthStoreLive,
  MemoryStoreLive,
  SimulatedTelephony,
  SimulatedTelephonyLive,
  VirtualClockLive,
} from "@lifeline/adapters"
import { CENTER_STREAM, Center, CenterLive, type CenterState } from "@lifeline/core/center"
import { Store } from "@lifeline/core/ports"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildApp, liveHubOf } from "../app"
import { seedDemo } from "../demo"
import { makeLogger } from "../ops/log"
import { connectSimulatedProvider } from "../routes/simulator"
import { T0 } from "../test-kit"
import { NAMED } from "./authorize"
import { parseApiKeys } from "./keys"
import { DEFAULT_SESSION_SETTINGS } from "./session"

/**
 * Issue 16, N4: every route the app serves × every kind of caller, from the app's own route
 * table, so a new route cannot skip authorization. The roles a route allows are the ones its
 * OpenAPI operation documents (a second declaration, beside the handler's); the scope rule is
 * the SPEC's: a rep acts on itself, a supervisor on its queues.
 */
const KEYS = {
  ana: "walk-rep-ana",
  ben: "walk-rep-ben",
  supIn: "walk-supervisor-billing",
  supOut: "walk-supervisor-support",
  admin: "walk-admin-key",
  integrator: "walk-integrator-key",
} as const
const KEY_SPEC = [
  `${KEYS.ana}=rep:ana`,
  `${KEYS.ben}=rep:ben`,
  `${KEYS.supIn}=supervisor:billing`,
  `${KEYS.supOut}=supervisor:support`,
  `${KEYS.admin}=admin:walker`,
  `${KEYS.integrator}=integrator:walker`,
].join(",")

type Role = "admin" | "integrator" | "supervisor" | "rep"
/** The caller in each column of the walk: `own` when the named things are its own. */
const CALLERS: readonly {
  readonly name: string
  readonly key: string | undefined
  readonly role: Role | undefined
  readonly own: boolean
}[] = [
  { name: "rep (itself)", key: KEYS.ana, role: "rep", own: true },
  { name: "other rep", key: KEYS.ben, role: "rep", own: false },
  { name: "supervisor in scope", key: KEYS.supIn, role: "supervisor", own: true },
  { name: "supervisor out of scope", key: KEYS.supOut, role: "supervisor", own: false },
  { name: "admin", key: KEYS.admin, role: "admin", own: true },
  { name: "integrator", key: KEYS.integrator, role: "integrator", own: true },
  { name: "no key", key: undefined, role: undefined, own: false },
  { name: "bad key", key: "walk-nobody-issued-this", role: undefined, own: false },
]

const Live = CenterLive.pipe(
  Layer.provideMerge(Layer.mergeAll(MemoryStoreLive, VirtualClockLive(T0), SimulatedTelephonyLive)),
)
let runtime: ManagedRuntime.ManagedRuntime<Layer.Success<typeof Live>, unknown>
let app: ReturnType<typeof buildApp>
let stopSimulator: () => Promise<unknown>
/** Issue 21: the sessions, keys and sign-in audit routes are walked too (their store on a temp file). */
let authDir: string
let authRuntime: ManagedRuntime.ManagedRuntime<AuthStore, unknown>

const request = (key: string | undefined, method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
const read = <A>(reader: (s: CenterState) => A) =>
  runtime.runPromise(Effect.flatMap(Center, (center) => center.read(reader)))
const storedEvents = () => runtime.runPromise(Effect.flatMap(Store, (s) => s.version(CENTER_STREAM)))

/** What each path parameter names in the walk: ana's, in billing (ana is a member of billing only). */
let fixture: Record<string, string>

beforeAll(async () => {
  runtime = ManagedRuntime.make(Live)
  await runtime.runPromise(seedDemo)
  // The simulated provider's routes are mounted too: the walk covers every route a node serves.
  const simulator = connectSimulatedProvider(runtime, await runtime.runPromise(SimulatedTelephony), {
    workstreamFor: () => "inbound-voice",
    log: makeLogger(() => {}),
  })
  stopSimulator = simulator.stop
  authDir = mkdtempSync(join(tmpdir(), "lifeline-walk-"))
  authRuntime = ManagedRuntime.make(LibsqlAuthStoreLive(`file:${join(authDir, "lifeline.db")}`))
  const store = await authRuntime.runPromise(Effect.service(AuthStore))
  app = buildApp(runtime, {
    keys: parseApiKeys(KEY_SPEC),
    hub: await liveHubOf(runtime),
    simulator,
    auth: { store, demo: false, session: DEFAULT_SESSION_SETTINGS },
  })
  // Ana works one billing call; a second unit of capacity brings her an offer of another.
  const raise = await request(KEYS.admin, "PUT", "/api/reps/ana/capacity", { capacity: { voice: 2 } })
  expect(raise.status).toBe(200)
  const cb = await request(KEYS.integrator, "POST", "/api/callbacks", {
    number: "+14155550123",
    queueId: "billing",
  })
  expect(cb.status).toBe(201)
  const { callbackId } = (await cb.json()) as { callbackId: string }
  const mine = await read((s) => ({
    itemId: [...s.routing.items.values()].find((i) => i.assignedTo?.repId === "ana")?.itemId,
    offerId: [...s.routing.offers.values()].find((o) => o.rep.repId === "ana")?.offerId,
    queues: [...(s.routing.reps.get("ana")?.memberships.keys() ?? [])],
    callbackQueue: s.callback.callbacks.get(callbackId)?.queueId,
  }))
  expect(mine).toMatchObject({ itemId: expect.any(String), offerId: expect.any(String) })
  expect(mine.queues).toEqual(["billing"])
  expect(mine.callbackQueue).toBe("billing")
  fixture = {
    repId: "ana",
    queueId: "billing",
    itemId: mine.itemId as string,
    offerId: mine.offerId as string,
    callbackId,
    messageId: "walk-no-such-message",
    // W1: ana's accepted item is a call she has up.
    callId: mine.itemId as string,
    sessionId: "walk-no-such-session",
    keyId: "walk-no-such-key",
    endpointId: "walk-no-such-endpoint",
    deliveryId: "walk-no-such-delivery",
  }
})
afterAll(async () => {
  await stopSimulator()
  await runtime.dispose()
  await authRuntime.dispose()
  rmSync(authDir, { recursive: true, force: true })
})

interface Route {
  readonly method: string
  readonly pattern: string
  readonly path: string
  readonly params: readonly string[]
  /** From the OpenAPI operation: "public", or the roles it allows. */
  readonly roles: "public" | ReadonlySet<string>
}

/** Every /api route the app registered, its parameters filled from the fixture. */
const routeTable = async (): Promise<Route[]> => {
  const spec = (await (await request(KEYS.admin, "GET", "/api/openapi.json")).json()) as {
    paths: Record<string, Record<string, { description?: string; security?: unknown[] }>>
  }
  // A documented route registers twice (the OpenAPI middleware, then the handler): once each.
  const registered = new Map(
    app.routes
      .filter((r) => r.path.startsWith("/api/") && r.method !== "ALL")
      .map((r) => [`${r.method} ${r.path}`, r] as const),
  )
  return [...registered.values()].map((r) => {
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string)
    const op = spec.paths[r.path.replace(/:([A-Za-z]+)/g, "{$1}")]?.[r.method.toLowerCase()]
    if (op === undefined && r.path !== "/api/openapi.json") throw new Error(`undocumented: ${r.path}`)
    const documented = /^Roles: ([a-z, ]+)\./.exec(op?.description ?? "")?.[1]
    return {
      method: r.method,
      pattern: r.path,
      path: r.path.replace(/:([A-Za-z]+)/g, (_, p: string) => encodeURIComponent(fixture[p] ?? "")),
      params,
      roles:
        op === undefined || (op.security !== undefined && op.security.length === 0)
          ? ("public" as const)
          : new Set((documented ?? "").split(", ")),
    }
  })
}

type Expected = "401" | "403" | "allowed"

/** The SPEC's rule, independent of the code under test (N4). */
const expected = (route: Route, caller: (typeof CALLERS)[number]): Expected => {
  if (route.roles === "public") return "allowed"
  if (caller.role === undefined) return "401"
  if (!route.roles.has(caller.role)) return "403"
  return route.params.length > 0 && !caller.own ? "403" : "allowed"
}

const classOf = (status: number): Expected => (status === 401 ? "401" : status === 403 ? "403" : "allowed")

describe("N4 the two cells issue 16 found open", () => {
  it("issue 16: a supervisor of support cannot read the position of a billing item (403); one of billing can", async () => {
    const path = `/api/items/${encodeURIComponent(fixture.itemId as string)}/position`
    const out = await request(KEYS.supOut, "GET", path)
    expect(out.status).toBe(403)
    expect(await out.json()).toMatchObject({ error: { code: "Forbidden", field: "itemId" } })
    const own = await request(KEYS.supIn, "GET", path)
    expect(own.status).toBe(200)
    expect(await own.json()).toMatchObject({ itemId: fixture.itemId, queueId: "billing" })
  })

  it("issue 16: a supervisor of support cannot requeue a billing item (403, nothing changes); the scope is checked before the item's state", async () => {
    const path = `/api/items/${encodeURIComponent(fixture.itemId as string)}/requeue`
    const before = await storedEvents()
    const out = await request(KEYS.supOut, "POST", path)
    expect(out.status).toBe(403)
    expect(await out.json()).toMatchObject({ error: { code: "Forbidden", field: "itemId" } })
    expect(await storedEvents()).toBe(before)
    // In scope, the request reaches the core, which refuses it for the item's state (not escalated).
    const own = await request(KEYS.supIn, "POST", path)
    expect(own.status).toBe(409)
    expect(await own.json()).toMatchObject({ error: { code: "InvalidState", field: "itemId" } })
  })

  it("N4 a supervisor sees only the reps, queues and callbacks of its queues", async () => {
    const named = [
      "/api/reps/ana",
      "/api/queues/billing",
      "/api/queues/billing/overflow",
      `/api/callbacks/${encodeURIComponent(fixture.callbackId as string)}`,
    ]
    for (const path of named) {
      expect((await request(KEYS.supOut, "GET", path)).status, path).toBe(403)
      expect((await request(KEYS.supIn, "GET", path)).status, path).toBe(200)
    }
    // Ben is in billing and support: both supervisors see him.
    expect((await request(KEYS.supOut, "GET", "/api/reps/ben")).status).toBe(200)
    expect((await request(KEYS.supIn, "GET", "/api/reps/ben")).status).toBe(200)
  })

  it("N4 a rep answers only its own offers and completes only its own work (403, nothing changes)", async () => {
    const before = await storedEvents()
    const offer = `/api/offers/${encodeURIComponent(fixture.offerId as string)}`
    const item = `/api/items/${encodeURIComponent(fixture.itemId as string)}`
    for (const [method, path] of [
      ["POST", `${offer}/accept`],
      ["POST", `${offer}/decline`],
      ["POST", `${item}/complete`],
    ] as const) {
      const res = await request(KEYS.ben, method, path)
      expect(res.status, path).toBe(403)
      expect(await res.json()).toMatchObject({ error: { code: "Forbidden" } })
    }
    expect(await storedEvents()).toBe(before)
  })
})

describe("N4 route × role walk (issue 16): every route the app serves, every kind of caller", () => {
  it("every path parameter is one the authorization table names", async () => {
    const routes = await routeTable()
    const params = new Set(routes.flatMap((r) => r.params))
    expect([...params].filter((p) => NAMED[p] === undefined)).toEqual([])
    expect([...params].sort()).toEqual(Object.keys(fixture).sort())
  })

  it("401 without or with a bad key, 403 for a role or scope not allowed (nothing changes), else served", async () => {
    const routes = await routeTable()
    expect(routes.length).toBeGreaterThan(40)
    const cells = routes.flatMap((route) => CALLERS.map((caller) => ({ route, caller })))
    const mismatches: string[] = []
    const check = async ({ route, caller }: (typeof cells)[number]) => {
      const res = await request(caller.key, route.method, route.path)
      // The live stream never ends: its status is all the walk needs.
      if (route.pattern === "/api/events") await res.body?.cancel()
      else await res.arrayBuffer()
      const want = expected(route, caller)
      if (classOf(res.status) !== want)
        mismatches.push(`${route.method} ${route.pattern} as ${caller.name}: ${res.status}, expected ${want}`)
    }
    // Refusals first, on the state as set up: none of them may change anything.
    const before = await storedEvents()
    for (const cell of cells) if (expected(cell.route, cell.caller) !== "allowed") await check(cell)
    expect(await storedEvents()).toBe(before)
    // Then the allowed cells: the scoped callers before admins and integrators, whose writes
    // (removing ana from billing) would otherwise take things out of the others' scope.
    const allowed = cells.filter((cell) => expected(cell.route, cell.caller) === "allowed")
    const scoped = (cell: (typeof cells)[number]) =>
      cell.caller.role === "rep" || cell.caller.role === "supervisor"
    for (const cell of allowed.filter(scoped)) await check(cell)
    for (const cell of allowed.filter((c) => !scoped(c))) await check(cell)
    expect(mismatches).toEqual([])
    // The walk saw each answer class: it is not vacuous.
    const classes = new Set(cells.map((c) => expected(c.route, c.caller)))
    expect([...classes].sort()).toEqual(["401", "403", "allowed"])
  })
})
