import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Config, ConfigProvider, Effect, Result, Schema, SchemaIssue } from "effect"
import { keysAtStart } from "./auth/keys"
import { nodeAuth } from "./auth/node"
import { boot } from "./boot"
import { apiLayer } from "./layers"
import { errorFields, makeLogger } from "./ops/log"
import { loadSettings } from "./settings"
import { type SettingsEnv, SettingsFileError, settingsEnv, settingsHelp } from "./settings-file"

const ServerConfig = {
  // 0 asks the OS for a free port (tests and the load command); the URL printed says which.
  port: Config.schema(
    Schema.Int.check(Schema.makeFilter((p: number) => (p >= 0 && p <= 65535) || "PORT must be 0-65535")),
    "PORT",
  ).pipe(Config.withDefault(3000)),
  hostname: Config.String("HOST").pipe(Config.withDefault("127.0.0.1")),
  // Off unless asked for (issue 16): `pnpm start` sets LIFELINE_DEMO=true for the local demo.
  demo: Config.Boolean("LIFELINE_DEMO").pipe(Config.withDefault(false)),
}

const WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url))

/** A stop that cannot finish (a client that never lets go) must not keep the process forever. */
const SHUTDOWN_GRACE_MS = 20_000

const log = makeLogger()

// What nothing caught still ends the process as Node would (exit 1), but as a JSON line.
process.on("uncaughtException", (error) => {
  log.error("uncaught exception: exiting", errorFields(error))
  process.exit(1)
})
process.on("unhandledRejection", (reason) => {
  log.error("unhandled rejection: exiting", errorFields(reason))
  process.exit(1)
})

/** Every bad or missing setting (each server setting, then the first bad one of the rest). */
const settingsOrExit = Effect.gen(function* () {
  const port = yield* Effect.result(ServerConfig.port)
  const hostname = yield* Effect.result(ServerConfig.hostname)
  const demo = yield* Effect.result(ServerConfig.demo)
  const settings = yield* Effect.result(loadSettings)
  if (
    Result.isSuccess(port) &&
    Result.isSuccess(hostname) &&
    Result.isSuccess(demo) &&
    Result.isSuccess(settings)
  )
    return {
      server: { port: port.success, hostname: hostname.success, demo: demo.success },
      settings: settings.success,
    }
  const results: readonly Result.Result<unknown, Config.ConfigError>[] = [port, hostname, demo, settings]
  return yield* Effect.fail(results.flatMap((r) => (Result.isFailure(r) ? [r.failure] : [])))
})

/**
 * A setting's value is a string (or absent): a type failure can only mean it is not set. Other
 * messages (a bad value, a missing partner) are the check's own, which never quote the value.
 */
const formatSettingIssue = SchemaIssue.makeFormatterStandardSchemaV1({
  leafHook: (issue) => (issue._tag === "InvalidType" ? "not set" : SchemaIssue.defaultLeafHook(issue)),
})

/** One line per problem, by its variable's name; never its value. */
const problemsOf = (error: Config.ConfigError, env: SettingsEnv): readonly string[] => {
  const cause = error.cause
  if (!Schema.isSchemaError(cause)) return [`settings unavailable: ${cause.message}`]
  return formatSettingIssue(cause.issue).issues.map(({ path, message }) => {
    const name = (path ?? []).map((key) => String(typeof key === "object" ? key.key : key)).join(".")
    return env[name] === undefined
      ? `missing setting ${name}: ${message}`
      : `invalid setting ${name}: ${message}`
  })
}

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
  const provider = ConfigProvider.fromEnvRecord(
    Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    { preserveEmptyStrings: true },
  )
  const loaded = await Effect.runPromise(
    Effect.result(Effect.provideService(settingsOrExit, ConfigProvider.ConfigProvider, provider)),
  )
  if (Result.isFailure(loaded)) {
    for (const error of loaded.failure)
      for (const line of problemsOf(error, env)) log.error("configuration", { problem: line })
    log.error("not started: fix the settings above (docs/operations.md lists them all)")
    process.exitCode = 2
    return
  }
  const { server: config, settings } = loaded.success
  // Fail closed (issue 16): keys, or the demo asked for explicitly on a loopback address.
  const keys = keysAtStart({
    configured: env.LIFELINE_API_KEYS,
    demo: config.demo,
    hostname: config.hostname,
    signIn: settings.auth?.oidc !== undefined,
  })
  if (keys._tag === "refused") {
    for (const problem of keys.problems) log.error("configuration", { problem })
    log.error("not started: fix the settings above (docs/operations.md lists them all)")
    process.exitCode = 2
    return
  }
  if (keys.demoKeys)
    log.warn(
      "using the public demo keys (demo-admin-key, demo-rep-ana, ...): local demo only, served on loopback",
    )
  const webRoot = existsSync(WEB_DIST) ? WEB_DIST : undefined
  log.info("starting", {
    store: settings.db.url.replace(/\/\/[^@]*@/, "//***@"),
    webApp: webRoot !== undefined,
  })
  const signIn = await nodeAuth(settings, config)
  const node = await boot({
    ...config,
    keys: keys.keys,
    auth: signIn.auth,
    settings,
    layer: apiLayer(settings),
    log,
    ...(webRoot === undefined ? {} : { webRoot }),
  })

  const stop = (signal: NodeJS.Signals) => {
    log.info("signal", { signal })
    setTimeout(() => {
      log.error("stop did not finish in time: exiting", { graceMs: SHUTDOWN_GRACE_MS })
      process.exit(1)
    }, SHUTDOWN_GRACE_MS).unref()
    node
      .stop()
      .then(signIn.close)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error("stop failed", errorFields(error))
          process.exit(1)
        },
      )
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, stop)
}

main().catch((error: unknown) => {
  // The port may already be open (probes answer while starting): exit, do not linger unready.
  log.error("start-up failed", errorFields(error))
  process.exit(1)
})
