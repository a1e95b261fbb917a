import {
  type AzureTelephonyConfig,
  type CallbackJwtConfig,
  DEFAULT_SNAPSHOT_SETTINGS,
  dbConfigFromEnv,
  type LibsqlStoreOptions,
  type ResendMailerConfig,
  type SnapshotSettings,
} from "@lifeline/adapters"
import { Config, Effect, Option, Redacted, Schema, SchemaIssue } from "effect"
import { type ClaimMapping, parseRoleMap } from "./auth/claims"
import { isLoopback } from "./auth/keys"
import { type AuthFailureLimits, DEFAULT_AUTH_FAILURE_LIMITS } from "./auth/limit"
import type { OidcSettings } from "./auth/oidc"
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from "./auth/session"
import { DEFAULT_IDEMPOTENCY_KEEP_MS } from "./idempotency"
import type { TracingSettings } from "./ops/tracing"
import { IsoTime } from "./routes/audit"

/** The workstream inbound lines are routed by unless LIFELINE_DEFAULT_WORKSTREAM names another. */
export const DEFAULT_WORKSTREAM = "inbound-voice"

/** Everything the composition root needs to pick its adapters. */
export interface ApiSettings {
  readonly db: { readonly url: string; readonly options: LibsqlStoreOptions }
  readonly telephony:
    | { readonly _tag: "simulated"; readonly defaultWorkstream?: string }
    | { readonly _tag: "azure"; readonly config: AzureTelephonyConfig; readonly defaultWorkstream: string }
  readonly mail:
    | { readonly _tag: "recording" }
    | { readonly _tag: "resend"; readonly config: ResendMailerConfig }
  /** OpenTelemetry export of Effect's spans; absent: off. */
  readonly tracing?: TracingSettings
  /** Origins a browser may call the API from (CORS); absent or empty: no CORS headers at all. */
  readonly corsOrigins?: readonly string[]
  /** Failed authentications allowed per client address; absent: the defaults (auth/limit.ts). */
  readonly authFailures?: AuthFailureLimits
  /** When the center is written as a snapshot (issue 22); absent: none written (existing ones are read). */
  readonly snapshots?: SnapshotSettings
  /** People's sign-in (issue 21): sessions always; the identity provider when configured. */
  readonly auth?: AuthSettings
  /** The node's clock (issue 20, I5); absent: the real one. */
  readonly clock?: ClockSettings
  /** How long an Idempotency-Key's answer is kept (issue 20, I4); absent: 24 hours. */
  readonly idempotency?: { readonly keepMs: number }
}

/**
 * Issue 20 (I5): a sandbox node runs on a test clock that stands still until an admin moves it
 * (POST /api/clock/advance); it starts at `startAt`, or at the real time when the node starts.
 */
export type ClockSettings =
  | { readonly _tag: "real" }
  | { readonly _tag: "virtual"; readonly startAt?: number }

/** Sign-in's settings (issue 21, docs/operations.md "Sign-in"). */
export interface AuthSettings {
  readonly session: SessionSettings
  /** LIFELINE_PUBLIC_URL: where people reach the node (the callback's base, cookies, CSRF). */
  readonly publicUrl?: string
  readonly oidc?: { readonly client: OidcSettings; readonly mapping: ClaimMapping }
}

const optionalString = (name: string) => Config.option(Config.String(name))

/** Not set, or set empty (as `VAR=` in a compose file means): None. */
const optionalNonEmpty = (name: string) =>
  optionalString(name).pipe(Config.map(Option.filter((value) => value !== "")))

/**
 * A setting that is wrong as a whole (a missing partner, a bad URL): a ConfigError naming the
 * variable, with the message; never the value.
 */
const settingError = (name: string, message: string) =>
  Effect.fail(
    new Config.ConfigError(
      new Schema.SchemaError(new SchemaIssue.Pointer([name], new SchemaIssue.InvalidValue({ message }))),
    ),
  )

/**
 * ACS's callback JWT (issue 6): all three `ACS_CALLBACK_JWT_*` or none. Verification is off when
 * none is set (the URL token alone, as before); a partial set fails naming what is missing, so a
 * typo cannot switch the check off silently. The JWKS must be https unless ACS_ALLOW_INSECURE.
 */
const callbackJwtConfig = (allowInsecure: boolean) =>
  Effect.gen(function* () {
    // An empty value counts as not set (as `VAR=` in a compose file means).
    const jwksUrl = yield* optionalNonEmpty("ACS_CALLBACK_JWT_JWKS_URL")
    const issuer = yield* optionalNonEmpty("ACS_CALLBACK_JWT_ISSUER")
    const audience = yield* optionalNonEmpty("ACS_CALLBACK_JWT_AUDIENCE")
    const given: readonly (readonly [string, boolean])[] = [
      ["ACS_CALLBACK_JWT_JWKS_URL", Option.isSome(jwksUrl)],
      ["ACS_CALLBACK_JWT_ISSUER", Option.isSome(issuer)],
      ["ACS_CALLBACK_JWT_AUDIENCE", Option.isSome(audience)],
    ]
    const missing = given.filter(([, set]) => !set).map(([name]) => name)
    if (missing.length === 3) return undefined
    if (Option.isNone(jwksUrl) || Option.isNone(issuer) || Option.isNone(audience)) {
      return yield* settingError(
        missing[0] ?? "ACS_CALLBACK_JWT_JWKS_URL",
        `${missing.join(" and ")} not set: ACS callback JWT verification needs all three of ACS_CALLBACK_JWT_JWKS_URL, ACS_CALLBACK_JWT_ISSUER, ACS_CALLBACK_JWT_AUDIENCE, or none`,
      )
    }
    if (!URL.canParse(jwksUrl.value)) {
      return yield* settingError("ACS_CALLBACK_JWT_JWKS_URL", "ACS_CALLBACK_JWT_JWKS_URL is not a URL")
    }
    const url = new URL(jwksUrl.value)
    if (url.protocol !== "https:" && !allowInsecure) {
      return yield* settingError(
        "ACS_CALLBACK_JWT_JWKS_URL",
        "ACS_CALLBACK_JWT_JWKS_URL must be https (ACS_ALLOW_INSECURE=true allows http, for a local stand-in only)",
      )
    }
    return {
      jwksUrl: url.toString(),
      issuer: issuer.value,
      audience: audience.value,
    } satisfies CallbackJwtConfig
  })

/**
 * Telephony: Azure when `ACS_CONNECTION_STRING` is set (then the ACS_* settings it needs are
 * required), else the simulated provider of the local demo.
 */
const telephonyConfig = Effect.gen(function* () {
  const connection = yield* Config.option(Config.Redacted("ACS_CONNECTION_STRING"))
  const defaultWorkstream = Option.getOrElse(
    yield* optionalNonEmpty("LIFELINE_DEFAULT_WORKSTREAM"),
    () => DEFAULT_WORKSTREAM,
  )
  if (Option.isNone(connection)) return { _tag: "simulated", defaultWorkstream } as const
  const callbackBase = yield* Config.URL("ACS_CALLBACK_BASE_URL")
  const secret = yield* Config.Redacted("ACS_WEBHOOK_SECRET")
  const callerId = yield* Config.String("ACS_CALLER_ID")
  const repPrefix = yield* Config.String("ACS_REP_ID_PREFIX").pipe(Config.withDefault("8:acs:lifeline_"))
  const insecure = yield* Config.Boolean("ACS_ALLOW_INSECURE").pipe(Config.withDefault(false))
  const callbackJwt = yield* callbackJwtConfig(insecure)
  const config: AzureTelephonyConfig = {
    connectionString: Redacted.value(connection.value),
    callbackBaseUrl: new URL("/webhooks/acs/calls", callbackBase).toString(),
    webhookSecret: Redacted.value(secret),
    callerId,
    repEndpoint: (repId) => `${repPrefix}${repId}`,
    allowInsecureConnection: insecure,
    ...(callbackJwt === undefined ? {} : { callbackJwt }),
  }
  return { _tag: "azure", config, defaultWorkstream } as const
})

/** Email: Resend when `RESEND_API_KEY` is set (then `LIFELINE_MAIL_FROM` too), else recorded. */
const mailConfig = Effect.gen(function* () {
  const key = yield* Config.option(Config.Redacted("RESEND_API_KEY"))
  if (Option.isNone(key)) return { _tag: "recording" } as const
  const from = yield* Config.String("LIFELINE_MAIL_FROM")
  const baseUrl = yield* optionalString("RESEND_BASE_URL")
  return {
    _tag: "resend",
    config: {
      apiKey: Redacted.value(key.value),
      from,
      ...(Option.isSome(baseUrl) ? { baseUrl: baseUrl.value } : {}),
    },
  } as const
})

/** `k1=v1,k2=v2` (values percent-encoded), the OTLP exporter's header syntax. */
const parseHeaders = (raw: string): Record<string, string> | undefined => {
  const headers: Record<string, string> = {}
  for (const pair of raw.split(",")) {
    if (pair.trim() === "") continue
    const at = pair.indexOf("=")
    if (at <= 0) return undefined
    try {
      headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim())
    } catch {
      return undefined
    }
  }
  return headers
}

/**
 * Tracing (issue 9): off unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector, as in every
 * OpenTelemetry SDK; traces go to its `/v1/traces`.
 */
const tracingConfig = Effect.gen(function* () {
  const endpoint = yield* optionalNonEmpty("OTEL_EXPORTER_OTLP_ENDPOINT")
  if (Option.isNone(endpoint)) return undefined
  if (!URL.canParse(endpoint.value) || !/^https?:$/.test(new URL(endpoint.value).protocol))
    return yield* settingError(
      "OTEL_EXPORTER_OTLP_ENDPOINT",
      "OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL",
    )
  const base = new URL(endpoint.value)
  if (!base.pathname.endsWith("/")) base.pathname = `${base.pathname}/`
  const serviceName = Option.getOrElse(yield* optionalNonEmpty("OTEL_SERVICE_NAME"), () => "lifeline-api")
  const rawHeaders = yield* Config.option(Config.Redacted("OTEL_EXPORTER_OTLP_HEADERS"))
  const headers = Option.isNone(rawHeaders) ? {} : parseHeaders(Redacted.value(rawHeaders.value))
  if (headers === undefined)
    return yield* settingError(
      "OTEL_EXPORTER_OTLP_HEADERS",
      "OTEL_EXPORTER_OTLP_HEADERS must be name=value pairs separated by ','",
    )
  return { url: new URL("v1/traces", base).toString(), serviceName, headers } satisfies TracingSettings
})

/**
 * CORS (issue 16): off unless `LIFELINE_CORS_ORIGINS` lists the origins (`scheme://host[:port]`,
 * separated by ','); `*` is refused, as a list says who is trusted.
 */
const corsConfig = Effect.gen(function* () {
  const raw = yield* optionalNonEmpty("LIFELINE_CORS_ORIGINS")
  if (Option.isNone(raw)) return undefined
  const origins = raw.value
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "")
  for (const [i, origin] of origins.entries()) {
    const url = URL.canParse(origin) ? new URL(origin) : undefined
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.origin !== origin)
      return yield* settingError(
        "LIFELINE_CORS_ORIGINS",
        `LIFELINE_CORS_ORIGINS entry ${i + 1} is not an origin: expected scheme://host[:port], without a path or '*'`,
      )
  }
  return origins.length === 0 ? undefined : origins
})

const PositiveInt = Schema.Int.check(
  Schema.makeFilter((n: number) => n >= 1 || "must be a whole number of at least 1"),
)

/** Failed authentications per client address (issue 16): a limit in a window, both with defaults. */
const authFailuresConfig = Effect.gen(function* () {
  const maxFailures = yield* Config.schema(PositiveInt, "LIFELINE_AUTH_FAILURE_LIMIT").pipe(
    Config.withDefault(DEFAULT_AUTH_FAILURE_LIMITS.maxFailures),
  )
  const windowSeconds = yield* Config.schema(PositiveInt, "LIFELINE_AUTH_FAILURE_WINDOW_SECONDS").pipe(
    Config.withDefault(DEFAULT_AUTH_FAILURE_LIMITS.windowMs / 1000),
  )
  return { maxFailures, windowMs: windowSeconds * 1000 } satisfies AuthFailureLimits
})

const NonNegativeInt = Schema.Int.check(
  Schema.makeFilter((n: number) => n >= 0 || "must be a whole number of at least 0"),
)

/** Snapshots (issue 22): every N events or T seconds, whichever comes first; N = 0 writes none. */
const snapshotsConfig = Effect.gen(function* () {
  const everyEvents = yield* Config.schema(NonNegativeInt, "LIFELINE_SNAPSHOT_EVERY_EVENTS").pipe(
    Config.withDefault(DEFAULT_SNAPSHOT_SETTINGS.everyEvents),
  )
  const everySeconds = yield* Config.schema(PositiveInt, "LIFELINE_SNAPSHOT_EVERY_SECONDS").pipe(
    Config.withDefault(DEFAULT_SNAPSHOT_SETTINGS.everySeconds),
  )
  return { everyEvents, everySeconds } satisfies SnapshotSettings
})

/** http only to this machine (tests, a local provider); anything else must be https. */
const httpsOrLoopback = (name: string, raw: string) => {
  const url = URL.canParse(raw) ? new URL(raw) : undefined
  if (url === undefined || !/^https?:$/.test(url.protocol))
    return settingError(name, `${name} is not an http(s) URL`)
  if (url.protocol === "http:" && !isLoopback(url.hostname))
    return settingError(name, `${name} must be https (plain http only on a loopback address)`)
  return Effect.succeed(url)
}

/**
 * Sign-in (issue 21): OpenID Connect when LIFELINE_OIDC_ISSUER is set; then the client id, the
 * public URL (the redirect is its /auth/callback) and the role map are required. Sessions'
 * lifetime and idle timeout have defaults.
 */
const authConfig = Effect.gen(function* () {
  const maxHours = yield* Config.schema(PositiveInt, "LIFELINE_SESSION_MAX_HOURS").pipe(
    Config.withDefault(DEFAULT_SESSION_SETTINGS.maxMs / 3600_000),
  )
  const idleMinutes = yield* Config.schema(PositiveInt, "LIFELINE_SESSION_IDLE_MINUTES").pipe(
    Config.withDefault(DEFAULT_SESSION_SETTINGS.idleMs / 60_000),
  )
  const session = { maxMs: maxHours * 3600_000, idleMs: idleMinutes * 60_000 }
  const rawPublicUrl = yield* optionalNonEmpty("LIFELINE_PUBLIC_URL")
  const publicUrl = Option.isNone(rawPublicUrl)
    ? undefined
    : yield* httpsOrLoopback("LIFELINE_PUBLIC_URL", rawPublicUrl.value)
  const issuer = yield* optionalNonEmpty("LIFELINE_OIDC_ISSUER")
  const base = { session, ...(publicUrl === undefined ? {} : { publicUrl: publicUrl.origin }) }
  if (Option.isNone(issuer)) return base satisfies AuthSettings
  const issuerUrl = yield* httpsOrLoopback("LIFELINE_OIDC_ISSUER", issuer.value)
  if (publicUrl === undefined)
    return yield* settingError(
      "LIFELINE_PUBLIC_URL",
      "LIFELINE_PUBLIC_URL not set: sign-in with LIFELINE_OIDC_ISSUER needs the URL people reach Lifeline at (its /auth/callback is the redirect URL)",
    )
  const clientId = yield* Config.String("LIFELINE_OIDC_CLIENT_ID")
  const secret = yield* Config.option(Config.Redacted("LIFELINE_OIDC_CLIENT_SECRET"))
  const scopes = Option.getOrElse(
    yield* optionalNonEmpty("LIFELINE_OIDC_SCOPES"),
    () => "openid profile email",
  )
  const rolesClaim = Option.getOrElse(yield* optionalNonEmpty("LIFELINE_OIDC_ROLES_CLAIM"), () => "roles")
  const repIdClaim = Option.getOrElse(yield* optionalNonEmpty("LIFELINE_OIDC_REP_ID_CLAIM"), () => "rep_id")
  const roleMap = yield* Config.String("LIFELINE_OIDC_ROLE_MAP")
  let grants: ClaimMapping["grants"]
  try {
    grants = parseRoleMap(roleMap)
  } catch (error) {
    // parseRoleMap names the entry by its place and never quotes it.
    return yield* settingError("LIFELINE_OIDC_ROLE_MAP", (error as Error).message)
  }
  const secretValue = Option.isNone(secret) ? "" : Redacted.value(secret.value)
  return {
    ...base,
    oidc: {
      client: {
        issuer: issuerUrl.href,
        clientId,
        ...(secretValue === "" ? {} : { clientSecret: secretValue }),
        redirectUrl: new URL("/auth/callback", publicUrl).href,
        scopes,
      },
      mapping: { rolesClaim, repIdClaim, grants },
    },
  } satisfies AuthSettings
})

/**
 * The clock (issue 20): LIFELINE_CLOCK=virtual makes the node a sandbox, starting at
 * LIFELINE_CLOCK_START when given. A sandbox never talks to real providers: a test clock would
 * ring real phones and send real emails at the wrong time, so their settings refuse the start.
 */
const clockConfig = (real: readonly string[]) =>
  Effect.gen(function* () {
    const kind = yield* Config.Literals(["real", "virtual"], "LIFELINE_CLOCK").pipe(
      Config.withDefault("real"),
    )
    const start = yield* Config.option(Config.schema(IsoTime, "LIFELINE_CLOCK_START"))
    if (kind === "real") {
      if (Option.isSome(start))
        return yield* settingError(
          "LIFELINE_CLOCK_START",
          "LIFELINE_CLOCK_START sets a sandbox's start: it needs LIFELINE_CLOCK=virtual",
        )
      return { _tag: "real" } satisfies ClockSettings
    }
    if (real.length > 0)
      return yield* settingError(
        "LIFELINE_CLOCK",
        `LIFELINE_CLOCK=virtual (a sandbox) cannot run with ${real.join(" or ")} set: a sandbox uses the simulated provider and the recording mailer; unset ${real.join(" and ")}, or LIFELINE_CLOCK`,
      )
    return Option.match(start, {
      onNone: () => ({ _tag: "virtual" }) satisfies ClockSettings,
      onSome: (at) => ({ _tag: "virtual", startAt: at.getTime() }) satisfies ClockSettings,
    })
  })

/** Issue 20 (I4): how many hours an Idempotency-Key's answer is kept for a retry. */
const idempotencyConfig = Config.schema(PositiveInt, "LIFELINE_IDEMPOTENCY_KEY_HOURS").pipe(
  Config.withDefault(DEFAULT_IDEMPOTENCY_KEEP_MS / 3600_000),
  Config.map((hours) => ({ keepMs: hours * 3600_000 })),
)

/** Read and check the settings; a bad one fails with its variable's name. Secrets stay redacted. */
export const loadSettings = Effect.gen(function* () {
  // Through Config like the rest (so a settings file reaches them); a LIFELINE_DB_SYNC typo must
  // not fall back to NORMAL silently.
  const sync = yield* Config.option(Config.Literals(["normal", "full"], "LIFELINE_DB_SYNC"))
  const dbEnv = {
    LIFELINE_DB_URL: Option.getOrUndefined(yield* optionalString("LIFELINE_DB_URL")),
    LIFELINE_DB_AUTH_TOKEN: Option.getOrUndefined(
      Option.map(yield* Config.option(Config.Redacted("LIFELINE_DB_AUTH_TOKEN")), Redacted.value),
    ),
    LIFELINE_DB_SYNC: Option.getOrUndefined(sync),
    LIFELINE_MIGRATIONS_DIR: Option.getOrUndefined(yield* optionalString("LIFELINE_MIGRATIONS_DIR")),
  }
  const db = dbConfigFromEnv(dbEnv)
  const telephony = yield* telephonyConfig
  const mail = yield* mailConfig
  const tracing = yield* tracingConfig
  const corsOrigins = yield* corsConfig
  const authFailures = yield* authFailuresConfig
  const snapshots = yield* snapshotsConfig
  const auth: AuthSettings = yield* authConfig
  const clock = yield* clockConfig([
    ...(telephony._tag === "azure" ? ["ACS_CONNECTION_STRING"] : []),
    ...(mail._tag === "resend" ? ["RESEND_API_KEY"] : []),
  ])
  const idempotency = yield* idempotencyConfig
  return {
    db,
    auth,
    telephony,
    mail,
    authFailures,
    snapshots,
    clock,
    idempotency,
    ...(tracing === undefined ? {} : { tracing }),
    ...(corsOrigins === undefined ? {} : { corsOrigins }),
  } satisfies ApiSettings
})
