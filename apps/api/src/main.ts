import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Config, Effect, ManagedRuntime } from "effect"
import { buildApp, liveHubOf } from "./app"
import { DEMO_API_KEYS, parseApiKeys } from "./auth/keys"
import { seedDemo } from "./demo"
import { ApiLive } from "./layers"
import { listen } from "./server"

const ServerConfig = Config.all({
  // 0 asks the OS for a free port (tests and the load command); the URL printed says which.
  port: Config.integer("PORT").pipe(
    Config.validate({ message: "PORT must be 0-65535", validation: (p) => p >= 0 && p <= 65535 }),
    Config.withDefault(3000),
  ),
  hostname: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
})

const WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url))

/** A stuck shutdown (a client that never lets go) must not keep the process forever. */
const SHUTDOWN_GRACE_MS = 5_000

const main = async () => {
  const config = await Effect.runPromise(ServerConfig)
  const runtime = ManagedRuntime.make(ApiLive)
  await runtime.runPromise(seedDemo)
  const webRoot = existsSync(WEB_DIST) ? WEB_DIST : undefined
  const configuredKeys = process.env.LIFELINE_API_KEYS
  const keys = parseApiKeys(configuredKeys ?? DEMO_API_KEYS)
  if (configuredKeys === undefined) {
    console.log(
      "LIFELINE_API_KEYS not set: using the demo keys (demo-admin-key, demo-rep-ana, ...) — local demo only",
    )
  }
  const hub = await liveHubOf(runtime)
  const app = buildApp(runtime, { keys, hub, ...(webRoot === undefined ? {} : { webRoot }) })
  const server = await listen(app, config)
  console.log(`Lifeline API listening on ${server.url}`)
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
