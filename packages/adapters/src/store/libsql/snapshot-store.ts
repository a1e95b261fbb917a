import { gunzipSync, gzipSync } from "node:zlib"
import type { Client, InStatement } from "@libsql/client"
import {
  SNAPSHOTS_KEPT,
  type SnapshotInfo,
  type SnapshotRecord,
  type Snapshots,
  StoreUnavailable,
  type StoreWriter,
} from "@lifeline/core/ports"
import { Effect } from "effect"
import type { EventCodec } from "../event-codec"
import { decodeEventRows, readEventPage } from "./statements"

/**
 * Bytes per chunk row (of the gzipped payload). Each chunk is its own short write transaction,
 * so a writer of a big snapshot (a worker thread, another process) never holds an embedded
 * file's write lock for longer than one chunk takes: the node's appends wait at most that long.
 */
export const SNAPSHOT_CHUNK_BYTES = 128 * 1024

const unavailable = (action: string, cause: unknown) =>
  new StoreUnavailable({ message: `${action}: ${cause instanceof Error ? cause.message : String(cause)}` })

const run = <A>(action: string, query: () => Promise<A>) =>
  Effect.tryPromise({ try: query, catch: (cause) => unavailable(action, cause) })

// The statements over the `snapshots` and `snapshot_chunks` tables of schema.ts.

const listStatement = (stream: string): InStatement => ({
  sql: "SELECT id, version, schema_version, taken_at FROM snapshots WHERE stream = ? ORDER BY version DESC, taken_at DESC, id DESC",
  args: [stream],
})

const headerStatement = (stream: string, id: string): InStatement => ({
  sql: "SELECT length, chunks FROM snapshots WHERE stream = ? AND id = ?",
  args: [stream, id],
})

const chunksStatement = (id: string): InStatement => ({
  sql: "SELECT data FROM snapshot_chunks WHERE snapshot_id = ? ORDER BY seq",
  args: [id],
})

const chunkStatement = (
  id: string,
  stream: string,
  version: number,
  seq: number,
  data: Uint8Array,
): InStatement => ({
  sql: "INSERT INTO snapshot_chunks (snapshot_id, stream, version, seq, data) VALUES (?, ?, ?, ?, ?)",
  args: [id, stream, version, seq, data],
})

/** The header, only if every chunk is there: a header always names a complete payload. */
const headerInsert = (stream: string, info: SnapshotInfo, length: number, chunks: number): InStatement => ({
  sql: `INSERT INTO snapshots (id, stream, version, schema_version, taken_at, length, chunks)
        SELECT ?, ?, ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM snapshot_chunks WHERE snapshot_id = ?) = ?`,
  args: [info.id, stream, info.version, info.schemaVersion, info.takenAt, length, chunks, info.id, chunks],
})

/** Keep the newest `SNAPSHOTS_KEPT` headers of the stream. */
const pruneHeaders = (stream: string): InStatement => ({
  sql: `DELETE FROM snapshots WHERE stream = ? AND id NOT IN (
          SELECT id FROM snapshots WHERE stream = ? ORDER BY version DESC, taken_at DESC, id DESC LIMIT ?)`,
  args: [stream, stream, SNAPSHOTS_KEPT],
})

/**
 * Chunks without a header below the newest snapshot: of pruned snapshots, or of a write that was
 * killed (or lost to a newer snapshot) before its header. A write still under way at or above
 * the newest header's version keeps its chunks.
 */
const pruneChunks = (stream: string): InStatement => ({
  sql: `DELETE FROM snapshot_chunks WHERE stream = ?
          AND snapshot_id NOT IN (SELECT id FROM snapshots WHERE stream = ?)
          AND version < (SELECT coalesce(max(version), -1) FROM snapshots WHERE stream = ?)`,
  args: [stream, stream, stream],
})

/** A unique id per write: two nodes may snapshot the same version at once. */
const newId = (stream: string, version: number) =>
  `${stream}/${version}/${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`

/**
 * The Snapshots power on a libSQL client (issue 22). A save gzips the payload and writes its chunks, each in
 * a transaction of its own, then the header and the pruning of older snapshots in one
 * transaction: a snapshot is visible only once complete, and a writer killed half way leaves
 * only chunks without a header, which nothing reads and a later prune removes.
 */
export const snapshotsOn = (
  client: Client,
  loadAfter: StoreWriter["loadAfter"],
  codecOf: (stream: string) => EventCodec<unknown>,
  chunkBytes = SNAPSHOT_CHUNK_BYTES,
): Snapshots["Service"] => ({
  loadAfter,
  readEvents: <E>(stream: string, after: number, limit: number) =>
    Effect.flatMap(
      run(`read ${stream}`, () =>
        client.execute(readEventPage({ stream, after, upTo: Number.MAX_SAFE_INTEGER, limit })),
      ),
      (result) => decodeEventRows<E>(codecOf(stream), stream, result.rows, after),
    ),
  list: (stream) =>
    Effect.map(
      run(`list the snapshots of ${stream}`, () => client.execute(listStatement(stream))),
      (result) =>
        result.rows.map(
          (row): SnapshotInfo => ({
            id: String(row[0]),
            version: Number(row[1]),
            schemaVersion: Number(row[2]),
            takenAt: Number(row[3]),
          }),
        ),
    ),
  read: (stream, snapshotId) =>
    Effect.map(
      run(`read snapshot ${snapshotId}`, () =>
        client.batch([headerStatement(stream, snapshotId), chunksStatement(snapshotId)], "read"),
      ),
      ([header, chunks]) => {
        const head = header?.rows[0]
        if (head === undefined) return undefined
        const parts = (chunks?.rows ?? []).map((row) => new Uint8Array(row[0] as ArrayBuffer))
        const bytes = Buffer.concat(parts)
        if (parts.length !== Number(head[1]) || bytes.length !== Number(head[0])) return undefined
        try {
          return gunzipSync(bytes).toString("utf8")
        } catch {
          return undefined
        }
      },
    ),
  save: (stream, record: SnapshotRecord) =>
    Effect.gen(function* () {
      const info: SnapshotInfo = {
        id: newId(stream, record.version),
        version: record.version,
        schemaVersion: record.schemaVersion,
        takenAt: record.takenAt,
      }
      // Fast compression: the payload is text with much repetition (ids, keys).
      const bytes = gzipSync(record.payload, { level: 1 })
      const chunks = Math.max(1, Math.ceil(bytes.length / chunkBytes))
      for (let seq = 0; seq < chunks; seq++) {
        const data = bytes.subarray(seq * chunkBytes, (seq + 1) * chunkBytes)
        yield* run(`write snapshot ${info.id}`, () =>
          client.execute(chunkStatement(info.id, stream, info.version, seq, data)),
        )
      }
      yield* run(`write snapshot ${info.id}`, () =>
        client.batch(
          [headerInsert(stream, info, bytes.length, chunks), pruneHeaders(stream), pruneChunks(stream)],
          "write",
        ),
      )
      return info
    }),
})
