import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { backupStore, dbConfigFromEnv, restoreStore } from "@lifeline/adapters"
import { makeLogger } from "./ops/log"
import { SettingsFileError, settingsEnv } from "./settings-file"

/**
 * Operator commands on a node's store (issue 16, docs/operations.md), with the node's own
 * settings (the environment and LIFELINE_SETTINGS_FILE): `LIFELINE_DB_URL`, `LIFELINE_DB_AUTH_TOKEN`.
 *
 *   backup --to <file>    a consistent copy of the store, taken while nodes run, into a new file
 *   restore --from <file> a backup into the store, which must be empty (a new file or sqld database)
 *
 * `pnpm --filter @lifeline/api admin backup --to /backups/x.db` in a checkout; in the image
 * `node apps/api/dist/admin.mjs backup --to /data/backups/x.db`. One JSON line reports the rows
 * copied per table; exit 0, or 1 with the reason (a path that exists, a store not empty), 2 on
 * a bad command line. A relative path is taken from where the command was started (pnpm's
 * INIT_CWD), the store's own path (`file:.data/lifeline.db`) from the working directory as a node does.
 */
const USAGE = `Usage: lifeline-admin backup --to <file>
       lifeline-admin restore --from <file>

The store is the node's: LIFELINE_DB_URL (and LIFELINE_DB_AUTH_TOKEN), from the environment or
the LIFELINE_SETTINGS_FILE file. A backup goes to a new SQLite file; a restore needs an empty store.
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
  process.stderr.write(USAGE)
  return 2
}

const parse = () =>
  parseArgs({
    options: { to: { type: "string" }, from: { type: "string" }, help: { type: "boolean", short: "h" } },
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
