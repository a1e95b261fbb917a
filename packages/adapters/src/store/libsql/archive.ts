import { existsSync, statSync } from "node:fs"
import { type Client, createClient, type InStatement, type Row } from "@libsql/client"
import { CENTER_STREAM } from "@lifeline/core/center"
import { Effect } from "effect"
import { centerFold, latestFolded, type SnapshotFold } from "../snapshot/take"
import { archivedUpTo } from "./archived"
import type { BackupTarget } from "./backup"
import { libsqlStoreOn } from "./libsql-store"
import { isEmbedded } from "./open"

/**
 * Retention (issue 22, docs/lifetime.md "Retention"): the center stream's oldest events move from
 * the store to an archive file, a plain SQLite file with the store's own `events` table, and back.
 *
 * Which events: those older than `before`, and at or below both the newest snapshot this build can
 * read and every read model's checkpoint (the `projections` rows), so that a node still starts
 * from the store alone and no projector ever needs an archived event. "Older than `before`" is
 * decided on the events' `at` (epoch ms, carried by nearly every event), scanning by version from
 * the first stored event: the archived part ends just before the first event whose `at` is at or
 * after `before`. Events without an `at` (a presence definition) go with their neighbours. The
 * archive is always a prefix of the stream, so the store keeps one contiguous run of events.
 *
 * Safe to run again and to cut short: the rows are copied into the archive (appended to it, in one
 * transaction), read back and compared with the store's, and only then deleted from the store in
 * one transaction that checks again that a snapshot and every checkpoint cover them. A run that
 * stops before the delete leaves the copy in the archive, and the next run finds those rows
 * there, identical, and goes on. The store's file keeps its size: the freed pages are reused by the
 * next events (no VACUUM: it would rewrite the whole file under an exclusive lock while nodes run).
 */

/** Rows per read (well under sqld's 10 MB response) and per restored transaction. */
const PAGE = 2_000

/** What `archiveEvents` did: events moved, their versions, where they went and how big it is. */
export interface ArchiveSummary {
  readonly stream: string
  readonly before: string
  readonly moved: number
  /** The versions moved, when any were. */
  readonly fromVersion?: number
  readonly toVersion?: number
  /** The first version the store still holds (the events after the archived ones). */
  readonly storedFrom: number
  /** What kept some events older than `before` in the store (a snapshot or a read model behind). */
  readonly heldBackBy?: string
  readonly archiveRows: number
  readonly archiveBytes: number
  /** Payload bytes moved out of the store (their pages are free for the next events). */
  readonly payloadBytes: number
  /** The archive file existed before this run (the rows were appended to it). */
  readonly appended: boolean
}

/** What `restoreArchive` put back. */
export interface RestoreSummary {
  readonly stream: string
  readonly restored: number
  readonly fromVersion?: number
  readonly toVersion?: number
  /** The last version still archived after the restore (0: the store holds the whole stream). */
  readonly archivedUpTo: number
}

export { ArchivedEventsLive, archivedEventsOn } from "./archived"

const open = (target: BackupTarget): Client =>
  createClient({
    url: target.url,
    // Integers as they are stored, so a row goes back byte for byte.
    intMode: "bigint",
    ...(target.authToken === undefined ? {} : { authToken: target.authToken }),
    // Nodes may be writing to an embedded file: wait for their short transactions.
    ...(isEmbedded(target.url) ? { timeout: 10_000 } : {}),
  })

/** The `events` table's columns, in order, and its CREATE statement (the archive gets the same). */
const eventsTable = async (db: Client) => {
  const found = await db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'")
  const sql = found.rows[0]?.[0]
  if (typeof sql !== "string") throw new Error("archive: the store has no events table")
  const columns = (await db.execute("SELECT name FROM pragma_table_info('events')")).rows.map((r) =>
    String(r[0]),
  )
  return { create: sql.replace(/^CREATE TABLE/i, "CREATE TABLE IF NOT EXISTS"), columns }
}

const list = (columns: readonly string[]) => columns.map((c) => `"${c.replaceAll('"', '""')}"`).join(", ")

/** The rows of versions lo..hi, a page at a time, ascending or (restore) descending. */
async function* rowsOf(
  db: Client,
  columns: readonly string[],
  stream: string,
  lo: number,
  hi: number,
  order: "ASC" | "DESC" = "ASC",
): AsyncGenerator<readonly Row[]> {
  let [from, to] = [lo, hi]
  while (from <= to) {
    const page = await db.execute({
      sql: `SELECT ${list(columns)} FROM events WHERE stream = :stream AND version >= :from AND version <= :to
            ORDER BY version ${order} LIMIT ${PAGE}`,
      args: { stream, from, to },
    })
    if (page.rows.length === 0) return
    yield page.rows
    const last = Number(page.rows[page.rows.length - 1]?.[columns.indexOf("version")])
    if (order === "ASC") from = last + 1
    else to = last - 1
  }
}

/** Rows per INSERT: one statement per 500 rows (libSQL's native side keeps memory per statement run). */
const ROWS_PER_INSERT = 500

const insertRows = (columns: readonly string[], rows: readonly Row[], onConflict: string): InStatement[] => {
  const marks = `(${columns.map(() => "?").join(", ")})`
  const statements: InStatement[] = []
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    const part = rows.slice(at, at + ROWS_PER_INSERT)
    statements.push({
      sql: `INSERT INTO events (${list(columns)}) VALUES ${part.map(() => marks).join(", ")} ${onConflict}`,
      args: part.flatMap((row) => columns.map((_, i) => row[i] ?? null)),
    })
  }
  return statements
}

const keyOf = (row: Row, width: number) =>
  JSON.stringify(
    Array.from({ length: width }, (_, i) => row[i] ?? null),
    (_, v) => (typeof v === "bigint" ? v.toString() : v),
  )

/**
 * Versions lo..hi in `copy` are exactly those in `source`, every column the same: the count, the
 * first and last version and each row. Returns why not, or undefined.
 */
const differences = async (
  source: Client,
  copy: Client,
  columns: readonly string[],
  stream: string,
  lo: number,
  hi: number,
): Promise<string | undefined> => {
  const theirs = rowsOf(copy, columns, stream, lo, hi)
  let count = 0
  for await (const page of rowsOf(source, columns, stream, lo, hi)) {
    const other = (await theirs.next()).value || []
    if (other.length !== page.length)
      return `the copy has ${count + other.length} rows where ${count + page.length} were expected`
    for (const [i, row] of page.entries()) {
      const twin = other[i] as Row
      if (keyOf(row, columns.length) !== keyOf(twin, columns.length))
        return `version ${String(row[columns.indexOf("version")])} differs`
    }
    count += page.length
  }
  if ((await theirs.next()).done !== true) return "the copy has more rows than the source"
  return count === hi - lo + 1 ? undefined : `${count} rows of versions ${lo}..${hi} in the source`
}

/** Every read model's checkpoint, the one furthest behind first. */
const checkpointsOf = async (db: Client) => {
  const rows = await db
    .execute("SELECT name, position FROM projections ORDER BY position, name")
    .catch(() => ({
      rows: [] as Row[],
    }))
  return rows.rows.map((r) => ({ name: String(r[0]), position: Number(r[1]) }))
}

/** The version of the newest snapshot of the stream this build can read (0: none). */
const readableSnapshot = <S, E>(db: Client, url: string, fold: SnapshotFold<S, E>) =>
  Effect.runPromise(Effect.map(latestFolded(libsqlStoreOn(db, url), fold), (f) => f.saved))

/** The last version such that it and every stored event before it happened before `before`. */
const timeBoundary = async (db: Client, stream: string, stored: number, before: number) => {
  const [head, late] = await db.batch(
    [
      { sql: "SELECT version FROM streams WHERE stream = ?", args: [stream] },
      {
        sql: `SELECT version FROM events WHERE stream = :stream AND version > :stored
                AND json_extract(payload, '$.at') >= :before ORDER BY version LIMIT 1`,
        args: { stream, stored, before },
      },
    ],
    "read",
  )
  const first = late?.rows[0]?.[0]
  return first === undefined ? Number(head?.rows[0]?.[0] ?? 0) : Number(first) - 1
}

/** What may leave the store: up to the newest readable snapshot and the slowest read model. */
const coverage = async <S, E>(db: Client, url: string, fold: SnapshotFold<S, E>, stored: number) => {
  const snapshot = await readableSnapshot(db, url, fold)
  if (snapshot === 0)
    throw new Error(
      `archive: no snapshot of the ${fold.stream} stream this build can read; a node writes them (LIFELINE_SNAPSHOT_EVERY_EVENTS): start one and wait for "snapshot written"`,
    )
  const checkpoints = await checkpointsOf(db)
  if (!checkpoints.some((c) => c.name === "history"))
    throw new Error(
      "archive: no history checkpoint yet (projections has no history row); start a node and let it catch up",
    )
  const behind = checkpoints.find((c) => c.position < stored)
  if (behind !== undefined)
    throw new Error(
      `archive: read model '${behind.name}' is at version ${behind.position}, before the events already archived (1..${stored}); restore them with admin archive-restore --from <file>`,
    )
  const slowest = checkpoints[0] ?? { name: "history", position: 0 }
  return [
    { upTo: snapshot, by: `the newest snapshot (version ${snapshot})` },
    { upTo: slowest.position, by: `read model '${slowest.name}' (at version ${slowest.position})` },
  ]
}

/** The last version the archive takes: the lowest of the time boundary, the snapshot, the checkpoints. */
const archiveLimit = async <S, E>(
  db: Client,
  url: string,
  fold: SnapshotFold<S, E>,
  stored: number,
  before: number,
): Promise<{ readonly upTo: number; readonly heldBackBy?: string }> => {
  const byTime = await timeBoundary(db, fold.stream, stored, before)
  if (byTime <= stored) return { upTo: stored }
  const [lowest] = (await coverage(db, url, fold, stored)).sort((a, b) => a.upTo - b.upTo)
  if (lowest === undefined || lowest.upTo >= byTime) return { upTo: byTime }
  if (lowest.upTo <= stored)
    throw new Error(
      `archive: nothing moved: events ${stored + 1}..${byTime} are older than the date, but ${lowest.by} covers none of them; wait for it to catch up`,
    )
  return { upTo: lowest.upTo, heldBackBy: lowest.by }
}

const archiveStats = async (archive: Client, stream: string, lo: number, hi: number) => {
  const [rows, bytes] = await archive.batch(
    [
      { sql: "SELECT count(*) FROM events WHERE stream = ?", args: [stream] },
      {
        sql: "SELECT coalesce(sum(length(CAST(payload AS BLOB))), 0) FROM events WHERE stream = ? AND version BETWEEN ? AND ?",
        args: [stream, lo, hi],
      },
    ],
    "read",
  )
  return { archiveRows: Number(rows?.rows[0]?.[0] ?? 0), payloadBytes: Number(bytes?.rows[0]?.[0] ?? 0) }
}

/** Copy versions lo..hi into the archive in one transaction (rows already there are left as they are). */
const copyToArchive = async (store: Client, archive: Client, stream: string, lo: number, hi: number) => {
  const table = await eventsTable(store)
  await archive.execute(table.create)
  const write = await archive.transaction("write")
  try {
    for await (const rows of rowsOf(store, table.columns, stream, lo, hi))
      await write.batch(insertRows(table.columns, rows, "ON CONFLICT DO NOTHING"))
    await write.commit()
  } finally {
    write.close()
  }
  const problem = await differences(store, archive, table.columns, stream, lo, hi)
  if (problem !== undefined)
    throw new Error(
      `archive: the archive's versions ${lo}..${hi} do not match the store's (${problem}); nothing deleted`,
    )
}

/** Delete lo..hi, only while a snapshot and every checkpoint still cover them. */
const deleteArchived = async (store: Client, stream: string, lo: number, hi: number) => {
  const [deleted] = await store.batch(
    [
      {
        sql: `DELETE FROM events WHERE stream = :stream AND version >= :lo AND version <= :hi
                AND (SELECT min(position) FROM projections) >= :hi
                AND EXISTS (SELECT 1 FROM snapshots WHERE stream = :stream AND version >= :hi)`,
        args: { stream, lo, hi },
      },
    ],
    "write",
  )
  if ((deleted?.rowsAffected ?? 0) === 0)
    throw new Error(
      "archive: the store changed meanwhile (no snapshot or checkpoint covers the events any more); nothing deleted, run it again",
    )
}

/** Move the center's events older than `before` (epoch ms) from the store into the archive file `to`. */
export const archiveEvents = (target: BackupTarget, to: string, before: number) =>
  archiveStream(target, to, before, centerFold)

/** `archiveEvents` for any stream whose snapshots `fold` reads. */
export const archiveStream = async <S, E>(
  target: BackupTarget,
  to: string,
  before: number,
  fold: SnapshotFold<S, E>,
): Promise<ArchiveSummary> => {
  const stream = fold.stream
  const appended = existsSync(to)
  const store = open(target)
  try {
    const stored = await archivedUpTo(store, stream)
    const limit = await archiveLimit(store, target.url, fold, stored, before)
    const [lo, hi] = [stored + 1, limit.upTo]
    const summary = {
      stream,
      before: new Date(before).toISOString(),
      moved: Math.max(0, hi - stored),
      storedFrom: Math.max(lo, hi + 1),
      ...(limit.heldBackBy === undefined ? {} : { heldBackBy: limit.heldBackBy }),
      appended,
    }
    // Nothing older than the date is left: a rerun; an archive file is not even created.
    if (hi < lo) return { ...summary, archiveRows: 0, archiveBytes: 0, payloadBytes: 0 }
    const archive = open({ url: `file:${to}` })
    try {
      await copyToArchive(store, archive, stream, lo, hi)
      await deleteArchived(store, stream, lo, hi)
      const stats = await archiveStats(archive, stream, lo, hi)
      return { ...summary, fromVersion: lo, toVersion: hi, ...stats, archiveBytes: statSync(to).size }
    } finally {
      archive.close()
    }
  } finally {
    store.close()
  }
}

/**
 * Put an archive's events back into the store: those just before the store's first event, newest
 * first, a page per transaction, so the store's events stay one contiguous run at every moment (a
 * restore cut short is finished by running it again). Archives are restored newest first.
 */
export const restoreArchive = async (
  from: string,
  target: BackupTarget,
  stream = CENTER_STREAM,
): Promise<RestoreSummary> => {
  if (!existsSync(from)) throw new Error(`archive-restore: ${from} does not exist`)
  const archive = open({ url: `file:${from}` })
  const store = open(target)
  try {
    const upTo = await archivedUpTo(store, stream)
    const tables = await archive.execute(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'",
    )
    if (tables.rows.length === 0) throw new Error(`archive-restore: ${from} holds no archived events`)
    const held = await archive.execute({
      sql: "SELECT min(version), max(version), count(*) FROM events WHERE stream = ? AND version <= ?",
      args: [stream, upTo],
    })
    const row = held.rows[0]
    const [min, max, count] = [0, 1, 2].map((i) => Number(row?.[i] ?? 0)) as [number, number, number]
    if (count === 0) return { stream, restored: 0, archivedUpTo: upTo }
    if (max !== upTo || count !== max - min + 1)
      throw new Error(
        `archive-restore: the store's ${stream} events start after version ${upTo}, but this archive holds ${count} of versions ${min}..${max}; restore the archive that ends at ${upTo} first`,
      )
    const table = await eventsTable(store)
    for await (const rows of rowsOf(archive, table.columns, stream, min, max, "DESC"))
      await store.batch(insertRows(table.columns, rows, ""), "write")
    const problem = await differences(archive, store, table.columns, stream, min, max)
    if (problem !== undefined) throw new Error(`archive-restore: the restored events differ (${problem})`)
    return {
      stream,
      restored: count,
      fromVersion: min,
      toVersion: max,
      archivedUpTo: await archivedUpTo(store, stream),
    }
  } finally {
    archive.close()
    store.close()
  }
}
