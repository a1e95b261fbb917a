import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { LibsqlWebhooksLive, MemoryStoreLive, VirtualClockLive } from "@lifeline/adapters"
import { CENTER_STREAM, CenterLive } from "@lifeline/core/center"
import { Store } from "@lifeline/core/ports"
import { Effect, Layer, ManagedRuntime } from "effect"
import { buildApp, liveHubOf } from "./app"
import { DEMO_API_KEYS, parseApiKeys } from "./auth/keys"
import { seedDemo } from "./demo"

export const T0 = Date.UTC(2025, 0, 6, 9, 0)

/** The webhooks (SPEC I3), which live in SQL only, on a temp libSQL file removed with the runtime. */
const TempWebhooksLive = Layer.unwrap(
  Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "lifeline-test-webhooks-"))),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true })),
  ).pipe(Effect.map((dir) => LibsqlWebhooksLive(`file:${join(dir, "webhooks.db")}`))),
)

/** The API's wiring with a virtual clock, and the store exposed so a test can count events. */
export const TestLive = CenterLive.pipe(
  Layer.provideMerge(Layer.merge(MemoryStoreLive, VirtualClockLive(T0))),
  Layer.merge(TempWebhooksLive),
)

export const KEYS = {
  admin: "demo-admin-key",
  supervisor: "demo-supervisor-key",
  integrator: "demo-integrator-key",
  ana: "demo-rep-ana",
  ben: "demo-rep-ben",
  caro: "demo-rep-caro",
  dan: "demo-rep-dan",
} as const

/** The seeded demo center behind the real app, driven in-process with `app.request`. */
export const apiHarness = async () => {
  const runtime = ManagedRuntime.make(TestLive)
  await runtime.runPromise(seedDemo)
  const hub = await liveHubOf(runtime)
  const app = buildApp(runtime, { keys: parseApiKeys(DEMO_API_KEYS), hub })
  const request = (key: string | undefined, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    })
  const storedEvents = () =>
    runtime.runPromise(Effect.flatMap(Store, (store) => store.version(CENTER_STREAM)))
  return { runtime, app, hub, request, storedEvents, dispose: () => runtime.dispose() }
}

export type ApiHarness = Awaited<ReturnType<typeof apiHarness>>

export const json = async (res: Response) => (await res.json()) as Record<string, unknown>
