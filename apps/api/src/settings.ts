import {
  type AzureTelephonyConfig,
  dbConfigFromEnv,
  type LibsqlStoreOptions,
  type ResendMailerConfig,
} from "@lifeline/adapters"
import { Config, Effect, Option, Redacted } from "effect"

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
  const config: AzureTelephonyConfig = {
    connectionString: Redacted.value(connection.value),
    callbackBaseUrl: new URL("/webhooks/acs/calls", callbackBase).toString(),
    webhookSecret: Redacted.value(secret),
    callerId,
    repEndpoint: (repId) => `${repPrefix}${repId}`,
    allowInsecureConnection: insecure,
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
  const db = dbConfigFromEnv()
  const telephony = yield* telephonyConfig
  const mail = yield* mailConfig
  return { db, telephony, mail } satisfies ApiSettings
})
