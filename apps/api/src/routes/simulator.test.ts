import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  MemoryStoreLive,
  RecordingMailerLive,
  SimulatedTelephony,
  SimulatedTelephonyLive,
  VirtualClock,
  VirtualClockLive,
} from "@lifeline/adapters"
import { CenterLive } from "@lifeline/core/center"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildApp, liveHubOf } from "../app"
import { DEMO_API_KEYS, parseApiKeys } from "../auth/keys"
import { boot, type Node } from "../boot"
import { seedDemo } from "../demo"
import { apiLayer, OutboxDispatcherLive } from "../layers"
import { makeLogger } from "../ops/log"
import type { ApiSettings } from "../settings"
import { KEYS, T0 } from "../test-kit"
import { connectSimulatedProvider } from "./simulator"

const LINE = "+15550109999"
const ports = Layer.mergeAll(
  MemoryStoreLive,
  VirtualClockLive(T0),
  SimulatedTelephonyLive,
  RecordingMailerLive,
)
const DemoLive = OutboxDispatcherLive.pipe(Layer.provideMerge(CenterLive), Layer.provideMerge(ports))

let runtime: ManagedRuntime.ManagedRuntime<Layer.Success<typeof DemoLive>, unknown>
let app: Awaited<ReturnType<typeof buildApp>>
let stop: () => Promise<unknown>
beforeAll(async () => {
  runtime = ManagedRuntime.make(DemoLive)
  await runtime.runPromise(seedDemo)
  const control = await runtime.runPromise(SimulatedTelephony)
  const simulator = connectSimulatedProvider(runtime, control, {
    workstreamFor: (to) => (to === LINE ? "sales-line" : "inbound-voice"),
    log: makeLogger(() => {}),
  })
  stop = simulator.stop
  app = buildApp(runtime, { keys: parseApiKeys(DEMO_API_KEYS), hub: await liveHubOf(runtime), simulator })
})
const dirs: string[] = []
afterAll(async () => {
  await stop()
  await runtime.dispose()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const call = (key: string, method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

const eventually = async <A>(check: () => Promise<A | undefined>): Promise<A> => {
  for (let i = 0; i < 200; i++) {
    const value = await check()
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error("not within 2 s")
}

describe("the demo's simulated provider, played through the API", () => {
  it("R6 C3 C4 a demo caller rings, is answered, hears the callback offer at 30 s and presses 1", async () => {
    await call(KEYS.admin, "PUT", "/api/queues/sales/overflow", {
      rules: [{ condition: { _tag: "EstimatedWaitAbove", ms: 30_000 }, action: { _tag: "DirectCallback" } }],
    })
    await call(KEYS.admin, "POST", "/api/workstreams", {
      workstreamId: "sales-line",
      name: "x",
      rules: [],
      fallbackQueueId: "sales",
    })
    const rung = await call(KEYS.admin, "POST", "/api/simulator/calls", { from: "+14155550123", to: LINE })
    expect(rung.status).toBe(201)
    const { callId } = (await rung.json()) as { callId: string }
    // Answered through the outbox; the provider's CallConnected comes back by itself.
    await eventually(async () => {
      const view = (await (await call(KEYS.admin, "GET", `/api/simulator/calls/${callId}`)).json()) as {
        state: string
      }
      return view.state === "connected" ? view : undefined
    })
    // C3: sales has nobody staffed, so the offer plays 30 s after the call arrived.
    await runtime.runPromise(Effect.flatMap(VirtualClock, (clock) => clock.advanceBy(30_000)))
    const simulator = await runtime.runPromise(SimulatedTelephony)
    const offer = await eventually(async () => {
      const actions = await runtime.runPromise(simulator.actions)
      return actions.find((a) => a.action._tag === "CollectDigit" && a.action.callId === callId)
    })
    expect(offer.action).toMatchObject({ prompt: expect.stringContaining("If you want a callback press 1") })
    // C4: 1 gives the confirmation; the item keeps its place in the queue.
    expect(
      (await call(KEYS.admin, "POST", `/api/simulator/calls/${callId}/digits`, { digit: "1" })).status,
    ).toBe(200)
    await eventually(async () => {
      const actions = await runtime.runPromise(simulator.actions)
      return actions.find((a) => a.action._tag === "Play" && a.action.callId === callId)
    })
    const position = (await (await call(KEYS.admin, "GET", `/api/items/${callId}/position`)).json()) as {
      status: string
    }
    expect(position.status).toBe("waiting")
    expect(
      (await call(KEYS.ana, "POST", "/api/simulator/calls", { from: "+14155550123", to: LINE })).status,
    ).toBe(403)
    const bad = await call(KEYS.admin, "POST", `/api/simulator/calls/${callId}/digits`, { digit: "12" })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("digit")
    expect((await call(KEYS.admin, "POST", "/api/simulator/calls/nobody/hangup")).status).toBe(404)
  })

  it("is not there when telephony is real: no simulator, no route", async () => {
    const plain = buildApp(runtime, { keys: parseApiKeys(DEMO_API_KEYS), hub: await liveHubOf(runtime) })
    const res = await plain.request("/api/simulator/calls", {
      method: "POST",
      headers: { authorization: `Bearer ${KEYS.admin}`, "content-type": "application/json" },
      body: JSON.stringify({ from: "+14155550123", to: LINE }),
    })
    expect(res.status).toBe(404)
  })
})

/** A node as main.ts starts it (simulated telephony, the demo seeded) on a libSQL file, its JSON log kept. */
const startNode = async (db: string, defaultWorkstream?: string) => {
  const settings: ApiSettings = {
    db: { url: `file:${db}`, options: {} },
    telephony: { _tag: "simulated", ...(defaultWorkstream === undefined ? {} : { defaultWorkstream }) },
    mail: { _tag: "recording" },
  }
  const lines: string[] = []
  const node = await boot({
    port: 0,
    hostname: "127.0.0.1",
    demo: true,
    keys: parseApiKeys(DEMO_API_KEYS),
    settings,
    layer: apiLayer(settings),
    log: makeLogger((line) => lines.push(line)),
  })
  const request = (method: string, path: string, body?: unknown) =>
    fetch(`${node.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEYS.admin}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const log = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  return { node, request, log }
}

const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-sim-"))
  dirs.push(dir)
  return join(dir, "lifeline.db")
}

const ring = async (node: Awaited<ReturnType<typeof startNode>>) => {
  const res = await node.request("POST", "/api/simulator/calls", { from: "+14155550123", to: "+15550101234" })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** Where the call is in the center: queued (waiting or offered), with its queue, or not at all. */
const positionOf = async (node: Awaited<ReturnType<typeof startNode>>, callId: string) => {
  const res = await node.request("GET", `/api/items/${encodeURIComponent(callId)}/position`)
  return res.status === 200 ? ((await res.json()) as { status: string; queueId: string }) : undefined
}

describe("the simulated provider in a node (issue 16)", () => {
  it("N2 N1 after a restart on the same store, a new simulated call is queued, not taken for a repeat", async () => {
    const db = tempDb()
    let node: Node | undefined
    try {
      const first = await startNode(db)
      node = first.node
      const before = await ring(first)
      expect(before.status).toBe(201)
      const beforeId = String(before.body.callId)
      expect(await eventually(() => positionOf(first, beforeId))).toBeDefined()
      await first.node.stop()
      node = undefined

      const second = await startNode(db)
      node = second.node
      // The first life's call is still in the store.
      expect(await positionOf(second, beforeId)).toBeDefined()
      const after = await ring(second)
      expect(after.status).toBe(201)
      const afterId = String(after.body.callId)
      expect(afterId).not.toBe(beforeId)
      // Routed (R6: inbound-voice falls back to support) and answered by the provider.
      const queued = await eventually(() => positionOf(second, afterId))
      expect(["waiting", "offered"]).toContain(queued.status)
      await eventually(async () => {
        const view = (await (await second.request("GET", `/api/simulator/calls/${afterId}`)).json()) as {
          state: string
        }
        return view.state === "connected" ? view : undefined
      })
      expect(second.log().filter((l) => l.msg === "provider event refused")).toEqual([])
    } finally {
      await node?.stop()
    }
  })

  it("R6 LIFELINE_DEFAULT_WORKSTREAM is honoured: a missing workstream is refused naming the setting and logged as JSON; once created, calls route by it", async () => {
    const started = await startNode(tempDb(), "night-line")
    try {
      // Start-up says the workstream is missing, by the setting's name.
      expect(started.log()).toContainEqual(
        expect.objectContaining({
          level: "warn",
          setting: "LIFELINE_DEFAULT_WORKSTREAM",
          workstreamId: "night-line",
        }),
      )
      const refused = await ring(started)
      expect(refused.status).toBe(409)
      expect(refused.body).toMatchObject({
        error: { code: "CallRefused", message: expect.stringContaining("LIFELINE_DEFAULT_WORKSTREAM") },
      })
      expect(String((refused.body.error as { message: string }).message)).toContain("night-line")
      const line = started.log().find((l) => l.msg === "provider event refused")
      expect(line).toMatchObject({
        level: "warn",
        provider: "simulated",
        event: "IncomingCall",
        code: "UnknownEntity",
        reason: expect.stringContaining("night-line"),
      })

      const created = await started.request("POST", "/api/workstreams", {
        workstreamId: "night-line",
        name: "Night line",
        rules: [],
        fallbackQueueId: "sales",
      })
      expect(created.status).toBe(201)
      const rung = await ring(started)
      expect(rung.status).toBe(201)
      const queued = await eventually(() => positionOf(started, String(rung.body.callId)))
      expect(queued.queueId).toBe("sales") // night-line's fallback, not inbound-voice's (support)
    } finally {
      await started.node.stop()
    }
  })
})
