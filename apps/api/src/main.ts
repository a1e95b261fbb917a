import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Config, ConfigError, ConfigProvider, Effect, Result, Option } from "effect"
import { DEMO_API_KEYS, parseApiKeys } from "./auth/keys"
import { boot } from "./boot"
import { apiLayer } from "./layers"
import { makeLogger } from "./ops/log"
import { loadSettings } from "./settings"
import { type SettingsEnv, SettingsFileError, settingsEnv, settingsHelp } from "./settings-file"

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

/** A stop that cannot finish (a client that never lets go) must not keep the process forever. */
const SHUTDOWN_GRACE_MS = 20_000

const log = makeLogger()

/** Every bad or missing setting, one line each, by its variable's name; never its value. */
const settingsOrExit = Effect.all([Effect.result(ServerConfig), Effect.result(loadSettings)]).pipe(
  Effect.flatMap(([server, settings]) =>
    Result.isSuccess(server) && Result.isSuccess(settings)
      ? Effect.succeed({ server: server.success, settings: settings.success })
      : Effect.fail([...Option.toArray(Result.getFailure(server)), ...Option.toArray(Result.getFailure(settings))]),
  ),
)

const main = async () => {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    process.stdout.write(settingsHelp())
    return
  }
  let env: SettingsEnv
  try {
    env = settingsEnv(process.env)
  } catch (error) {
    if (!(error instanceof SettingsFileError)) throw error
    for (const problem of error.problems) log.error("configuration", { problem })
    log.error("not started: fix the settings above (docs/operations.md lists them all)")
    process.exitCode = 2
    return
  }
  const provider = ConfigProvider.fromMap(
    new Map(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
  )
  const loaded = await Effect.runPromise(Effect.result(Effect.withConfigProvider(settingsOrExit, provider)))
  if (Result.isFailure(loaded)) {
    for (const error of loaded.failure)
      for (const line of ConfigError.reduceWithContext(error, undefined, {
        andCase: (_, l: string[] = [], r: string[] = []) => [...l, ...r],
        orCase: (_, l: string[] = [], r: string[] = []) => [...l, ...r],
        invalidDataCase: (_, path, message) => [`invalid setting ${path.join(".")}: ${message}`],
        missingDataCase: (_, path, message) => [`missing setting ${path.join(".")}: ${message}`],
        sourceUnavailableCase: (_, path, message) => [`setting ${path.join(".")} unavailable: ${message}`],
        unsupportedCase: (_, path, message) => [`unsupported setting ${path.join(".")}: ${message}`],
      }) ?? [String(error)])
        log.error("configuration", { problem: line })
    log.error("not started: fix the settings above (docs/operations.md lists them all)")
    process.exitCode = 2
    return
  }
  const { server: config, settings } = loaded.success
  const configuredKeys = env.LIFELINE_API_KEYS
  if (configuredKeys === undefined)
    log.warn(
      "LIFELINE_API_KEYS not set: using the demo keys (demo-admin-key, demo-rep-ana, ...) — local demo only",
    )
  const webRoot = existsSync(WEB_DIST) ? WEB_DIST : undefined
  log.info("starting", {
    store: settings.db.url.replace(/\/\/[^@]*@/, "//***@"),
    webApp: webRoot !== undefined,
  })
  const node = await boot({
    ...config,
    keys: parseApiKeys(configuredKeys ?? DEMO_API_KEYS),
    settings,
    layer: apiLayer(settings),
    log,
    ...(webRoot === undefined ? {} : { webRoot }),
  })
  console.log(`Lifeline API listening on ${node.url}`)

  const stop = (signal: NodeJS.Signals) => {
    log.info("signal", { signal })
    setTimeout(() => {
      log.error("stop did not finish in time: exiting", { graceMs: SHUTDOWN_GRACE_MS })
      process.exit(1)
    }, SHUTDOWN_GRACE_MS).unref()
    node.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error("stop failed", { error: String(error) })
        process.exit(1)
      },
    )
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, stop)
}

main().catch((error: unknown) => {
  // The port may already be open (probes answer while starting): exit, do not linger unready.
  log.error("start-up failed", { error: String(error) })
  process.exit(1)
})
