import { mkdtempSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  AuthStore,
  AzureCallRegistry,
  eventGridUrl,
  LibsqlAuthStoreLive,
  VirtualClock,
  VirtualClockLive,
} from "@lifeline/adapters"
import {
  type AuthOptions,
  apiLayer,
  buildApp,
  DEFAULT_SESSION_SETTINGS,
  DEMO_API_KEYS,
  KEYS,
  lifelineClient,
  listen,
  liveHubOf,
  makeLogger,
  makeOidc,
  parseApiKeys,
  parseRoleMap,
  seedDemo,
} from "@lifeline/api/testing"
import { Effect, Layer, ManagedRuntime, Option } from "effect"
import { type AcsStandin, startAcsStandin } from "../standins/acs-standin"
import { type ResendStandin, startResendStandin } from "../standins/resend-standin"

export const WEBHOOK_SECRET = "e2e-webhook-secret"
export const T0 = Date.UTC(2025, 0, 6, 14, 0)

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject()))
    })
  })

/** What the stand-in signs callbacks as when `callbackJwt` is on (ACS's issuer, a resource id). */
export const CALLBACK_JWT = {
  issuer: "https://acscallautomation.communication.azure.com",
  audience: "0c5e7b1d-9a3f-4d2e-8b6a-1f2e3d4c5b6a",
} as const

export interface E2eOptions {
  /**
   * The stand-in signs its callback POSTs (issue 6) and the API requires the JWT on them, as
   * production does with the ACS_CALLBACK_JWT_* settings. Off by default.
   */
  readonly callbackJwt?: boolean
  /** A built web app to serve at `/` (the browser tests, tests/web). */
  readonly webRoot?: string
  /**
   * Issue 21: sign-in with this OpenID Connect provider (the test provider of
   * apps/api/src/auth/test-provider.ts), beside the local demo sign-in every e2e node offers.
   */
  readonly oidc?: {
    readonly issuer: string
    readonly clientId: string
    readonly clientSecret: string
    /** Where the browser comes back to: the address the browser reaches the node at. */
    readonly redirectUrl: string
    /** `Group=role` pairs, as LIFELINE_OIDC_ROLES takes them. */
    readonly roles: string
  }
  /** Every log line the node writes (JSON), e.g. to scan them for secrets. */
  readonly log?: (line: string) => void
  /** More layers for the node's runtime (e.g. spans kept in memory). */
  readonly layer?: Layer.Layer<never>
}

/**
 * The whole API on a real port, as production wires it: libSQL on a temp file, the Azure
 * telephony adapter on the real SDK against the ACS stand-in, the Resend adapter against the
 * Resend stand-in, the outbox dispatcher. Only the clock is virtual, so a test can move time.
 */
export const startE2e = async (lines: Readonly<Record<string, string>> = {}, options: E2eOptions = {}) => {
  const acs = await startAcsStandin(options.callbackJwt === true ? { signCallbacks: CALLBACK_JWT } : {})
  const callbackJwt = options.callbackJwt === true ? { jwksUrl: acs.jwksUrl, ...CALLBACK_JWT } : undefined
  const resend = await startResendStandin({ apiKey: "re_e2e_key" })
  const port = await freePort()
  const apiUrl = `http://127.0.0.1:${port}`
  const dir = mkdtempSync(join(tmpdir(), "lifeline-e2e-"))
  const layer = apiLayer(
    {
      db: { url: `file:${join(dir, "lifeline.db")}`, options: {} },
      telephony: {
        _tag: "azure",
        defaultWorkstream: "inbound-voice",
        config: {
          connectionString: acs.connectionString,
          callbackBaseUrl: `${apiUrl}/webhooks/acs/calls`,
          webhookSecret: WEBHOOK_SECRET,
          repEndpoint: (repId) => `8:acs:rep-${repId}`,
          callerId: "+15550100000",
          allowInsecureConnection: true,
          requestTimeoutMs: 5_000,
          ...(callbackJwt === undefined ? {} : { callbackJwt }),
        },
      },
      mail: {
        _tag: "resend",
        config: { apiKey: "re_e2e_key", from: "Lifeline <alerts@lifeline.example>", baseUrl: resend.url },
      },
    },
    VirtualClockLive(T0),
  )
  const runtime = ManagedRuntime.make(options.layer === undefined ? layer : Layer.merge(layer, options.layer))
  await runtime.runPromise(seedDemo)
  // Issue 21: people sign in (sessions in the node's own database); the demo sign-in as on loopback.
  const authRuntime = ManagedRuntime.make(LibsqlAuthStoreLive(`file:${join(dir, "lifeline.db")}`))
  const oidc = options.oidc
  const auth: AuthOptions = {
    store: await authRuntime.runPromise(Effect.service(AuthStore)),
    demo: true,
    session: DEFAULT_SESSION_SETTINGS,
    ...(oidc === undefined
      ? {}
      : {
          oidc: {
            client: makeOidc({
              issuer: oidc.issuer,
              clientId: oidc.clientId,
              clientSecret: oidc.clientSecret,
              redirectUrl: oidc.redirectUrl,
              scopes: "openid profile lifeline",
            }),
            mapping: { rolesClaim: "roles", repIdClaim: "rep_id", grants: parseRoleMap(oidc.roles) },
          },
        }),
  }
  const hub = await liveHubOf(runtime)
  const registry = Option.getOrThrow(await runtime.runPromise(Effect.serviceOption(AzureCallRegistry)))
  const app = buildApp(runtime, {
    keys: parseApiKeys(DEMO_API_KEYS),
    hub,
    auth,
    ...(options.log === undefined ? {} : { log: makeLogger(options.log) }),
    ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
    acs: {
      secret: WEBHOOK_SECRET,
      registry,
      workstreamFor: (to) => lines[to] ?? "inbound-voice",
      ...(callbackJwt === undefined ? {} : { callbackJwt }),
    },
  })
  const server = await listen(app, { port, hostname: "127.0.0.1" })
  const clock = Option.getOrThrow(await runtime.runPromise(Effect.serviceOption(VirtualClock)))
  return {
    acs,
    resend,
    url: server.url,
    as: (key: string) => lifelineClient(server.url, key),
    /** Posts an IncomingCall through Event Grid to the API, as ACS does. */
    ring: (from: string, to: string) =>
      acs.ringIncomingCall({
        webhookUrl: eventGridUrl(`${server.url}/webhooks/acs/incoming`, WEBHOOK_SECRET),
        from,
        to,
      }),
    advance: (ms: number) => runtime.runPromise(clock.advanceBy(ms)),
    close: async () => {
      await server.close()
      await runtime.dispose()
      await authRuntime.dispose()
      await acs.close()
      await resend.close()
    },
  }
}

export type E2e = Awaited<ReturnType<typeof startE2e>>

/** Wait until `check` holds (the outbox and provider events are asynchronous). */
export const eventually = async <A>(
  check: () => A | undefined | Promise<A | undefined>,
  ms = 5_000,
): Promise<A> => {
  const until = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > until) throw new Error(`not within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export type { AcsStandin, ResendStandin }
export { Effect, KEYS }
