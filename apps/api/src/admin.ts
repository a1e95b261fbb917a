import { resolve } from "node:path"
import { parseArgs } from "node:util"
// Not yet re-exported by @lifeline/adapters' index (issue 22: `export * from "./store/libsql/archive"`).
import { archiveEvents, backupStore, dbConfigFromEnv, restoreArchive, restoreStore } from "@lifeline/adapters"
import { Result, Schema } from "effect"
import { makeLogger } from "./ops/log"
import { IsoTime } from "./routes/audit"
import { SettingsFileError, settingsEnv } from "./settings-file"

/**
 * Operator commands on a node's store (issue 16, docs/operations.md), with the node's own
 * settings (the environment and LIFELINE_SETTINGS_FILE): `LIFELINE_DB_URL`, `LIFELINE_DB_AUTH_TOKEN`.
 *
 *   backup --to <file>    a consistent copy of the store, taken while nodes run, into a new file
 *   restore --from <file> a backup into the store, which must be empty (a new file or sqld database)
 *   archive --before <date> --to <file>
 *                         the center's events older than the date (and covered by a snapshot and
 *                         every read model) moved into an archive file, appended to it if it exists
 *   archive-restore --from <file>
 *                         an archive's events put back before the store's first event (the undo)
 *
 * `pnpm --filter @lifeline/api admin backup --to /backups/x.db` in a checkout; in the image
 * `node apps/api/dist/admin.mjs backup --to /data/backups/x.db`. One JSON line reports the rows
 * copied per table; exit 0, or 1 with the reason (a path that exists, a store not empty), 2 on
 * a bad command line. A relative path is taken from where the command was started (pnpm's
 * INIT_CWD), the store's own path (`file:.data/lifeline.db`) from the working directory as a node does.
 */
const USAGE = `Usage: lifeline-admin backup --to <file>
       lifeline-admin restore --from <file>
       lifeline-admin archive --before <ISO 8601 date or time> --to <file>
       lifeline-admin archive-restore --from <file>

The store is the node's: LIFELINE_DB_URL (and LIFELINE_DB_AUTH_TOKEN), from the environment or
the LIFELINE_SETTINGS_FILE file. A backup goes to a new SQLite file; a restore needs an empty store.
An archive moves the center's old events to a SQLite file (docs/lifetime.md, "Retention");
archive-restore puts them back.
`

const log = makeLogger()

const main = async (): Promise<number> => {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse()
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const [command] = positionals
  let env: ReturnType<typeof settingsEnv>
  try {
    env = settingsEnv(process.env)
  } catch (error) {
    if (!(error instanceof SettingsFileError)) throw error
    for (const problem of error.problems) log.error("configuration", { problem })
    return 2
  }
  const db = dbConfigFromEnv(env)
  const target = {
    url: db.url,
    ...(db.options.authToken === undefined ? {} : { authToken: db.options.authToken }),
  }
  const store = db.url.replace(/\/\/[^@]*@/, "//***@")
  // A relative path is the caller's: where pnpm was started (INIT_CWD), not apps/api.
  const path = (p: string) => resolve(process.env.INIT_CWD ?? process.cwd(), p)
  if (command === "backup" && values.to !== undefined && positionals.length === 1) {
    const to = path(values.to)
    const rows = await backupStore(target, to)
    log.info("backup written", { store, to, ...prefixed(rows) })
    return 0
  }
  if (command === "restore" && values.from !== undefined && positionals.length === 1) {
    const from = path(values.from)
    const rows = await restoreStore(from, target)
    log.info("backup restored", { store, from, ...prefixed(rows) })
    return 0
  }
  if (command === "archive" && positionals.length === 1) {
    const problem = missing(values, ["before", "to"]) ?? badDate(values.before)
    if (problem !== undefined) return usageError(problem)
    const to = path(values.to ?? "")
    const summary = await archiveEvents(target, to, Date.parse(values.before ?? ""))
    log.info("events archived", { store, to, ...summary })
    return 0
  }
  if (command === "archive-restore" && positionals.length === 1) {
    const problem = missing(values, ["from"])
    if (problem !== undefined) return usageError(problem)
    const from = path(values.from ?? "")
    const summary = await restoreArchive(from, target)
    log.info("archive restored", { store, from, ...summary })
    return 0
  }
  process.stderr.write(USAGE)
  return 2
}

/** A bad command line: what is wrong, naming the option, then the usage; exit 2. */
const usageError = (problem: string) => {
  process.stderr.write(`${problem}\n\n${USAGE}`)
  return 2
}

const missing = (values: Readonly<Record<string, unknown>>, names: readonly string[]) => {
  const name = names.find((n) => typeof values[n] !== "string" || values[n] === "")
  return name === undefined ? undefined : `--${name} is required`
}

/** `--before` as the API's time filters take it: a real date, with a zone when it has a time. */
const badDate = (value: string | undefined) =>
  Result.isSuccess(Schema.decodeUnknownResult(IsoTime)(value))
    ? undefined
    : `--before must be an ISO 8601 date or time such as 2026-01-31 or 2026-01-31T09:00:00Z (got ${JSON.stringify(value)})`

const parse = () =>
  parseArgs({
    options: {
      to: { type: "string" },
      from: { type: "string" },
      before: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  })

/** `{rows.events: 120, ...}`: a flat log line. */
const prefixed = (rows: Readonly<Record<string, number>>) =>
  Object.fromEntries(Object.entries(rows).map(([table, n]) => [`rows.${table}`, n]))

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    log.error("admin command failed", { error: error instanceof Error ? error.message : String(error) })
    process.exitCode = 1
  },
)
