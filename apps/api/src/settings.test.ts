import { ConfigProvider, Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import { loadSettings } from "./settings"

const ACS = {
  ACS_CONNECTION_STRING: "endpoint=https://lifeline.communication.azure.com/;accesskey=a2V5",
  ACS_CALLBACK_BASE_URL: "https://lifeline.example",
  ACS_WEBHOOK_SECRET: "s3cret",
  ACS_CALLER_ID: "+15550100000",
}
const JWT = {
  ACS_CALLBACK_JWT_JWKS_URL: "https://acscallautomation.communication.azure.com/calling/keys",
  ACS_CALLBACK_JWT_ISSUER: "https://acscallautomation.communication.azure.com",
  ACS_CALLBACK_JWT_AUDIENCE: "6f1a0c3e-2b7d-4e59-9c1a-0d4b8e2f7a51",
}

const load = (env: Readonly<Record<string, string>>) =>
  Effect.runSync(
    Effect.result(
      Effect.provideService(
        loadSettings,
        ConfigProvider.ConfigProvider,
        ConfigProvider.fromEnvRecord(env, { preserveEmptyStrings: true }),
      ),
    ),
  )

const telephonyOf = (env: Readonly<Record<string, string>>) => {
  const loaded = load(env)
  if (Result.isFailure(loaded)) throw new Error(String(loaded.failure))
  const telephony = loaded.success.telephony
  if (telephony._tag !== "azure") throw new Error("not azure")
  return telephony.config
}

const failure = (env: Readonly<Record<string, string>>) => {
  const loaded = load(env)
  if (Result.isSuccess(loaded)) throw new Error("settings accepted")
  return String(loaded.failure)
}

describe("ACS callback JWT settings (issue 6)", () => {
  it("none set: no JWT check, as before", () => {
    expect(telephonyOf(ACS).callbackJwt).toBeUndefined()
  })

  it("all three set: the route gets them", () => {
    expect(telephonyOf({ ...ACS, ...JWT }).callbackJwt).toEqual({
      jwksUrl: JWT.ACS_CALLBACK_JWT_JWKS_URL,
      issuer: JWT.ACS_CALLBACK_JWT_ISSUER,
      audience: JWT.ACS_CALLBACK_JWT_AUDIENCE,
    })
  })

  it.each(Object.keys(JWT))("%s alone missing: fails naming it", (name) => {
    const { [name as keyof typeof JWT]: _, ...partial } = JWT
    const message = failure({ ...ACS, ...partial })
    expect(message).toContain(name)
    expect(message).toMatch(/all three/)
  })

  it("only the audience set: fails naming both missing variables", () => {
    const message = failure({ ...ACS, ACS_CALLBACK_JWT_AUDIENCE: JWT.ACS_CALLBACK_JWT_AUDIENCE })
    expect(message).toContain("ACS_CALLBACK_JWT_JWKS_URL and ACS_CALLBACK_JWT_ISSUER not set")
  })

  it("a JWKS URL that is not a URL, or plain http, fails naming the variable", () => {
    expect(failure({ ...ACS, ...JWT, ACS_CALLBACK_JWT_JWKS_URL: "not a url" })).toContain(
      "ACS_CALLBACK_JWT_JWKS_URL",
    )
    const http = { ...ACS, ...JWT, ACS_CALLBACK_JWT_JWKS_URL: "http://127.0.0.1:9/calling/keys" }
    expect(failure(http)).toMatch(/ACS_CALLBACK_JWT_JWKS_URL must be https/)
    expect(telephonyOf({ ...http, ACS_ALLOW_INSECURE: "true" }).callbackJwt?.jwksUrl).toBe(
      "http://127.0.0.1:9/calling/keys",
    )
  })

  it("an empty value counts as not set: with the other two set, it fails naming it", () => {
    expect(failure({ ...ACS, ...JWT, ACS_CALLBACK_JWT_AUDIENCE: "" })).toContain(
      "ACS_CALLBACK_JWT_AUDIENCE not set",
    )
    const empty = {
      ACS_CALLBACK_JWT_JWKS_URL: "",
      ACS_CALLBACK_JWT_ISSUER: "",
      ACS_CALLBACK_JWT_AUDIENCE: "",
    }
    expect(telephonyOf({ ...ACS, ...empty }).callbackJwt).toBeUndefined()
  })
})

describe("store settings (issue 9)", () => {
  it("a LIFELINE_DB_SYNC that is neither normal nor full stops start-up, naming it", () => {
    expect(failure({ LIFELINE_DB_SYNC: "fulll" })).toContain("LIFELINE_DB_SYNC")
    expect(Result.isSuccess(load({ LIFELINE_DB_SYNC: "full" }))).toBe(true)
  })
})

const settingsOf = (env: Readonly<Record<string, string>>) => {
  const loaded = load(env)
  if (Result.isFailure(loaded)) throw new Error(String(loaded.failure))
  return loaded.success
}

describe("the store's settings come through Config, so a settings file reaches them (issue 9)", () => {
  it("LIFELINE_DB_URL, the token and the sync mode are read from the provider", () => {
    expect(
      settingsOf({
        LIFELINE_DB_URL: "http://127.0.0.1:8080",
        LIFELINE_DB_AUTH_TOKEN: "t0ken",
        LIFELINE_DB_SYNC: "full",
      }).db,
    ).toEqual({ url: "http://127.0.0.1:8080", options: { authToken: "t0ken", synchronous: "full" } })
    expect(settingsOf({}).db.url).toBe("file:.data/lifeline.db")
  })
})

describe("tracing settings (issue 9)", () => {
  it("off unless OTEL_EXPORTER_OTLP_ENDPOINT is set", () => {
    expect(settingsOf({}).tracing).toBeUndefined()
  })

  it("an endpoint sends traces to its /v1/traces, with the service name and headers", () => {
    expect(
      settingsOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
        OTEL_SERVICE_NAME: "lifeline-eu",
        OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20abc, x-tenant=7",
      }).tracing,
    ).toEqual({
      url: "http://collector:4318/v1/traces",
      serviceName: "lifeline-eu",
      headers: { authorization: "Bearer abc", "x-tenant": "7" },
    })
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example/base" }).tracing?.url).toBe(
      "https://otel.example/base/v1/traces",
    )
  })

  it("a bad endpoint or header list fails naming the variable, never the headers' value", () => {
    expect(failure({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toContain(
      "OTEL_EXPORTER_OTLP_ENDPOINT",
    )
    const message = failure({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
      OTEL_EXPORTER_OTLP_HEADERS: "s3cr3t",
    })
    expect(message).toContain("OTEL_EXPORTER_OTLP_HEADERS")
    expect(message).not.toContain("s3cr3t")
  })
})

describe("snapshot settings (issue 22)", () => {
  it("default: a snapshot every 20,000 events or 60 seconds", () => {
    const loaded = load({})
    if (Result.isFailure(loaded)) throw new Error(String(loaded.failure))
    expect(loaded.success.snapshots).toEqual({ everyEvents: 20_000, everySeconds: 60 })
  })

  it("set: taken as given; 0 events turns writing off", () => {
    const loaded = load({ LIFELINE_SNAPSHOT_EVERY_EVENTS: "0", LIFELINE_SNAPSHOT_EVERY_SECONDS: "5" })
    if (Result.isFailure(loaded)) throw new Error(String(loaded.failure))
    expect(loaded.success.snapshots).toEqual({ everyEvents: 0, everySeconds: 5 })
  })

  it.each([
    ["LIFELINE_SNAPSHOT_EVERY_EVENTS", "-1"],
    ["LIFELINE_SNAPSHOT_EVERY_EVENTS", "lots"],
    ["LIFELINE_SNAPSHOT_EVERY_SECONDS", "0"],
  ])("%s=%s: fails naming it", (name, value) => {
    expect(failure({ [name]: value })).toContain(name)
  })
})

describe("sign-in settings (issue 21)", () => {
  const OIDC = {
    LIFELINE_PUBLIC_URL: "https://lifeline.example.com",
    LIFELINE_OIDC_ISSUER: "https://login.microsoftonline.com/0b6f2f5e-1c6a-4a8e-9f0e-5d1f0c9a7b21/v2.0",
    LIFELINE_OIDC_CLIENT_ID: "4a7c9e1f-3b2d-4c5e-8f6a-7b8c9d0e1f2a",
    LIFELINE_OIDC_CLIENT_SECRET: "cl13nt-s3cr3t",
    LIFELINE_OIDC_ROLE_MAP:
      "Lifeline.Admin=admin,Lifeline.Supervisor=supervisor:billing|support,Lifeline.Rep=rep",
  }
  const authOf = (env: Readonly<Record<string, string>>) => {
    const loaded = load(env)
    if (Result.isFailure(loaded)) throw new Error(String(loaded.failure))
    return loaded.success.auth
  }

  it("none set: sessions with their defaults (12 h, 60 min idle), no identity provider", () => {
    expect(authOf({})).toEqual({ session: { maxMs: 12 * 3600_000, idleMs: 60 * 60_000 } })
  })

  it("an issuer with its partners: the redirect is the public URL's /auth/callback, the map parsed", () => {
    const auth = authOf({ ...OIDC, LIFELINE_SESSION_IDLE_MINUTES: "15" })
    expect(auth?.session.idleMs).toBe(15 * 60_000)
    expect(auth?.oidc?.client).toMatchObject({
      redirectUrl: "https://lifeline.example.com/auth/callback",
      clientSecret: OIDC.LIFELINE_OIDC_CLIENT_SECRET,
      scopes: "openid profile email",
    })
    expect(auth?.oidc?.mapping.rolesClaim).toBe("roles")
    expect(auth?.oidc?.mapping.grants.get("Lifeline.Supervisor")).toEqual({
      role: "supervisor",
      queues: new Set(["billing", "support"]),
    })
  })

  it.each([
    ["LIFELINE_PUBLIC_URL", { LIFELINE_PUBLIC_URL: "" }],
    ["LIFELINE_OIDC_CLIENT_ID", { LIFELINE_OIDC_CLIENT_ID: undefined }],
    ["LIFELINE_OIDC_ROLE_MAP", { LIFELINE_OIDC_ROLE_MAP: "Lifeline.Admin=boss" }],
    ["LIFELINE_OIDC_ROLE_MAP", { LIFELINE_OIDC_ROLE_MAP: "Lifeline.Bot=integrator" }],
    ["LIFELINE_OIDC_ISSUER", { LIFELINE_OIDC_ISSUER: "http://login.example.com" }],
    ["LIFELINE_PUBLIC_URL", { LIFELINE_PUBLIC_URL: "http://lifeline.example.com" }],
    ["LIFELINE_SESSION_MAX_HOURS", { LIFELINE_SESSION_MAX_HOURS: "0" }],
  ])("%s wrong or missing: fails naming it, never the secret", (name, change) => {
    const env = Object.fromEntries(
      Object.entries({ ...OIDC, ...change }).filter((e): e is [string, string] => e[1] !== undefined),
    )
    const message = failure(env)
    expect(message).toContain(name)
    expect(message).not.toContain(OIDC.LIFELINE_OIDC_CLIENT_SECRET)
  })

  it("plain http only on loopback (a local provider in tests)", () => {
    const auth = authOf({
      ...OIDC,
      LIFELINE_PUBLIC_URL: "http://127.0.0.1:3000",
      LIFELINE_OIDC_ISSUER: "http://127.0.0.1:8080",
    })
    expect(auth?.publicUrl).toBe("http://127.0.0.1:3000")
  })
})

describe("the clock and Idempotency-Key settings (issue 20)", () => {
  const RESEND = { RESEND_API_KEY: "re_live_key", LIFELINE_MAIL_FROM: "Lifeline <alerts@lifeline.example>" }

  it("none set: the real clock, answers kept 24 hours", () => {
    expect(settingsOf({})).toMatchObject({ clock: { _tag: "real" }, idempotency: { keepMs: 24 * 3600_000 } })
  })

  it("I5 LIFELINE_CLOCK=virtual is a sandbox, from LIFELINE_CLOCK_START when given (else the real now, at start)", () => {
    expect(settingsOf({ LIFELINE_CLOCK: "virtual" }).clock).toEqual({ _tag: "virtual" })
    expect(
      settingsOf({ LIFELINE_CLOCK: "virtual", LIFELINE_CLOCK_START: "2025-01-06T14:00:00Z" }).clock,
    ).toEqual({ _tag: "virtual", startAt: Date.UTC(2025, 0, 6, 14) })
  })

  it.each([
    ["ACS_CONNECTION_STRING", ACS],
    ["RESEND_API_KEY", RESEND],
  ])("I5 a sandbox with real providers (%s) is refused, naming both settings", (name, real) => {
    const message = failure({ LIFELINE_CLOCK: "virtual", ...real })
    expect(message).toContain("LIFELINE_CLOCK")
    expect(message).toContain(name)
    expect(message).not.toContain("re_live_key")
    // The same providers on the real clock are a production node.
    expect(Result.isSuccess(load(real))).toBe(true)
  })

  it.each([
    ["LIFELINE_CLOCK", { LIFELINE_CLOCK: "fake" }],
    ["LIFELINE_CLOCK_START", { LIFELINE_CLOCK: "virtual", LIFELINE_CLOCK_START: "next monday" }],
    ["LIFELINE_CLOCK_START", { LIFELINE_CLOCK_START: "2025-01-06T14:00:00Z" }],
    ["LIFELINE_IDEMPOTENCY_KEY_HOURS", { LIFELINE_IDEMPOTENCY_KEY_HOURS: "0" }],
  ])("N3 %s wrong: fails naming it", (name, env) => {
    expect(failure(env)).toContain(name)
  })

  it("I4 LIFELINE_IDEMPOTENCY_KEY_HOURS sets how long an answer is kept", () => {
    expect(settingsOf({ LIFELINE_IDEMPOTENCY_KEY_HOURS: "48" }).idempotency).toEqual({
      keepMs: 48 * 3600_000,
    })
  })
})
