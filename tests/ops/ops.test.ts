import { createClient } from "@libsql/client"
import { type ApiSettings, apiLayer, lifelineClient } from "@lifeline/api/testing"
import { Deferred, Effect, Layer } from "effect"
import parsePrometheus from "parse-prometheus-text-format"
import { describe, expect, it } from "vitest"
import { opsKit } from "./kit"

const { tempDb, start } = opsKit("ops")

const tables = async (file: string) => {
  const db = createClient({ url: `file:${file}` })
  try {
    const rs = await db.execute("select name from sqlite_master where type = 'table'")
    return rs.rows.map((r) => String(r.name))
  } finally {
    db.close()
  }
}

type Families = ReturnType<typeof parsePrometheus>
const scrape = async (url: string): Promise<Families> =>
  parsePrometheus(await (await fetch(`${url}/metrics`)).text())
const sample = (families: Families, name: string, labels: Readonly<Record<string, string>> = {}) => {
  const family = families.find((f) => f.name === name)
  const found = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
  return Number(found?.value ?? 0)
}

describe("running it in production (issue 9)", () => {
  it("/readyz is 503 until the store is migrated and the center is up; /healthz answers throughout", async () => {
    const file = tempDb()
    const release = Effect.runSync(Deferred.make<void>())
    // The store's layer waits for the test: the port is open, the migrations have not run.
    const held = (settings: ApiSettings) =>
      Layer.unwrap(Effect.as(Deferred.await(release), apiLayer(settings)))
    let url = ""
    const listening = new Promise<void>((resolve) => {
      void start(file, {
        layer: held,
        onListening: (u) => {
          url = u
          resolve()
        },
      })
    })
    await listening
    const before = await fetch(`${url}/readyz`)
    expect(before.status).toBe(503)
    expect(await before.json()).toMatchObject({ ready: false, phase: "starting" })
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    const api = await fetch(`${url}/api/queues`, { headers: { authorization: "Bearer demo-admin-key" } })
    expect(api.status).toBe(503)
    expect(await api.json()).toMatchObject({ error: { code: "Starting" } })
    expect(await tables(file)).not.toContain("events")

    Effect.runSync(Deferred.succeed(release, undefined))
    for (let i = 0; i < 200 && (await fetch(`${url}/readyz`)).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 25))
    const after = await fetch(`${url}/readyz`)
    expect(after.status).toBe(200)
    expect(await after.json()).toMatchObject({
      ready: true,
      checks: { store: "reachable", migrations: "applied" },
    })
    expect(await tables(file)).toEqual(expect.arrayContaining(["events", "streams", "timers"]))
  })

  it("/metrics parses as Prometheus text and its counters move with a scripted scenario (R4, C7, E8)", async () => {
    const node = await start(tempDb())
    const before = await scrape(node.url)
    const admin = lifelineClient(node.url, "demo-admin-key")
    const ana = lifelineClient(node.url, "demo-rep-ana")

    await admin.registerRep({ repId: "zed", name: "Zed", presenceId: "available", capacity: { voice: 1 } })
    await admin.addMember("sales", "zed")
    // Zed is free: a waiting item is offered to him.
    await admin.enqueueItem({ itemId: "metrics-item", queueId: "sales" })
    await admin.requestCallback({ number: "+14155550199", queueId: "sales" })
    await ana.dialEmergency("ana", { dialString: "911", location: { region: "US" } })

    const after = await scrape(node.url)
    const types = new Map(after.map((f) => [f.name, f.type]))
    expect(types.get("lifeline_queue_waiting")).toBe("GAUGE")
    expect(types.get("lifeline_offers_total")).toBe("COUNTER")
    expect(types.get("lifeline_http_request_duration_seconds")).toBe("HISTOGRAM")
    const made = (f: Families) => sample(f, "lifeline_offers_total", { outcome: "made" })
    expect(made(after)).toBeGreaterThan(made(before))
    expect(sample(after, "lifeline_callbacks_total", { queue: "sales", outcome: "requested" })).toBe(
      sample(before, "lifeline_callbacks_total", { queue: "sales", outcome: "requested" }) + 1,
    )
    expect(sample(after, "lifeline_emergency_calls_active")).toBe(1)
    expect(sample(after, "lifeline_emergency_calls_total", { event: "started" })).toBe(1)
    expect(sample(after, "lifeline_queue_waiting", { queue: "billing" })).toBeGreaterThanOrEqual(0)
    // The parser folds a histogram's labelled series into one; read the routes off the counts.
    const text = await (await fetch(`${node.url}/metrics`)).text()
    const routes = new Set(
      [...text.matchAll(/^lifeline_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/gm)].map(
        (m) => m[1],
      ),
    )
    expect(routes).toContain("/api/items")
    expect(routes).toContain("/api/reps/:repId/emergency")
    // Route patterns, never raw paths with ids in them.
    expect([...routes].filter((r) => r?.includes("zed") || r?.includes("ana"))).toEqual([])
  })

  it("E8 N4 logs: an emergency call appears as started/ended with its session and lease, never the dialled party or contacts", async () => {
    const node = await start(tempDb())
    const { lines } = node
    const ana = lifelineClient(node.url, "demo-rep-ana")
    const dialled = await ana.dialEmergency("ana", { dialString: "911", location: { region: "US" } })
    await ana.endEmergency("ana")
    const logs = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(logs.every((l) => typeof l.time === "string" && typeof l.level === "string")).toBe(true)
    const requests = logs.filter((l) => l.msg === "request")
    expect(requests.length).toBeGreaterThanOrEqual(2)
    expect(requests.every((l) => typeof l.requestId === "string" && l.requestId !== "")).toBe(true)
    const started = logs.find((l) => l.msg === "emergency call started")
    expect(started?.sessionId).toEqual(expect.any(String))
    expect(logs.find((l) => l.msg === "emergency call ended")?.sessionId).toBe(started?.sessionId)
    expect(logs.find((l) => l.msg === "callback lease taken")?.leaseId).toEqual(expect.any(String))
    const text = lines.join("\n")
    expect(dialled._tag).toBe("Started")
    const callbackNumber = (dialled._tag === "Started" && dialled.callbackNumber) || "(none)"
    expect(callbackNumber).toMatch(/^\+\d+$/)
    for (const secret of ["911", callbackNumber, "safety@example.com", "sam@example.org"])
      expect(text, `the logs carry ${secret}`).not.toContain(secret)
  })

  it("a request id sent by the caller is echoed and logged", async () => {
    const node = await start(tempDb())
    const { lines } = node
    const res = await fetch(`${node.url}/api/queues`, {
      headers: { authorization: "Bearer demo-admin-key", "x-request-id": "trace-me-42" },
    })
    expect(res.headers.get("x-request-id")).toBe("trace-me-42")
    expect(
      lines.some((l) => l.includes('"requestId":"trace-me-42"') && l.includes('"route":"/api/queues"')),
    ).toBe(true)
  })
})
