import { existsSync, mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { type Client, createClient } from "@libsql/client"
import { StoreUnavailable } from "@lifeline/core/ports"
import { drizzle } from "drizzle-orm/libsql"
import { migrate } from "drizzle-orm/libsql/migrator"
import { Effect, Schedule, type Scope } from "effect"

/** Where a node keeps its state when nothing else is configured: an embedded file. */
export const DEFAULT_DB_URL = "file:.data/lifeline.db"

export interface LibsqlStoreOptions {
  /** For a hosted libSQL server (Turso); sqld on a private network needs none. */
  readonly authToken?: string
  /** The drizzle-kit migrations; defaults to `packages/adapters/drizzle`, or `./drizzle` beside a bundle. */
  readonly migrationsFolder?: string
  /**
   * Embedded file only. "normal" (the default) with WAL: a killed process loses nothing it
   * committed; an OS crash or power loss may lose the last commits before a checkpoint, never
   * corrupt the file. "full" syncs the log on every commit and survives power loss too.
   */
  readonly synchronous?: "normal" | "full"
  /** Embedded file only: how long a write waits for another process's lock before failing. */
  readonly busyTimeoutMs?: number
  /** Bytes per snapshot chunk row (snapshot-store.ts); tests make it small to make writes long. */
  readonly snapshotChunkBytes?: number
}

/**
 * What a node uses, from `LIFELINE_DB_URL`, `LIFELINE_DB_AUTH_TOKEN` and `LIFELINE_DB_SYNC`
 * ("full" to sync every commit of an embedded file).
 */
export const dbConfigFromEnv = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): { readonly url: string; readonly options: LibsqlStoreOptions } => {
  const token = env.LIFELINE_DB_AUTH_TOKEN
  return {
    url: env.LIFELINE_DB_URL || DEFAULT_DB_URL,
    options: {
      ...(token ? { authToken: token } : {}),
      ...(env.LIFELINE_DB_SYNC === "full" ? { synchronous: "full" as const } : {}),
      // A bundled deployment ships the migrations beside itself rather than in this package.
      ...(env.LIFELINE_MIGRATIONS_DIR ? { migrationsFolder: env.LIFELINE_MIGRATIONS_DIR } : {}),
    },
  }
}

const unavailable = (action: string) => (cause: unknown) =>
  new StoreUnavailable({
    message: `${action}: ${cause instanceof Error ? cause.message : String(cause)}`,
  })

/** An embedded database file, as opposed to a server (`http:`, `https:`, `libsql:`, `ws:`). */
export const isEmbedded = (url: string) => url.startsWith("file:")

/** `file:x.db`, `file:/abs/x.db` and `file:///abs/x.db` name a file; the rest are servers. */
const filePath = (url: string): string | null => {
  if (!isEmbedded(url)) return null
  const rest = (url.slice("file:".length).split("?")[0] ?? "").replace(/^\/\/(localhost)?(?=\/)/, "")
  return rest === "" || rest === ":memory:" ? null : rest
}

/** This package's migrations; a production bundle (scripts/build.mjs) ships them beside itself. */
const defaultMigrations = () => {
  const bundled = new URL("./drizzle", import.meta.url)
  return fileURLToPath(existsSync(bundled) ? bundled : new URL("../../../drizzle", import.meta.url))
}

/**
 * Open the client, tune an embedded file and bring the schema up to date. A file gets one
 * connection, so its per-connection pragmas hold for every statement; all statements run
 * synchronously inside libSQL anyway, so a pool would add nothing.
 */
export const openDatabase = (
  url: string,
  options: LibsqlStoreOptions = {},
): Effect.Effect<Client, StoreUnavailable, Scope.Scope> =>
  Effect.gen(function* () {
    const file = filePath(url)
    const client = yield* Effect.acquireRelease(
      Effect.try({
        try: () => {
          if (file !== null) mkdirSync(dirname(file), { recursive: true })
          return createClient({
            url,
            ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
            ...(file === null ? {} : { concurrency: 1, timeout: options.busyTimeoutMs ?? 5_000 }),
          })
        },
        catch: unavailable(`cannot open ${url}`),
      }),
      (client) => Effect.sync(() => client.close()),
    )
    if (file !== null) {
      yield* Effect.tryPromise({
        try: () =>
          client.executeMultiple(
            `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"};`,
          ),
        catch: unavailable("cannot set the journal mode"),
      })
    }
    yield* migrateSchema(client, options.migrationsFolder ?? defaultMigrations())
    return client
  })

/**
 * Apply the migrations not applied yet. Nodes that start together against one server race
 * here; the loser's batch rolls back (its tables exist by then) and its next try finds the
 * migration recorded.
 */
const migrateSchema = (client: Client, migrationsFolder: string) =>
  Effect.tryPromise({
    try: () => migrate(drizzle({ client }), { migrationsFolder }),
    catch: unavailable("cannot migrate the schema"),
  }).pipe(Effect.retry({ schedule: Schedule.exponential("50 millis"), times: 4 }))
