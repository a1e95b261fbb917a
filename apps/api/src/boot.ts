import { AzureCallRegistry, RepCallingIdentity, SimulatedTelephony, VirtualClock } from "@lifeline/adapters"
import { CENTER_STREAM, Center } from "@lifeline/core/center"
import { Store } from "@lifeline/core/ports"
import { Effect, Layer, ManagedRuntime, Option, Schedule } from "effect"
import { buildApp, liveHubOf } from "./app"
import type { Principal } from "./auth/principal"
import type { AuthOptions } from "./auth/session"
import { seedDemo } from "./demo"
import type { ApiRuntime } from "./handle"
import { makeGate } from "./ops/gate"
import { effectLoggerLayer, type Logger, logEmergencyFacts } from "./ops/log"
import { makeMetrics } from "./ops/metrics"
import type { AcsWebhookOptions } from "./routes/acs-webhooks"
import { checkDefaultWorkstream, connectSimulatedProvider } from "./routes/simulator"
import { listen } from "./server"
import { type ApiSettings, DEFAULT_WORKSTREAM } from "./settings"

export interface BootOptions {
  readonly port: number
  readonly hostname: string
  /** Seed the demo center when the store holds none. */
  readonly demo: boolean
  readonly keys: ReadonlyMap<string, Principal>
  /** People's sign-in and stored keys (issue 21; main.ts: `nodeAuth`). */
  readonly auth?: AuthOptions
  readonly settings: ApiSettings
  /** The composition root's layers (main.ts: `apiLayer(settings)`). */
  readonly layer: Layer.Layer<Center | Store, unknown>
  readonly webRoot?: string
  readonly log: Logger
  /** Told the URL as soon as the port is open, before the center is up (the probes answer). */
  readonly onListening?: (url: string) => void
}

/** How long a stop waits for requests in flight, their responses to be written, the outbox to empty. */
export const STOP_LIMITS = { drainMs: 10_000, writeMs: 1_000, flushMs: 5_000 } as const

/** Seed the demo once: a store that already holds a center keeps what it has (N1). */
const seedIfEmpty = Effect.flatMap(Center, (center) => center.read((s) => s.routing.reps.size === 0)).pipe(
  Effect.flatMap((empty) => (empty ? Effect.as(seedDemo, true) : Effect.succeed(false))),
)

const readyChecks = (runtime: ApiRuntime) => () =>
  runtime.runPromise(
    Effect.gen(function* () {
      const version = yield* Effect.flatMap(Store, (store) => store.version(CENTER_STREAM))
      const timers = yield* Effect.flatMap(Center, (center) => center.pendingTimers)
      const sandbox = Option.isSome(yield* Effect.serviceOption(VirtualClock))
      // The layers are built only once the store migrated, the center replayed and timers armed.
      return {
        store: "reachable",
        migrations: "applied",
        streamVersion: version,
        timersArmed: timers.length,
        clock: sandbox ? "virtual" : "real",
      }
    }),
  )

const acsOptions = async (runtime: ApiRuntime, settings: ApiSettings, log: Logger) => {
  const registry = Option.getOrUndefined(await runtime.runPromise(Effect.serviceOption(AzureCallRegistry)))
  if (settings.telephony._tag !== "azure" || registry === undefined) return undefined
  const { webhookSecret, callbackJwt } = settings.telephony.config
  const workstream = settings.telephony.defaultWorkstream
  log.info("telephony: Azure Communication Services", {
    callbacks: callbackJwt === undefined ? "URL token only" : "URL token and ACS JWT",
  })
  const options: AcsWebhookOptions = {
    secret: webhookSecret,
    registry,
    workstreamFor: () => workstream,
    ...(callbackJwt === undefined ? {} : { callbackJwt }),
  }
  return options
}

/** Issue 20: a sandbox's time moves only when an admin moves it; whoever reads the log is told. */
const warnIfSandbox = async (runtime: ApiRuntime, log: Logger) => {
  const now = await runtime.runPromise(Effect.flatMap(Center, (center) => center.read((_, at) => at)))
  if (Option.isSome(await runtime.runPromise(Effect.serviceOption(VirtualClock))))
    log.warn(
      "sandbox node: the clock is virtual and stands still until moved (POST /api/clock/advance); for tests, never for production",
      { clock: "virtual", now: new Date(now).toISOString(), setting: "LIFELINE_CLOCK" },
    )
}

/** Wait until the outbox has nothing due (sent, or waiting for a durable retry), or `maxMs`. */
const flushOutbox = (runtime: ApiRuntime, maxMs: number) =>
  runtime.runPromise(
    Effect.flatMap(Center, (center) => center.read((s) => s.outbox.due.size)).pipe(
      Effect.repeat({ until: (due) => due === 0, schedule: Schedule.spaced("25 millis") }),
      Effect.timeoutOption(`${maxMs} millis`),
      Effect.map(Option.match({ onNone: () => false, onSome: () => true })),
    ),
  )

/**
 * Start a node: listen at once (probes answer, `/readyz` is 503), build the center (migrate,
 * replay, arm timers), seed the demo if asked, then open the app. `stop` is the graceful stop.
 */
export const boot = async (options: BootOptions) => {
  const { log } = options
  const gate = makeGate()
  const server = await listen(gate, options)
  log.info("listening", { url: server.url, phase: "starting" })
  options.onListening?.(server.url)
  // Effect's own log lines (core, adapters) go through the node's JSON logger (issue 16).
  const runtime: ApiRuntime = ManagedRuntime.make(
    options.layer.pipe(Layer.provideMerge(effectLoggerLayer(log))),
  )
  await runtime.runPromise(Effect.void)
  await warnIfSandbox(runtime, log)
  if (options.demo) {
    const seeded = await runtime.runPromise(seedIfEmpty)
    log.info(seeded ? "demo data seeded" : "store already holds a center: demo data not seeded again")
  }
  const hub = await liveHubOf(runtime)
  const metrics = makeMetrics((reader) => runtime.runPromise(Effect.flatMap(Center, (c) => c.read(reader))))
  hub.listen((batch) => {
    metrics.count(batch.events)
    logEmergencyFacts(log, batch.events)
  })
  const acs = await acsOptions(runtime, options.settings, log)
  const calling = Option.getOrUndefined(await runtime.runPromise(Effect.serviceOption(RepCallingIdentity)))
  const simulator = Option.getOrUndefined(await runtime.runPromise(Effect.serviceOption(SimulatedTelephony)))
  const { telephony } = options.settings
  const workstream =
    (telephony._tag === "simulated" ? telephony.defaultWorkstream : undefined) ?? DEFAULT_WORKSTREAM
  const lines =
    simulator === undefined
      ? undefined
      : connectSimulatedProvider(runtime, simulator, { workstreamFor: () => workstream, log })
  if (lines !== undefined) {
    log.info("telephony: simulated provider (drive it at /api/simulator; see docs/api.md)", { workstream })
    await checkDefaultWorkstream(runtime, workstream, log)
  }
  const app = buildApp(runtime, {
    keys: options.keys,
    hub,
    metrics,
    log,
    ...(lines === undefined ? {} : { simulator: lines }),
    ...(options.settings.corsOrigins === undefined ? {} : { corsOrigins: options.settings.corsOrigins }),
    ...(options.settings.authFailures === undefined ? {} : { authFailures: options.settings.authFailures }),
    ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
    ...(acs === undefined ? {} : { acs }),
    ...(calling === undefined ? {} : { calling }),
    ...(telephony._tag === "azure" ? { callerId: telephony.config.callerId } : {}),
    ...(options.auth === undefined ? {} : { auth: options.auth }),
  })
  gate.open(app, readyChecks(runtime))
  log.info("ready", { url: server.url })

  let stopping: Promise<void> | undefined
  /** Graceful stop: no new work, answer what is in flight, flush the outbox, close the store. */
  const stop = () => {
    stopping ??= (async () => {
      log.info("stopping: no new work taken")
      const answered = await gate.drain(STOP_LIMITS.drainMs)
      // Answered is not yet written: close idle keep-alives now, let the last responses reach
      // their callers (a 201 cut off after the command was stored makes a client retry into a
      // 409), end the live streams, and only then drop whatever is still open.
      const closed = server.close()
      server.closeIdleConnections()
      hub.close()
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, STOP_LIMITS.writeMs))])
      server.closeConnections()
      await closed
      const flushed = await flushOutbox(runtime, STOP_LIMITS.flushMs)
      await runtime.dispose()
      log.info("stopped", { inFlightAnswered: answered, outboxFlushed: flushed })
    })()
    return stopping
  }
  return { url: server.url, gate, runtime, stop }
}

export type Node = Awaited<ReturnType<typeof boot>>
