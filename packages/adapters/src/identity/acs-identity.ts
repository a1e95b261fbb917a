import { CommunicationIdentityClient } from "@azure/communication-identity"
import type { Client } from "@libsql/client"
import type { StoreUnavailable } from "@lifeline/core/ports"
import { Context, Effect, Layer, Schema } from "effect"
import { run } from "../readmodels/projector"
import { type LibsqlStoreOptions, openDatabase } from "../store/libsql/open"

/**
 * Issue 19: a rep's Azure Communication Services user and its calling tokens. Each rep's ACS
 * user is created once through the identity service and its id kept in SQL
 * (`rep_acs_identities`), so every node hands out tokens for the same user and the telephony
 * adapter redirects the rep's calls to it (`endpointOf`). Tokens carry the VoIP scope only.
 */

/** What the rep's browser needs to call: its ACS user, a token for it, and when that expires. */
export interface CallingToken {
  readonly userId: string
  readonly token: string
  /** Epoch ms. */
  readonly expiresOn: number
}

/** The identity service refused or could not be reached; nothing was stored. */
export class CallingIdentityFailed extends Schema.TaggedError<CallingIdentityFailed>()(
  "CallingIdentityFailed",
  {
    message: Schema.String,
  },
) {}

export class RepCallingIdentity extends Context.Service<
  RepCallingIdentity,
  {
    /** A fresh VoIP token for the rep's ACS user, creating (and storing) the user the first time. */
    readonly token: (repId: string) => Effect.Effect<CallingToken, CallingIdentityFailed | StoreUnavailable>
    /** The rep's stored ACS user (raw id); undefined when none was created yet. */
    readonly endpointOf: (repId: string) => Effect.Effect<string | undefined, StoreUnavailable>
  }
>()("lifeline/RepCallingIdentity") {}

export interface AcsIdentityConfig {
  /** `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>`. */
  readonly connectionString: string
  /** ACS allows 60 to 1440 minutes; the browser refreshes before the end either way. */
  readonly tokenMinutes?: number
  /** Only for a stand-in on plain http (tests); the SDK refuses http otherwise. */
  readonly allowInsecureConnection?: boolean
  readonly requestTimeoutMs?: number
  /** Retries inside the SDK; default 1: a rep is waiting for the answer, and its browser asks again. */
  readonly maxRetries?: number
}

export const VOIP_SCOPE = "voip"
const DEFAULT_TOKEN_MINUTES = 24 * 60

const messageOf = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

export const makeRepCallingIdentity = (
  db: Client,
  config: AcsIdentityConfig,
): RepCallingIdentity["Service"] => {
  const client = new CommunicationIdentityClient(config.connectionString, {
    retryOptions: { maxRetries: config.maxRetries ?? 1 },
    ...(config.allowInsecureConnection === true ? { allowInsecureConnection: true } : {}),
  })
  const timeoutMs = config.requestTimeoutMs ?? 10_000
  const service = <A>(operation: string, call: (abortSignal: AbortSignal) => Promise<A>) =>
    Effect.tryPromise({
      try: () => call(AbortSignal.timeout(timeoutMs)),
      catch: (cause) =>
        new CallingIdentityFailed({ message: `ACS identity ${operation}: ${messageOf(cause)}` }),
    })

  const endpointOf = (repId: string) =>
    run("read a rep's ACS identity", () =>
      db.execute({ sql: "SELECT acs_user_id FROM rep_acs_identities WHERE rep_id = ?", args: [repId] }),
    ).pipe(Effect.map((result) => result.rows[0]?.acs_user_id as string | undefined))

  /**
   * Creates the rep's user and keeps the first one stored: two nodes racing for a new rep both
   * create one, one insert wins, and the loser deletes its spare user so none is left orphaned.
   */
  const createUser = (repId: string) =>
    Effect.gen(function* () {
      const { communicationUserId } = yield* service("createUser", (abortSignal) =>
        client.createUser({ abortSignal }),
      )
      yield* run("store a rep's ACS identity", () =>
        db.execute({
          sql: "INSERT INTO rep_acs_identities (rep_id, acs_user_id, created_at) VALUES (?, ?, ?) ON CONFLICT (rep_id) DO NOTHING",
          args: [repId, communicationUserId, Date.now()],
        }),
      )
      const stored = (yield* endpointOf(repId)) ?? communicationUserId
      if (stored !== communicationUserId)
        yield* service("deleteUser", (abortSignal) =>
          client.deleteUser({ communicationUserId }, { abortSignal }),
        ).pipe(Effect.ignore)
      return stored
    })

  return {
    endpointOf,
    token: (repId) =>
      Effect.gen(function* () {
        const userId = (yield* endpointOf(repId)) ?? (yield* createUser(repId))
        const { token, expiresOn } = yield* service("getToken", (abortSignal) =>
          client.getToken({ communicationUserId: userId }, [VOIP_SCOPE], {
            tokenExpiresInMinutes: config.tokenMinutes ?? DEFAULT_TOKEN_MINUTES,
            abortSignal,
          }),
        )
        return { userId, token, expiresOn: expiresOn.getTime() }
      }),
  }
}

/** The rep identities on their own connection to the node's database (migrated on open). */
export const RepCallingIdentityLive = (url: string, options: LibsqlStoreOptions, config: AcsIdentityConfig) =>
  Layer.effect(
    RepCallingIdentity,
    Effect.map(openDatabase(url, options), (db) => makeRepCallingIdentity(db, config)),
  )
