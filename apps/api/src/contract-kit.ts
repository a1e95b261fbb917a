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
import { CenterLive } from "@lifeline/core/center"
import { Store, StoreUnavailable } from "@lifeline/core/ports"
import { Effect, Layer, ManagedRuntime } from "effect"
import { buildApp, liveHubOf } from "./app"
import { DEMO_API_KEYS, parseApiKeys } from "./auth/keys"
import { DEFAULT_SESSION_SETTINGS } from "./auth/session"
import { seedDemo } from "./demo"
import { makeLogger } from "./ops/log"
import { connectSimulatedProvider } from "./routes/simulator"
import { T0 } from "./test-kit"

/**
 * The store as the contract tests see it: the in-memory store, which can be switched down to
 * answer every write with StoreUnavailable, as a libSQL server that is unreachable would (the
 * API's documented 503 for every route).
 */
const switchableStore = (down: { value: boolean }) =>
  Layer.effect(
    Store,
    Effect.map(Effect.service(Store), (store) => ({
      ...store,
      append: <E, C>(...args: Parameters<typeof store.append<E, C>>) =>
        down.value
          ? Effect.fail(new StoreUnavailable({ message: "the store is down (contract test)" }))
          : store.append<E, C>(...args),
    })),
  ).pipe(Layer.provide(MemoryStoreLive))

const liveWith = (down: { value: boolean }) =>
  CenterLive.pipe(
    Layer.provideMerge(Layer.mergeAll(switchableStore(down), VirtualClockLive(T0), SimulatedTelephonyLive)),
  )

/**
 * Issue 20: the seeded demo node with every route a node can mount (people's sign-in with its
 * store on a temp libSQL file, the simulated provider), so the document it serves is complete.
 * For the contract tests and scripts/check-openapi.mjs.
 */
export const contractApp = async () => {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-contract-"))
  const storeDown = { value: false }
  // The webhooks (SPEC I3) live in SQL only: on the same temp file as the sign-in store.
  const runtime = ManagedRuntime.make(
    Layer.merge(liveWith(storeDown), LibsqlWebhooksLive(`file:${join(dir, "auth.db")}`)),
  )
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
  /** Take the store down (every write refused) or bring it back. */
  const setStoreDown = (value: boolean) => {
    storeDown.value = value
  }
  return { app, runtime, dispose, setStoreDown }
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
