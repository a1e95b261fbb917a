import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { MemoryStoreLive, VirtualClock, VirtualClockLive } from "@lifeline/adapters"
import type { ServiceLevelDay, SupervisorReps } from "@lifeline/client"
import { Center, CenterLive } from "@lifeline/core/center"
import type { Store } from "@lifeline/core/ports"
import { Effect, Layer, ManagedRuntime, Option } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { buildApp, liveHubOf } from "../app"
import { DEMO_API_KEYS, parseApiKeys } from "../auth/keys"
import { seedDemo } from "../demo"
import { apiLayer } from "../layers"
import { KEYS } from "../test-kit"

const T0 = Date.UTC(2025, 0, 6, 14, 0)
const MIDNIGHT = Date.UTC(2025, 0, 6)
/** A supervisor of the sales queue only. */
const SALES_SUP = "supervisor-test-sales-key"

/**
 * The node as it runs (apiLayer: the center and every read model on a libSQL file, the service
 * level as one GROUP BY, the simulated provider, a virtual clock at T0), seeded with the demo;
 * or, `memory`, the center on the memory store, where the route folds history's pages instead:
 * both must answer the same. `dir` starts a node again on an earlier node's file (a restart).
 */
const startNode = async (
  store: "libsql" | "memory",
  dir = mkdtempSync(join(tmpdir(), "lifeline-supervisor-")),
) => {
  const url = `file:${join(dir, "lifeline.db")}`
  const node: Layer.Layer<Center | Store, unknown> =
    store === "libsql"
      ? apiLayer(
          { db: { url, options: {} }, telephony: { _tag: "simulated" }, mail: { _tag: "recording" } },
          VirtualClockLive(T0),
        )
      : CenterLive.pipe(Layer.provideMerge(Layer.merge(MemoryStoreLive, VirtualClockLive(T0))))
  const runtime = ManagedRuntime.make(node)
  const seeded = await runtime.runPromise(
    Effect.flatMap(Center, (c) => c.read((s) => s.routing.reps.size > 0)),
  )
  if (!seeded) await runtime.runPromise(seedDemo)
  const hub = await liveHubOf(runtime)
  const app = buildApp(runtime, { keys: parseApiKeys(`${DEMO_API_KEYS},${SALES_SUP}=supervisor:sales`), hub })
  const request = async (key: string, method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as unknown }
  }
  const get = async <A>(key: string, path: string): Promise<A> => {
    const res = await request(key, "GET", path)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body as A
  }
  const clock = Option.getOrThrow(await runtime.runPromise(Effect.serviceOption(VirtualClock)))
  const advance = (ms: number) => runtime.runPromise(clock.advanceBy(ms))
  /** Stop the node; `keep` leaves its file for the next one. */
  const dispose = async (keep = false) => {
    hub.close()
    await runtime.dispose()
    if (!keep) rmSync(dir, { recursive: true, force: true })
  }
  return { request, get, advance, dispose, dir }
}

type Node = Awaited<ReturnType<typeof startNode>>
let node: Node | undefined
afterEach(async () => {
  await node?.dispose()
  node = undefined
})

/** Wait until the read model (projected after appends) answers what `check` wants. */
const eventually = async <A>(read: () => Promise<A>, check: (a: A) => boolean): Promise<A> => {
  const until = Date.now() + 5_000
  for (;;) {
    const value = await read()
    if (check(value) || Date.now() > until) return value
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Ana completes her seeded billing call 25 s in; billing's next waiting call (call-4) is offered to her and she takes it at 30 s. */
const answerLate = async (n: Node) => {
  await n.advance(25_000)
  const [work] = await n.get<{ itemId: string }[]>(KEYS.ana, "/api/reps/ana/work")
  expect((await n.request(KEYS.ana, "POST", `/api/items/${work?.itemId}/complete`, {})).status).toBe(200)
  await n.advance(5_000)
  const [offer] = await n.get<{ offerId: string; itemId: string }[]>(KEYS.ana, "/api/reps/ana/offers")
  expect(offer?.itemId).toBe("call-4")
  expect((await n.request(KEYS.ana, "POST", `/api/offers/${offer?.offerId}/accept`)).status).toBe(200)
}

describe("GET /api/supervisor/reps (issue 19, E8)", () => {
  it("issue 19: each rep's presence in words' label, since when (from the change on), and its routed work with its queue and time", async () => {
    node = await startNode("libsql")
    await node.advance(5_000)
    expect(
      (await node.request(KEYS.ben, "PUT", "/api/reps/ben/presence", { presenceId: "lunch" })).status,
    ).toBe(200)
    const { now, reps } = await node.get<SupervisorReps>(KEYS.supervisor, "/api/supervisor/reps")
    expect(now).toBe(T0 + 5_000)
    expect(reps.map((r) => r.repId)).toEqual(["ana", "ben", "caro", "dan", "eve"])
    const ben = reps.find((r) => r.repId === "ben")
    expect(ben).toMatchObject({
      presenceId: "lunch",
      presenceLabel: "Lunch",
      base: "away",
      presenceSince: T0 + 5_000,
    })
    expect(ben?.work).toHaveLength(2)
    const ana = reps.find((r) => r.repId === "ana")
    // Seeded at T0: the routing state keeps since when, whoever made the change.
    expect(ana).toMatchObject({ base: "available", presenceSince: T0 })
    expect(ana?.work).toEqual([
      {
        itemId: expect.any(String),
        kind: "call",
        queueId: "billing",
        queueName: "Billing",
        status: "assigned",
        since: T0,
      },
    ])
  })

  it("issue 19 N1: since when is exact after a restart: the new node rebuilds it from the stored log", async () => {
    const first = await startNode("libsql")
    await first.advance(5_000)
    expect(
      (await first.request(KEYS.ben, "PUT", "/api/reps/ben/presence", { presenceId: "lunch" })).status,
    ).toBe(200)
    await first.dispose(true)
    node = await startNode("libsql", first.dir)
    const { reps } = await node.get<SupervisorReps>(KEYS.supervisor, "/api/supervisor/reps")
    expect(reps.find((r) => r.repId === "ben")).toMatchObject({
      presenceId: "lunch",
      presenceSince: T0 + 5_000,
    })
    expect(reps.find((r) => r.repId === "ana")).toMatchObject({ presenceSince: T0 })
  })

  it("issue 19 N4: a supervisor of sales sees only the reps of sales, and only their work in sales", async () => {
    node = await startNode("libsql")
    const { reps } = await node.get<SupervisorReps>(SALES_SUP, "/api/supervisor/reps")
    expect(reps.map((r) => r.repId)).toEqual(["caro", "eve"])
    expect(reps.flatMap((r) => r.work)).toEqual([])
    expect((await node.request(KEYS.ana, "GET", "/api/supervisor/reps")).status).toBe(403)
  })

  it("E8: a rep in an emergency call is Do not disturb since the dial, and nothing says emergency", async () => {
    node = await startNode("libsql")
    await node.advance(1_000)
    const dial = await node.request(KEYS.ben, "POST", "/api/reps/ben/emergency", {
      dialString: "933",
      location: { region: "US" },
    })
    expect(dial.status).toBe(201)
    const reply = await node.get<SupervisorReps>(KEYS.supervisor, "/api/supervisor/reps")
    const ben = reply.reps.find((r) => r.repId === "ben")
    expect(ben).toMatchObject({ base: "busy_dnd", presenceSince: T0 + 1_000 })
    expect(JSON.stringify(reply)).not.toMatch(/emergenc|933|psap|session/i)
  })
})

describe.each([
  ["the service-level read model's GROUP BY", "libsql"],
  ["history's pages folded", "memory"],
] as const)("GET /api/supervisor/service-level, %s (issue 19, E8)", (_, store) => {
  it("issue 19: per queue, every 15-minute interval from midnight to now, SL = in time / settled, with the 80/20 target", async () => {
    node = await startNode(store)
    const n = node
    await answerLate(n)
    const day = await eventually(
      () => n.get<ServiceLevelDay>(KEYS.supervisor, "/api/supervisor/service-level?timeZone=UTC"),
      (d) => d.queues.find((q) => q.queueId === "billing")?.intervals.at(-1)?.answered === 4,
    )
    expect(day).toMatchObject({ from: MIDNIGHT, to: T0 + 30_000, intervalMs: 900_000 })
    expect(day.queues.map((q) => q.queueId)).toEqual(["billing", "support", "sales"])
    const billing = day.queues.find((q) => q.queueId === "billing")
    expect(billing?.target).toEqual({ share: 0.8, thresholdMs: 20_000 })
    expect(billing?.intervals).toHaveLength(14 * 4 + 1)
    expect(billing?.intervals[0]).toEqual({
      start: MIDNIGHT,
      calls: 0,
      answered: 0,
      answeredInTime: 0,
      abandoned: 0,
      serviceLevel: null,
    })
    // call-1..3 answered at once, call-4 after 30 s, call-5 still waiting: 3 / 4.
    expect(billing?.intervals.at(-1)).toEqual({
      start: T0,
      calls: 5,
      answered: 4,
      answeredInTime: 3,
      abandoned: 0,
      serviceLevel: 0.75,
    })
  })

  it("issue 19: the day starts at midnight in the time zone asked for; a supervisor sees its queues only; a bad zone is a 400 naming it", async () => {
    node = await startNode(store)
    const ny = await node.get<ServiceLevelDay>(
      KEYS.supervisor,
      "/api/supervisor/service-level?timeZone=America/New_York",
    )
    expect(ny.from).toBe(Date.UTC(2025, 0, 6, 5, 0))
    const sales = await node.get<ServiceLevelDay>(SALES_SUP, "/api/supervisor/service-level")
    expect(sales.queues.map((q) => q.queueId)).toEqual(["sales"])
    const bad = await node.request(
      KEYS.supervisor,
      "GET",
      "/api/supervisor/service-level?timeZone=Mars/Olympus",
    )
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ error: { field: "timeZone" } })
    const unknown = await node.request(KEYS.supervisor, "GET", "/api/supervisor/service-level?from=x")
    expect(unknown.status).toBe(400)
  })
})

describe("PUT /api/queues/{queueId}/service-level-target (issue 19)", () => {
  it("issue 19: an admin sets a queue's target; the reply and GET are it; the chart counts in time by that queue's own threshold", async () => {
    node = await startNode("libsql")
    const n = node
    expect(await n.get(KEYS.supervisor, "/api/queues/billing/service-level-target")).toEqual({
      share: 0.8,
      thresholdMs: 20_000,
    })
    const set = await n.request(KEYS.admin, "PUT", "/api/queues/billing/service-level-target", {
      share: 0.9,
      thresholdMs: 40_000,
    })
    expect(set).toEqual({ status: 200, body: { share: 0.9, thresholdMs: 40_000 } })
    expect(await n.get(KEYS.supervisor, "/api/queues/billing/service-level-target")).toEqual(set.body)
    await answerLate(n)
    const day = await eventually(
      () => n.get<ServiceLevelDay>(KEYS.supervisor, "/api/supervisor/service-level"),
      (d) => d.queues.find((q) => q.queueId === "billing")?.intervals.at(-1)?.answered === 4,
    )
    const billing = day.queues.find((q) => q.queueId === "billing")
    expect(billing?.target).toEqual({ share: 0.9, thresholdMs: 40_000 })
    // call-4 waited 30 s: late for 20 s, in time for billing's own 40 s.
    expect(billing?.intervals.at(-1)).toMatchObject({ answered: 4, answeredInTime: 4, serviceLevel: 1 })
    expect(day.queues.find((q) => q.queueId === "support")?.target).toEqual({
      share: 0.8,
      thresholdMs: 20_000,
    })
  })

  it("N3 N4: a bad field is a 400 naming it, an unknown queue a 404, a supervisor a 403; nothing changes", async () => {
    node = await startNode("libsql")
    const put = (key: string, queueId: string, body: unknown) =>
      node?.request(key, "PUT", `/api/queues/${queueId}/service-level-target`, body)
    expect(await put(KEYS.admin, "billing", { share: 1.2, thresholdMs: 20_000 })).toMatchObject({
      status: 400,
      body: { error: { field: "share" } },
    })
    expect(await put(KEYS.admin, "billing", { share: 0.8, thresholdMs: "20s" })).toMatchObject({
      status: 400,
      body: { error: { field: "thresholdMs" } },
    })
    expect(await put(KEYS.admin, "billing", { share: 0.8 })).toMatchObject({
      status: 400,
      body: { error: { field: "thresholdMs" } },
    })
    expect(await put(KEYS.admin, "nowhere", { share: 0.8, thresholdMs: 20_000 })).toMatchObject({
      status: 404,
      body: { error: { field: "queueId" } },
    })
    expect((await put(KEYS.supervisor, "billing", { share: 0.5, thresholdMs: 20_000 }))?.status).toBe(403)
    expect(await node.get(KEYS.admin, "/api/queues/billing/service-level-target")).toEqual({
      share: 0.8,
      thresholdMs: 20_000,
    })
  })
})
