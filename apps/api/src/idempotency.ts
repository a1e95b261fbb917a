import { createHash } from "node:crypto"
import { type LibsqlStoreOptions, openDatabase } from "@lifeline/adapters"
import { StoreUnavailable } from "@lifeline/core/ports"
import { Context, Effect, Layer, Option, Result, Schedule } from "effect"
import type { Context as HonoContext, MiddlewareHandler } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import type { AuthEnv } from "./auth/middleware"
import type { Principal } from "./auth/principal"
import { errorResponse } from "./errors"
import type { ApiRuntime } from "./handle"

/**
 * Issue 20 (SPEC I4): a POST sent with an `Idempotency-Key` header answers the same for the same
 * key: a retry after a lost answer gets the first answer again (status and body) and the command
 * does not run twice; the same key with another request is refused. Keys are per caller, kept in
 * SQL (table `idempotency_keys`), so every node on the store knows them, for 24 hours by default.
 */

export const IDEMPOTENCY_HEADER = "Idempotency-Key"

/** I4: an answer is kept this long after its request (LIFELINE_IDEMPOTENCY_KEY_HOURS). */
export const DEFAULT_IDEMPOTENCY_KEEP_MS = 24 * 3600_000

/**
 * A request still unanswered this long after it claimed its key died with its node (a stop waits
 * 20 s at most): a retry may run it again rather than wait out the whole day.
 */
export const ABANDONED_AFTER_MS = 60_000

/** How often a node deletes the keys past their time. */
const PURGE_EVERY = "1 hour"

/** Printable ASCII, as Stripe and the IETF draft allow; a UUID fits. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/

export interface StoredAnswer {
  readonly status: number
  readonly contentType: string | null
  readonly body: string
}

/** What a key holds when a request claims it. */
export type Claim =
  | { readonly _tag: "Claimed" }
  | { readonly _tag: "Answered"; readonly answer: StoredAnswer }
  | { readonly _tag: "InProgress" }
  | { readonly _tag: "OtherRequest" }

type Failing<A> = Effect.Effect<A, StoreUnavailable>

export class IdempotencyKeys extends Context.Service<
  IdempotencyKeys,
  {
    /** Take the key for this request, or say what it already holds. */
    readonly claim: (scope: string, key: string, fingerprint: string, now: number) => Failing<Claim>
    /** Keep the answer of the request that claimed the key. */
    readonly answer: (scope: string, key: string, answer: StoredAnswer) => Failing<void>
    /** Give the key back unanswered (bad input, a failure): a retry runs afresh. */
    readonly release: (scope: string, key: string) => Failing<void>
    /** Delete the keys past their time; how many. */
    readonly purge: (now: number) => Failing<number>
  }
>()("lifeline/IdempotencyKeys") {}

type Client = Effect.Success<ReturnType<typeof openDatabase>>
type Args = readonly (string | number | null)[]

/** The store over one libSQL connection; `keepMs` after its claim a key is forgotten. */
export const makeIdempotencyKeys = (client: Client, keepMs: number): IdempotencyKeys["Service"] => {
  const exec = (action: string, { sql, args }: { readonly sql: string; readonly args: Args }) =>
    Effect.tryPromise({
      try: () => client.execute(sql, [...args]),
      catch: (cause) =>
        new StoreUnavailable({
          message: `${action}: ${cause instanceof Error ? cause.message : String(cause)}`,
        }),
    })

  // A new key is taken; so is one past its time, or one abandoned by a request that died
  // running the very same request (another request under it is still refused).
  const take = (scope: string, key: string, fingerprint: string, now: number) =>
    exec("claim an idempotency key", {
      sql: `INSERT INTO idempotency_keys (scope, key, fingerprint, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint,
          claimed_at = excluded.claimed_at, expires_at = excluded.expires_at,
          status = NULL, content_type = NULL, body = NULL
        WHERE idempotency_keys.expires_at <= ?
          OR (idempotency_keys.status IS NULL AND idempotency_keys.claimed_at <= ?
            AND idempotency_keys.fingerprint = excluded.fingerprint)
        RETURNING scope`,
      args: [scope, key, fingerprint, now, now + keepMs, now, now - ABANDONED_AFTER_MS],
    }).pipe(Effect.map((result) => result.rows.length > 0))

  const held = (scope: string, key: string, fingerprint: string): Failing<Claim> =>
    exec("read an idempotency key", {
      sql: "SELECT fingerprint, status, content_type, body FROM idempotency_keys WHERE scope = ? AND key = ?",
      args: [scope, key],
    }).pipe(
      Effect.map((result): Claim => {
        const row = result.rows[0]
        // Released between the two statements: the request that held it failed; so may this one.
        if (row === undefined) return { _tag: "InProgress" }
        if (row.fingerprint !== fingerprint) return { _tag: "OtherRequest" }
        if (row.status === null) return { _tag: "InProgress" }
        return {
          _tag: "Answered",
          answer: {
            status: Number(row.status),
            contentType: row.content_type === null ? null : String(row.content_type),
            body: String(row.body ?? ""),
          },
        }
      }),
    )

  return {
    claim: (scope, key, fingerprint, now) =>
      Effect.flatMap(take(scope, key, fingerprint, now), (taken) =>
        taken ? Effect.succeed<Claim>({ _tag: "Claimed" }) : held(scope, key, fingerprint),
      ),
    answer: (scope, key, answer) =>
      Effect.asVoid(
        exec("keep an idempotent answer", {
          sql: "UPDATE idempotency_keys SET status = ?, content_type = ?, body = ? WHERE scope = ? AND key = ?",
          args: [answer.status, answer.contentType, answer.body, scope, key],
        }),
      ),
    release: (scope, key) =>
      Effect.asVoid(
        exec("release an idempotency key", {
          sql: "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status IS NULL",
          args: [scope, key],
        }),
      ),
    purge: (now) =>
      exec("delete expired idempotency keys", {
        sql: "DELETE FROM idempotency_keys WHERE expires_at <= ?",
        args: [now],
      }).pipe(Effect.map((result) => result.rowsAffected)),
  }
}

/** The keys on their own connection to the node's database (migrated on open), purged hourly. */
export const IdempotencyKeysLive = (url: string, options: LibsqlStoreOptions, keepMs: number) =>
  Layer.effect(
    IdempotencyKeys,
    Effect.gen(function* () {
      const keys = makeIdempotencyKeys(yield* openDatabase(url, options), keepMs)
      yield* Effect.suspend(() => keys.purge(Date.now())).pipe(
        Effect.catch((e) => Effect.logWarning("cannot delete expired idempotency keys", e.message)),
        Effect.repeat(Schedule.spaced(PURGE_EVERY)),
        Effect.forkScoped,
      )
      return keys
    }),
  )

/** Whose key it is: keys of different callers never meet. */
const scopeOf = (who: Principal): string =>
  JSON.stringify([who.role, who.name, who.role === "rep" ? who.repId : null])

/** JSON with its keys sorted: the same body however its fields are ordered. */
const canonical = (text: string): string => {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : typeof value === "object" && value !== null
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
          )
        : value
  try {
    return JSON.stringify(sorted(JSON.parse(text)))
  } catch {
    return text
  }
}

/** The request a key stands for: its method, path (with query) and body. */
const fingerprintOf = (c: HonoContext, body: string): string => {
  const url = new URL(c.req.url)
  return createHash("sha256")
    .update(`${c.req.method} ${url.pathname}${url.search}\n${canonical(body)}`)
    .digest("hex")
}

const refusal = (c: HonoContext, status: 400 | 409 | 422, code: string, message: string) =>
  c.json({ error: { code, message, field: IDEMPOTENCY_HEADER } }, status)

/** A stored answer, sent again: same status, same body, marked as a replay. */
const replay = (c: HonoContext, answer: StoredAnswer) => {
  const headers = {
    "idempotent-replayed": "true",
    ...(answer.contentType === null ? {} : { "content-type": answer.contentType }),
  }
  return answer.status === 204
    ? c.body(null, 204, headers)
    : c.body(answer.body, answer.status as ContentfulStatusCode, headers)
}

/**
 * Bad input changed nothing and a server failure may not have run: neither is kept, so the
 * caller may fix the request or try again under the same key.
 */
const worthKeeping = (status: number) => status !== 400 && status < 500

/** What a key already holds, as the answer to this request; undefined: the key is this request's. */
const answerHeld = (c: HonoContext, claim: Claim): Response | undefined => {
  switch (claim._tag) {
    case "Answered":
      return replay(c, claim.answer)
    case "OtherRequest":
      return refusal(
        c,
        422,
        "IdempotencyKeyReused",
        `${IDEMPOTENCY_HEADER} was already used with another request: send a new key for a new request`,
      )
    case "InProgress":
      c.header("retry-after", "1")
      return refusal(
        c,
        409,
        "IdempotencyKeyInUse",
        `a request with this ${IDEMPOTENCY_HEADER} is still running: try again in a moment`,
      )
    case "Claimed":
      return undefined
  }
}

type Run = <A>(effect: Failing<A>) => Promise<Result.Result<A, StoreUnavailable>>

/** Run the request that claimed the key, then keep its answer, or give the key back. */
const runAndKeep = async (
  c: HonoContext,
  next: () => Promise<void>,
  held: { readonly keys: IdempotencyKeys["Service"]; readonly scope: string; readonly key: string },
  run: Run,
) => {
  const { keys, scope, key } = held
  let ran = false
  try {
    await next()
    ran = true
  } finally {
    const answered = c.res
    const kept =
      ran && worthKeeping(answered.status)
        ? keys.answer(scope, key, {
            status: answered.status,
            contentType: answered.headers.get("content-type"),
            body: await answered.clone().text(),
          })
        : keys.release(scope, key)
    // The answer goes out either way; a key left claimed is taken over after ABANDONED_AFTER_MS.
    const stored = await run(kept)
    if (Result.isFailure(stored))
      await run(Effect.logWarning("idempotency key not stored", stored.failure.message))
  }
}

/**
 * The middleware on /api/* (after authentication): POSTs with the header go through their key.
 * Without the header, another method or an unknown caller (the handler answers 401) nothing
 * changes; nor on a node whose layers hold no key store (in-memory test harnesses). Keys are
 * claimed on the wall clock, also on a sandbox: retries happen in real time.
 */
export const idempotencyKeys = (runtime: ApiRuntime): MiddlewareHandler<AuthEnv> => {
  let store: Promise<Option.Option<IdempotencyKeys["Service"]>> | undefined
  const run: Run = (effect) => runtime.runPromise(Effect.result(effect))
  return async (c, next) => {
    const key = c.req.header(IDEMPOTENCY_HEADER)
    const who = c.get("principal")
    if (c.req.method !== "POST" || key === undefined || who === undefined) return next()
    if (!VALID_KEY.test(key))
      return refusal(
        c,
        400,
        "InvalidField",
        `${IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters`,
      )
    store ??= runtime.runPromise(Effect.serviceOption(IdempotencyKeys))
    const keys = Option.getOrUndefined(await store)
    if (keys === undefined) return next()
    const scope = scopeOf(who)
    const claimed = await run(keys.claim(scope, key, fingerprintOf(c, await c.req.text()), Date.now()))
    if (Result.isFailure(claimed)) return errorResponse(c, claimed.failure)
    return answerHeld(c, claimed.success) ?? runAndKeep(c, next, { keys, scope, key }, run)
  }
}
