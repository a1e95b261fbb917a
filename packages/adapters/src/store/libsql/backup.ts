import { existsSync } from "node:fs"
import { type Client, createClient, type InStatement, type Transaction } from "@libsql/client"
import { isEmbedded } from "./open"

/**
 * Online backup and restore of a node's store (issue 16; docs/operations.md). A backup is a plain
 * SQLite file. Taken while nodes run: an embedded file with `VACUUM INTO` (SQLite writes a
 * consistent, compacted copy from one read transaction; the WAL's commits included), a server
 * (`sqld`, hosted libSQL) by copying every table's rows out of one read transaction, which sees
 * one committed state. A restore copies a backup into an empty store (a new file, a new sqld
 * database) while no node runs on it; the nodes started on it afterwards replay it.
 */

export interface BackupTarget {
  readonly url: string
  readonly authToken?: string
}

/** What a backup or restore copied: each table and its rows. */
export type CopyReport = Readonly<Record<string, number>>

const open = (target: BackupTarget): Client =>
  createClient({
    url: target.url,
    // Store integers as they are (a due time in ms fits a double; a count might not).
    intMode: "bigint",
    ...(target.authToken === undefined ? {} : { authToken: target.authToken }),
  })

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

interface SchemaEntry {
  readonly type: string
  readonly name: string
  readonly sql: string
}

/** Tables (with the migrations' own) first, then their indexes, triggers and views. */
const schemaOf = async (db: Client | Transaction): Promise<readonly SchemaEntry[]> => {
  const rows = await db.execute(
    "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid",
  )
  return rows.rows.map((r) => ({ type: String(r.type), name: String(r.name), sql: String(r.sql) }))
}

const BATCH = 500

/** Every table of `from` (one read transaction: one committed state) into `to` (one write). */
const copyAll = async (from: Client, to: Client): Promise<CopyReport> => {
  const read = await from.transaction("read")
  const write = await to.transaction("write")
  try {
    const schema = await schemaOf(read)
    const tables = schema.filter((s) => s.type === "table")
    const report: Record<string, number> = {}
    for (const table of tables) await write.execute(table.sql)
    for (const table of tables) {
      const rows = await read.execute(`SELECT * FROM ${quote(table.name)}`)
      const columns = rows.columns.map(quote).join(", ")
      const marks = rows.columns.map(() => "?").join(", ")
      const insert = `INSERT INTO ${quote(table.name)} (${columns}) VALUES (${marks})`
      for (let at = 0; at < rows.rows.length; at += BATCH) {
        const statements: InStatement[] = rows.rows
          .slice(at, at + BATCH)
          .map((row) => ({ sql: insert, args: rows.columns.map((_, i) => row[i] ?? null) }))
        await write.batch(statements)
      }
      report[table.name] = rows.rows.length
    }
    for (const other of schema.filter((s) => s.type !== "table")) await write.execute(other.sql)
    await write.commit()
    return report
  } finally {
    read.close()
    write.close()
  }
}

const rowCounts = async (db: Client): Promise<CopyReport> => {
  const report: Record<string, number> = {}
  for (const table of (await schemaOf(db)).filter((s) => s.type === "table")) {
    const count = await db.execute(`SELECT count(*) AS n FROM ${quote(table.name)}`)
    report[table.name] = Number(count.rows[0]?.n ?? 0)
  }
  return report
}

/** A backup goes to a new file: one that exists is never overwritten. */
const newFile = (path: string) => {
  if (path === "" || existsSync(path)) throw new Error(`backup: ${path || "(no path)"} already exists`)
}

/** Take a consistent backup of a running store into a new SQLite file at `to`. */
export const backupStore = async (source: BackupTarget, to: string): Promise<CopyReport> => {
  newFile(to)
  const from = open(source)
  try {
    if (isEmbedded(source.url)) {
      await from.execute({ sql: "VACUUM INTO ?", args: [to] })
      const copy = open({ url: `file:${to}` })
      try {
        return await rowCounts(copy)
      } finally {
        copy.close()
      }
    }
    const copy = open({ url: `file:${to}` })
    try {
      return await copyAll(from, copy)
    } finally {
      copy.close()
    }
  } finally {
    from.close()
  }
}

/**
 * Restore the backup file `from` into `target`, which must hold no table yet (a new file, a new
 * sqld database): a restore never mixes two histories. No node may run on `target` meanwhile.
 */
export const restoreStore = async (from: string, target: BackupTarget): Promise<CopyReport> => {
  if (!existsSync(from)) throw new Error(`restore: ${from} does not exist`)
  const backup = open({ url: `file:${from}` })
  const to = open(target)
  try {
    const existing = (await schemaOf(to)).filter((s) => s.type === "table")
    if (existing.length > 0)
      throw new Error(
        `restore: the target store is not empty (it has ${existing.map((t) => t.name).join(", ")}); restore into a new one`,
      )
    return await copyAll(backup, to)
  } finally {
    backup.close()
    to.close()
  }
}
