import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bundleChild, type Child, migrationsFolder, startChild, stop } from "../durability/processes"

/**
 * Issue 20 (SPEC I5, I4): a sandbox node as an integrator runs it: the API's own main, bundled,
 * started with LIFELINE_CLOCK=virtual on a libSQL file, driven over HTTP only. The simulated
 * provider plays the caller and the PSAP (a sandbox never talks to real providers). Timed rules
 * that take a week in production are checked in seconds: the callback offer at 30 s and again at
 * 150 s (C3), the lease at 59:59 and not at 60:00 (E5, E6, B5), a callback's 7-day expiry (C8).
 */
const T0 = Date.UTC(2025, 0, 6, 14, 0)
const SECOND = 1_000
const MINUTE = 60 * SECOND
const DAY = 24 * 60 * MINUTE
const LINE = "+15550102222"
const CALLER = "+14155550123"
const CUSTOMER = "+15557650042"
const PSAP = "+12025550911"
/** Boot's JSON `ready` line carries the node's URL. */
const READY = /^\{.*"msg":"ready","url":"(http:\/\/[^"]+)"/
const KEYS = { admin: "demo-admin-key", integrator: "demo-integrator-key", ana: "demo-rep-ana" } as const

let dir = ""
let bundle = ""
const children: Child[] = []
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-test-clock-"))
  bundle = await bundleChild("../../apps/api/src/main.ts")
})
afterAll(async () => {
  for (const child of children) await stop(child.process, child.exited)
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
  if (bundle !== "") rmSync(bundle, { force: true })
})

const start = (env: Readonly<Record<string, string>>) => {
  const child = startChild(
    bundle,
    {},
    {
      PORT: "0",
      LIFELINE_DEMO: "true",
      LIFELINE_DB_URL: `file:${join(dir, `${children.length}.db`)}`,
      LIFELINE_MIGRATIONS_DIR: migrationsFolder,
      LIFELINE_CLOCK: "virtual",
      LIFELINE_CLOCK_START: new Date(T0).toISOString(),
      ...env,
    },
  )
  children.push(child)
  return child
}

const logOf = (child: Child) =>
  child.lines.flatMap((l) => (l.startsWith("{") ? [JSON.parse(l) as Record<string, unknown>] : []))

type Json = Record<string, unknown>

/** A client of one node: JSON in and out, the status kept. */
const clientOf = (url: string) => {
  const call = async (key: string, method: string, path: string, body?: unknown, headers: Json = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(headers as Record<string, string>),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: (text === "" ? null : JSON.parse(text)) as Json,
    }
  }
  const ok = async (key: string, method: string, path: string, body?: unknown) => {
    const res = await call(key, method, path, body)
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
    return res.body
  }
  const advance = (move: { by: number | string } | { to: number }) =>
    ok(
      KEYS.admin,
      "POST",
      "/api/clock/advance",
      "to" in move ? { to: new Date(move.to).toISOString() } : move,
    )
  const simulated = (callId: string) =>
    ok(KEYS.admin, "GET", `/api/simulator/calls/${encodeURIComponent(callId)}`) as Promise<{
      state: string
      hearing: string | null
      redirectedTo: string | null
    }>
  return { call, ok, advance, simulated }
}

/** Wait until `check` gives a value: what Lifeline did reaches the provider through the outbox. */
const eventually = async <A>(check: () => Promise<A | undefined>, ms = 2_000): Promise<A> => {
  const until = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`not within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Long enough for the outbox to have performed anything the last move made due. */
const settle = () => new Promise((r) => setTimeout(r, 150))

const OFFER = "a prompt, waiting for a key"

describe("a sandbox node on a test clock, over HTTP (issue 20, I5)", () => {
  it("I5 refuses to start with a real provider's settings, naming both", async () => {
    const child = start({
      ACS_CONNECTION_STRING: "endpoint=https://lifeline.communication.azure.com/;accesskey=a2V5",
      ACS_CALLBACK_BASE_URL: "https://lifeline.example",
      ACS_WEBHOOK_SECRET: "s3cret",
      ACS_CALLER_ID: "+15550100000",
    })
    expect(await child.exited).toBe(2)
    const problems = logOf(child).flatMap((l) => (l.msg === "configuration" ? [String(l.problem)] : []))
    expect(problems).toEqual([expect.stringMatching(/LIFELINE_CLOCK.*ACS_CONNECTION_STRING/)])
  })

  it("I5 C3 E5 E6 B5 C8 I4 the offer at 30 s and 150 s, the lease at 59:59 and not 60:00, the 7-day expiry, in under 5 s", async () => {
    const child = start({ LIFELINE_DEFAULT_WORKSTREAM: "ws-sandbox" })
    const url = READY.exec(await child.waitFor((l) => READY.test(l), 20_000))?.[1] ?? ""
    const api = clientOf(url)
    expect(logOf(child)).toContainEqual(
      expect.objectContaining({ level: "warn", clock: "virtual", now: new Date(T0).toISOString() }),
    )
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ checks: { clock: "virtual" } })

    // A line into a queue nobody staffs (dan is offline), with a direct-callback overflow.
    await api.ok(KEYS.admin, "POST", "/api/queues", { queueId: "cbq", name: "Callbacks", members: ["dan"] })
    await api.ok(KEYS.admin, "POST", "/api/workstreams", {
      workstreamId: "ws-sandbox",
      name: "Sandbox line",
      rules: [],
      fallbackQueueId: "cbq",
    })
    await api.ok(KEYS.admin, "PUT", "/api/queues/cbq/overflow", {
      rules: [
        { condition: { _tag: "EstimatedWaitAbove", ms: 30 * SECOND }, action: { _tag: "DirectCallback" } },
      ],
    })
    const wall = Date.now()

    // C7 I4: an integrator schedules a callback; a retry under its Idempotency-Key gets the same answer.
    const request = { number: CUSTOMER, queueId: "cbq" }
    const idempotent = { "idempotency-key": "sandbox-callback-1" }
    const requested = await api.call(KEYS.integrator, "POST", "/api/callbacks", request, idempotent)
    expect(requested.status).toBe(201)
    const retried = await api.call(KEYS.integrator, "POST", "/api/callbacks", request, idempotent)
    expect([retried.status, retried.text]).toEqual([201, requested.text])
    const other = { ...request, number: "+15557650043" }
    const reused = await api.call(KEYS.integrator, "POST", "/api/callbacks", other, idempotent)
    expect(reused.status).toBe(422)
    expect(reused.body).toMatchObject({ error: { field: "Idempotency-Key" } })
    const callbackId = String(requested.body.callbackId)
    const pending = await api.ok(KEYS.integrator, "GET", `/api/callbacks/${encodeURIComponent(callbackId)}`)
    expect(pending.deadline).toBe(T0 + 7 * DAY)

    // E5: ana dials 911; the callback number is hers for 60 minutes.
    const dialled = await api.ok(KEYS.ana, "POST", "/api/reps/ana/emergency", {
      dialString: "911",
      location: { region: "US" },
    })
    const callbackNumber = String(dialled.callbackNumber)
    expect(callbackNumber).toMatch(/^\+1555010000[1-3]$/)

    // C3: a caller waits; the offer is heard 30 s after the overflow applies, not before.
    const { callId } = (await api.ok(KEYS.admin, "POST", "/api/simulator/calls", {
      from: CALLER,
      to: LINE,
    })) as {
      callId: string
    }
    await eventually(async () => ((await api.simulated(callId)).state === "connected" ? true : undefined))
    await api.advance({ to: T0 + 30 * SECOND - 1 })
    await settle()
    expect((await api.simulated(callId)).hearing).toBeNull()
    await api.advance({ by: 1 })
    await eventually(async () => ((await api.simulated(callId)).hearing === OFFER ? true : undefined))
    // Any key but 1 is ignored (C3); the next offer comes 120 s after the first: at 150 s.
    expect(
      (await api.ok(KEYS.admin, "POST", `/api/simulator/calls/${callId}/digits`, { digit: "2" })).hearing,
    ).toBeNull()
    await api.advance({ to: T0 + 150 * SECOND - 1 })
    await settle()
    expect((await api.simulated(callId)).hearing).toBeNull()
    await api.advance({ by: "1ms" })
    await eventually(async () => ((await api.simulated(callId)).hearing === OFFER ? true : undefined))
    await api.ok(KEYS.admin, "POST", `/api/simulator/calls/${callId}/hangup`)

    // E6: at 59:59 the PSAP's call on the leased number goes straight to ana; at 60:00 it no
    // longer does, and goes to the fallback rep (B5: ben).
    const psapCall = async () => {
      const rung = (await api.ok(KEYS.admin, "POST", "/api/simulator/calls", {
        from: PSAP,
        to: callbackNumber,
      })) as {
        callId: string
      }
      return eventually(async () => (await api.simulated(rung.callId)).redirectedTo ?? undefined)
    }
    await api.advance({ to: T0 + 59 * MINUTE + 59 * SECOND })
    expect(await psapCall()).toBe("ana")
    await api.advance({ by: "1s" })
    expect(await psapCall()).toBe("ben")

    // C8: the callback nobody served closes 7 days after it was requested, not a millisecond sooner.
    await api.advance({ to: T0 + 7 * DAY - 1 })
    const path = `/api/callbacks/${encodeURIComponent(callbackId)}`
    expect((await api.call(KEYS.integrator, "GET", path)).status).toBe(200)
    await api.advance({ by: 1 })
    const closed = await api.call(KEYS.integrator, "GET", path)
    // No longer pending: a 404 today; once a closed callback's status is served, it says expired.
    if (closed.status !== 404) expect(closed.text).toContain("expired")
    // Its outcome is readable afterwards: call history says how it ended.
    const record = await eventually(async () => {
      const page = (await api.ok(
        KEYS.integrator,
        "GET",
        "/api/history?queueId=cbq&limit=100",
      )) as unknown as Json[]
      return page.find((r) => r.itemId === callbackId && r.outcome !== null && r.outcome !== undefined)
    })
    expect(record).toMatchObject({ outcome: "expired", endReason: "expired" })
    expect((await api.ok(KEYS.admin, "GET", "/api/clock")).now).toBe(new Date(T0 + 7 * DAY).toISOString())

    const wallMs = Date.now() - wall
    console.log(
      `test clock scenario (30 s, 150 s, 59:59, 60:00, 7 days) over HTTP: ${wallMs} ms of wall time`,
    )
    expect(wallMs).toBeLessThan(5_000)
  })
})
