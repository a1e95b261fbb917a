import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { AzureCallRegistry, SimulatedTelephony } from "@lifeline/adapters"
import { Center } from "@lifeline/core"
import { Config, Effect, ManagedRuntime, Option } from "effect"
import { buildApp, liveHubOf } from "./app"
import { DEMO_API_KEYS, parseApiKeys } from "./auth/keys"
import { seedDemo } from "./demo"
import { apiLayer } from "./layers"
import { connectSimulatedProvider } from "./routes/simulator"
import { listen } from "./server"
import { loadSettings } from "./settings"

const ServerConfig = Config.all({
  // 0 asks the OS for a free port (tests and the load command); the URL printed says which.
  port: Config.integer("PORT").pipe(
    Config.validate({ message: "PORT must be 0-65535", validation: (p) => p >= 0 && p <= 65535 }),
    Config.withDefault(3000),
  ),
  hostname: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
  demo: Config.boolean("LIFELINE_DEMO").pipe(Config.withDefault(true)),
})

const WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url))

/** A stuck shutdown (a client that never lets go) must not keep the process forever. */
const SHUTDOWN_GRACE_MS = 5_000

/** Seed the demo once: a store that already holds a center keeps what it has (N1). */
const seedIfEmpty = Effect.flatMap(Center, (center) => center.read((s) => s.routing.reps.size === 0)).pipe(
  Effect.flatMap((empty) => (empty ? Effect.as(seedDemo, true) : Effect.succeed(false))),
)

const main = async () => {
  const config = await Effect.runPromise(ServerConfig)
  const settings = await Effect.runPromise(loadSettings)
  const runtime = ManagedRuntime.make(apiLayer(settings))
  if (config.demo) {
    const seeded = await runtime.runPromise(seedIfEmpty)
    console.log(seeded ? "demo data seeded" : "store already holds a center: demo data not seeded again")
  }
  const webRoot = existsSync(WEB_DIST) ? WEB_DIST : undefined
  const configuredKeys = process.env.LIFELINE_API_KEYS
  const keys = parseApiKeys(configuredKeys ?? DEMO_API_KEYS)
  if (configuredKeys === undefined) {
    console.log(
      "LIFELINE_API_KEYS not set: using the demo keys (demo-admin-key, demo-rep-ana, ...) — local demo only",
    )
  }
  const hub = await liveHubOf(runtime)
  const registry = Option.getOrUndefined(await runtime.runPromise(Effect.serviceOption(AzureCallRegistry)))
  const acs =
    settings.telephony._tag === "azure" && registry !== undefined
      ? {
          secret: settings.telephony.config.webhookSecret,
          registry,
          workstreamFor: (
            (ws: string) => () =>
              ws
          )(settings.telephony.defaultWorkstream),
          ...(settings.telephony.config.callbackJwt === undefined
            ? {}
            : { callbackJwt: settings.telephony.config.callbackJwt }),
        }
      : undefined
  if (acs !== undefined) {
    console.log(
      acs.callbackJwt === undefined
        ? "ACS callbacks: URL token only (ACS_CALLBACK_JWT_* not set)"
        : `ACS callbacks: URL token and ACS's JWT (issuer ${acs.callbackJwt.issuer}, keys ${acs.callbackJwt.jwksUrl})`,
    )
  }
  const simulator = Option.getOrUndefined(await runtime.runPromise(Effect.serviceOption(SimulatedTelephony)))
  if (simulator !== undefined) {
    connectSimulatedProvider(runtime, simulator, () => "inbound-voice")
    console.log("telephony: simulated provider (drive it at /api/simulator; see docs/api.md)")
  }
  const app = buildApp(runtime, {
    ...(simulator === undefined ? {} : { simulator }),
    keys,
    hub,
    ...(webRoot === undefined ? {} : { webRoot }),
    ...(acs === undefined ? {} : { acs }),
  })
  const server = await listen(app, config)
  console.log(
    `Lifeline API listening on ${server.url} (store: ${settings.db.url.replace(/\/\/[^@]*@/, "//***@")})`,
  )
  console.log(webRoot === undefined ? "web app not built (apps/web/dist missing)" : `serving ${webRoot} at /`)

  const stop = async (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`)
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref()
    await server.close()
    await runtime.dispose()
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, (s) => void stop(s))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
