import type { StoreUnavailable } from "@lifeline/core/ports"
import type { Effect } from "effect"
import type { CallDirectory } from "./call-directory"
import type { CallbackJwtConfig } from "./callback-jwt"

/** The Call Automation REST version this adapter and its stand-in are written against. */
export const ACS_API_VERSION = "2025-06-15"
/** Prompt voice when none is configured (the one Microsoft's samples use). */
export const DEFAULT_VOICE = "en-US-NancyNeural"

export interface AzureTelephonyConfig {
  /** `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>`. */
  readonly connectionString: string
  /** Public URL ACS posts a call's events to; the adapter adds `callId` and `token` to it. */
  readonly callbackBaseUrl: string
  /** Secret behind the webhook tokens; the webhook parsers need the same one. */
  readonly webhookSecret: string
  /**
   * When set, the callback route also requires ACS's `Authorization: Bearer <JWT>` (issue 6); the
   * adapter itself does not use it, the webhook route does (see callback-jwt.ts).
   */
  readonly callbackJwt?: CallbackJwtConfig
  /** A rep's ACS endpoint as a raw id (`8:acs:...`); undefined when the rep has none. */
  readonly repEndpoint: (repId: string) => string | undefined
  /**
   * Issue 19: the rep's ACS user stored by the identity adapter (identity/acs-identity.ts); when
   * it names one, calls go there, else to `repEndpoint` (deployments that provision their own users).
   */
  readonly storedRepEndpoint?: (repId: string) => Effect.Effect<string | undefined, StoreUnavailable>
  /** Caller id (E.164) for outbound calls whose action names none. */
  readonly callerId: string
  readonly sourceDisplayName?: string
  /** Text-to-speech voice for prompts (ACS needs Azure AI services linked for text prompts). */
  readonly voiceName?: string
  readonly sourceLocale?: string
  /** Where callId → ACS ids live; in memory by default (see call-directory.ts). */
  readonly directory?: CallDirectory
  /** Retries inside the SDK. Default 0: the outbox owns the retry policy (B6), one rule, one place. */
  readonly maxRetries?: number
  readonly requestTimeoutMs?: number
  /** Only for a stand-in on plain http (tests); the SDK refuses http otherwise. */
  readonly allowInsecureConnection?: boolean
  /** For `Repeatability-First-Sent`; defaults to the system clock. */
  readonly now?: () => number
}
