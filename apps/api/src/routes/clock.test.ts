import { MemoryStoreLive, SystemClockLive } from "@lifeline/adapters"
import { CENTER_STREAM, Center, CenterLive } from "@lifeline/core/center"
import { Store } from "@lifeline/core/ports"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { buildApp, liveHubOf } from "../app"
import { DEMO_API_KEYS, parseApiKeys } from "../auth/keys"
import { seedDemo } from "../demo"
import { type ApiHarness, apiHarness, json, KEYS, T0 } from "../test-kit"

/** Issue 20 (SPEC I5): a sandbox node's test clock, read and moved over the API. */
let h: ApiHarness
beforeEach(async () => {
  h = await apiHarness()
})
afterEach(() => h.dispose())

const advance = (body: unknown, key: string = KEYS.admin) =>
  h.request(key, "POST", "/api/clock/advance", body)
const iso = (ms: number) => new Date(ms).toISOString()

describe("test clock on a sandbox node (issue 20, I5)", () => {
  it("I5 GET /api/clock says the clock is virtual, its time and the next timer (none in the demo)", async () => {
    const res = await h.request(KEYS.integrator, "GET", "/api/clock")
    expect(res.status).toBe(200)
    expect(await json(res)).toEqual({ clock: "virtual", now: iso(T0), nextTimerAt: null })
  })

  it("I5 E5 E6 a timer fires when the clock reaches its due time, not a millisecond before: the 60-minute lease", async () => {
    const dialled = await h.request(KEYS.ana, "POST", "/api/reps/ana/emergency", {
      dialString: "911",
      location: { region: "US" },
    })
    expect(dialled.status).toBe(201)
    const leaseEnd = T0 + 60 * 60_000
    expect((await json(await h.request(KEYS.admin, "GET", "/api/clock"))).nextTimerAt).toBe(iso(leaseEnd))
    const panel = async () => json(await h.request(KEYS.ana, "GET", "/api/reps/ana/emergency"))
    const before = await panel()
    expect(await json(await advance({ to: iso(leaseEnd - 1) }))).toEqual({
      clock: "virtual",
      now: iso(leaseEnd - 1),
      nextTimerAt: iso(leaseEnd),
      fired: 0,
    })
    expect(await panel()).toEqual(before)
    expect(await json(await advance({ by: 1 }))).toEqual({
      clock: "virtual",
      now: iso(leaseEnd),
      // W5: the call is still believed up, so the session's bounded close (15 min grace) is next.
      nextTimerAt: iso(leaseEnd + 15 * 60_000),
      fired: 1,
    })
    expect(await panel()).not.toEqual(before)
  })

  it("I5 C3 one move fires every timer due on the way, in due order, each at its own time: the offers at 30 s, 150 s and 270 s", async () => {
    await h.request(KEYS.admin, "POST", "/api/queues", {
      queueId: "cbq",
      name: "Callbacks",
      members: ["dan"],
    })
    await h.request(KEYS.admin, "POST", "/api/workstreams", {
      workstreamId: "ws-cb",
      name: "Callback line",
      rules: [],
      fallbackQueueId: "cbq",
    })
    await h.request(KEYS.admin, "PUT", "/api/queues/cbq/overflow", {
      rules: [{ condition: { _tag: "EstimatedWaitAbove", ms: 30_000 }, action: { _tag: "DirectCallback" } }],
    })
    // The provider reports a call on the line (nobody staffs cbq: the overflow applies at once).
    await h.runtime.runPromise(
      Effect.flatMap(Center, (center) =>
        center.execute({
          _tag: "InboundCall",
          eventId: "pe-1",
          callId: "call-waiting",
          from: "+15557650042",
          to: "+15550107777",
          workstreamId: "ws-cb",
        }),
      ),
    )
    const moved = await json(await advance({ by: "300s" }))
    expect(moved).toMatchObject({ now: iso(T0 + 300_000), fired: 3 })
    const { events } = await h.runtime.runPromise(Effect.flatMap(Store, (store) => store.load(CENTER_STREAM)))
    const offers = events.flatMap((e) =>
      (e as { _tag: string })._tag === "CallbackOfferPlayed" ? [e as { count: number; at: number }] : [],
    )
    expect(offers.map(({ count, at }) => [count, at])).toEqual([
      [1, T0 + 30_000],
      [2, T0 + 150_000],
      [3, T0 + 270_000],
    ])
  })

  it("I5 compact durations add up: 59m59s, 1h30m, 7d, 250ms", async () => {
    let at = T0
    for (const [by, ms] of [
      ["59m59s", 3_599_000],
      ["1h30m", 5_400_000],
      ["7d", 7 * 86_400_000],
      ["250ms", 250],
    ] as const) {
      at += ms
      expect((await json(await advance({ by }))).now).toBe(iso(at))
    }
  })

  it("N3 I5 going back, a bad duration or both fields is refused naming the field, and the time stays", async () => {
    await advance({ by: "1h" })
    const back = await advance({ to: iso(T0) })
    expect(back.status).toBe(400)
    expect(await json(back)).toMatchObject({ error: { code: "InvalidField", field: "to" } })
    expect(((await json(await advance({ to: iso(T0) }))).error as { message: string }).message).toMatch(
      /only moves forward/,
    )
    for (const body of [{ by: "ninety seconds" }, { by: -5 }, { by: 1.5 }]) {
      const res = await advance(body)
      expect(res.status).toBe(400)
      expect(((await json(res)).error as { field?: string }).field).toBe("by")
    }
    const notIso = await advance({ to: "tomorrow" })
    expect(((await json(notIso)).error as { field?: string }).field).toBe("to")
    expect((await advance({ by: "1s", to: iso(T0 + 7_200_000) })).status).toBe(400)
    expect((await advance({})).status).toBe(400)
    expect((await json(await h.request(KEYS.admin, "GET", "/api/clock"))).now).toBe(iso(T0 + 3_600_000))
  })

  it("N4 only an admin moves the clock; no key is a 401", async () => {
    for (const key of [KEYS.integrator, KEYS.supervisor, KEYS.ana])
      expect((await advance({ by: "1s" }, key)).status).toBe(403)
    expect((await h.request(undefined, "POST", "/api/clock/advance", { by: "1s" })).status).toBe(401)
    expect((await h.request(undefined, "GET", "/api/clock")).status).toBe(401)
  })
})

describe("a node on the real clock (issue 20)", () => {
  const runtime = ManagedRuntime.make(
    CenterLive.pipe(Layer.provideMerge(Layer.merge(MemoryStoreLive, SystemClockLive))),
  )
  let app: ReturnType<typeof buildApp>
  beforeAll(async () => {
    await runtime.runPromise(seedDemo)
    app = buildApp(runtime, { keys: parseApiKeys(DEMO_API_KEYS), hub: await liveHubOf(runtime) })
  })
  afterAll(() => runtime.dispose())

  it("I5 reads its time, says it is real, and refuses to be moved: not a sandbox (409)", async () => {
    const headers = { authorization: `Bearer ${KEYS.admin}`, "content-type": "application/json" }
    const read = await json(await app.request("/api/clock", { headers }))
    expect(read.clock).toBe("real")
    expect(Math.abs(Date.parse(String(read.now)) - Date.now())).toBeLessThan(5_000)
    const moved = await app.request("/api/clock/advance", {
      method: "POST",
      headers,
      body: JSON.stringify({ by: "90s" }),
    })
    expect(moved.status).toBe(409)
    expect(await json(moved)).toMatchObject({
      error: { code: "NotSandbox", message: expect.stringContaining("LIFELINE_CLOCK=virtual") },
    })
  })
})
