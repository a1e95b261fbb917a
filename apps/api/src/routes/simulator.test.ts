import {
  MemoryStoreLive,
  RecordingMailerLive,
  SimulatedTelephony,
  SimulatedTelephonyLive,
  VirtualClock,
  VirtualClockLive,
} from "@lifeline/adapters"
import { CenterLive } from "@lifeline/core"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildApp, liveHubOf } from "../app"
import { DEMO_API_KEYS, parseApiKeys } from "../auth/keys"
import { seedDemo } from "../demo"
import { OutboxDispatcherLive } from "../layers"
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
  const simulator = await runtime.runPromise(SimulatedTelephony)
  stop = connectSimulatedProvider(runtime, simulator, (to) =>
    to === LINE ? "sales-line" : "inbound-voice",
  ).stop
  app = buildApp(runtime, { keys: parseApiKeys(DEMO_API_KEYS), hub: await liveHubOf(runtime), simulator })
})
afterAll(async () => {
  await stop()
  await runtime.dispose()
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
