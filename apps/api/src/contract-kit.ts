import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  AuthStore,
  LibsqlAuthStoreLive,
  LibsqlWebhooksLive,
  MemoryStoreLive,
  SimulatedTelephony,
  SimulatedTelephonyLive,
  VirtualClockLive,
} from "@lifeline/adapters"
import { CenterLive } from "@lifeline/core"
import { Effect, Layer, ManagedRuntime } from "effect"
import { buildApp, liveHubOf } from "./app"
import { DEMO_API_KEYS, parseApiKeys } from "./auth/keys"
import { DEFAULT_SESSION_SETTINGS } from "./auth/session"
import { seedDemo } from "./demo"
import { makeLogger } from "./ops/log"
import { connectSimulatedProvider } from "./routes/simulator"
import { T0 } from "./test-kit"

const Live = CenterLive.pipe(
  Layer.provideMerge(Layer.mergeAll(MemoryStoreLive, VirtualClockLive(T0), SimulatedTelephonyLive)),
)

/**
 * Issue 20: the seeded demo node with every route a node can mount (people's sign-in with its
 * store on a temp libSQL file, the simulated provider), so the document it serves is complete.
 * For the contract tests and scripts/check-openapi.mjs.
 */
export const contractApp = async () => {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-contract-"))
  // The webhooks (SPEC I3) live in SQL only: on the same temp file as the sign-in store.
  const runtime = ManagedRuntime.make(Layer.merge(Live, LibsqlWebhooksLive(`file:${join(dir, "auth.db")}`)))
  await runtime.runPromise(seedDemo)
  const simulator = connectSimulatedProvider(runtime, await runtime.runPromise(SimulatedTelephony), {
    workstreamFor: () => "inbound-voice",
    log: makeLogger(() => {}),
  })
  const authRuntime = ManagedRuntime.make(LibsqlAuthStoreLive(`file:${join(dir, "auth.db")}`))
  const store = await authRuntime.runPromise(Effect.service(AuthStore))
  const app = buildApp(runtime, {
    keys: parseApiKeys(DEMO_API_KEYS),
    hub: await liveHubOf(runtime),
    simulator,
    auth: { store, demo: false, session: DEFAULT_SESSION_SETTINGS },
  })
  const dispose = async () => {
    await simulator.stop()
    await runtime.dispose()
    await authRuntime.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
  return { app, runtime, dispose }
}

/** The OpenAPI document the app serves. */
export const servedDocument = async (): Promise<unknown> => {
  const { app, dispose } = await contractApp()
  try {
    return await (await app.request("/api/openapi.json")).json()
  } finally {
    await dispose()
  }
}
