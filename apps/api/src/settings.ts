import {
  type AzureTelephonyConfig,
  type CallbackJwtConfig,
  dbConfigFromEnv,
  type LibsqlStoreOptions,
  type ResendMailerConfig,
} from "@lifeline/adapters"
import { Config, ConfigError, Effect, Option, Redacted } from "effect"

/** Everything the composition root needs to pick its adapters. */
export interface ApiSettings {
  readonly db: { readonly url: string; readonly options: LibsqlStoreOptions }
  readonly telephony:
    | { readonly _tag: "simulated" }
    | { readonly _tag: "azure"; readonly config: AzureTelephonyConfig; readonly defaultWorkstream: string }
  readonly mail:
    | { readonly _tag: "recording" }
    | { readonly _tag: "resend"; readonly config: ResendMailerConfig }
}

const optionalString = (name: string) => Config.option(Config.string(name))

/**
 * ACS's callback JWT (issue 6): all three `ACS_CALLBACK_JWT_*` or none. Verification is off when
 * none is set (the URL token alone, as before); a partial set fails naming what is missing, so a
 * typo cannot switch the check off silently. The JWKS must be https unless ACS_ALLOW_INSECURE.
 */
const callbackJwtConfig = (allowInsecure: boolean) =>
  Effect.gen(function* () {
    // An empty value counts as not set (as `VAR=` in a compose file means).
    const jwksUrl = yield* Config.option(Config.nonEmptyString("ACS_CALLBACK_JWT_JWKS_URL"))
    const issuer = yield* Config.option(Config.nonEmptyString("ACS_CALLBACK_JWT_ISSUER"))
    const audience = yield* Config.option(Config.nonEmptyString("ACS_CALLBACK_JWT_AUDIENCE"))
    const given: readonly (readonly [string, boolean])[] = [
      ["ACS_CALLBACK_JWT_JWKS_URL", Option.isSome(jwksUrl)],
      ["ACS_CALLBACK_JWT_ISSUER", Option.isSome(issuer)],
      ["ACS_CALLBACK_JWT_AUDIENCE", Option.isSome(audience)],
    ]
    const missing = given.filter(([, set]) => !set).map(([name]) => name)
    if (missing.length === 3) return undefined
    if (Option.isNone(jwksUrl) || Option.isNone(issuer) || Option.isNone(audience)) {
      return yield* Effect.fail(
        ConfigError.MissingData(
          [missing[0] ?? "ACS_CALLBACK_JWT_JWKS_URL"],
          `${missing.join(" and ")} not set: ACS callback JWT verification needs all three of ACS_CALLBACK_JWT_JWKS_URL, ACS_CALLBACK_JWT_ISSUER, ACS_CALLBACK_JWT_AUDIENCE, or none`,
        ),
      )
    }
    if (!URL.canParse(jwksUrl.value)) {
      return yield* Effect.fail(
        ConfigError.InvalidData(["ACS_CALLBACK_JWT_JWKS_URL"], "ACS_CALLBACK_JWT_JWKS_URL is not a URL"),
      )
    }
    const url = new URL(jwksUrl.value)
    if (url.protocol !== "https:" && !allowInsecure) {
      return yield* Effect.fail(
        ConfigError.InvalidData(
          ["ACS_CALLBACK_JWT_JWKS_URL"],
          "ACS_CALLBACK_JWT_JWKS_URL must be https (ACS_ALLOW_INSECURE=true allows http, for a local stand-in only)",
        ),
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
  const connection = yield* Config.option(Config.redacted("ACS_CONNECTION_STRING"))
  if (Option.isNone(connection)) return { _tag: "simulated" } as const
  const callbackBase = yield* Config.url("ACS_CALLBACK_BASE_URL")
  const secret = yield* Config.redacted("ACS_WEBHOOK_SECRET")
  const callerId = yield* Config.string("ACS_CALLER_ID")
  const repPrefix = yield* Config.string("ACS_REP_ID_PREFIX").pipe(Config.withDefault("8:acs:lifeline_"))
  const insecure = yield* Config.boolean("ACS_ALLOW_INSECURE").pipe(Config.withDefault(false))
  const defaultWorkstream = yield* Config.string("LIFELINE_DEFAULT_WORKSTREAM").pipe(
    Config.withDefault("inbound-voice"),
  )
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
  const key = yield* Config.option(Config.redacted("RESEND_API_KEY"))
  if (Option.isNone(key)) return { _tag: "recording" } as const
  const from = yield* Config.string("LIFELINE_MAIL_FROM")
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

/** Read and check the settings; a bad one fails with its variable's name. Secrets stay redacted. */
export const loadSettings = Effect.gen(function* () {
  // LIFELINE_DB_SYNC is read by dbConfigFromEnv; a typo must not fall back to NORMAL silently.
  yield* Config.option(Config.literal("normal", "full")("LIFELINE_DB_SYNC"))
  const db = dbConfigFromEnv()
  const telephony = yield* telephonyConfig
  const mail = yield* mailConfig
  return { db, telephony, mail } satisfies ApiSettings
})
