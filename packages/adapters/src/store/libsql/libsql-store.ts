import type { Client, InStatement, ResultSet, Row, TransactionMode } from "@libsql/client"
import {
  ArchivedEvents,
  SharedStore,
  Snapshots,
  Store,
  StoreUnavailable,
  type StoreWriter,
  type StreamSnapshot,
  type Timer,
  type TimerChange,
  VersionConflict,
} from "@lifeline/core/ports"
import { Context, Effect, Layer, type Scope } from "effect"
import { codecFor, DEFAULT_EVENT_CODECS, type EventCodec, type EventCodecs } from "../event-codec"
import { archivedEventsOn } from "./archived"
import { groupCommitFor } from "./group-commit"
import { isEmbedded, type LibsqlStoreOptions, openDatabase } from "./open"
import { STALE_VERSION_GUARD } from "./schema"
import { snapshotsOn } from "./snapshot-store"
import {
  claimVersion,
  decodeEventRows,
  deleteTimers,
  insertEvents,
  openStream,
  readEventPage,
  readTimers,
  readVersion,
  upsertTimers,
} from "./statements"

/** Rows per statement, well under SQLite's limit of 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 500
/** Events per read when loading. */
const EVENTS_PER_PAGE = 2_000

/**
 * The Store port on libSQL: an embedded file (`file:`) or a server (`http:`, `libsql:`) shared
 * by several nodes. An append is one write batch (one transaction, one round trip) that starts
 * by claiming the new version, which succeeds only if the stored one is the expected one;
 * otherwise the CHECK constraint fails the batch and nothing is written. The server decides inside its write
 * lock, so this holds across processes.
 */
export const makeLibsqlStore = (
  url: string,
  options: LibsqlStoreConfig = {},
): Effect.Effect<LibsqlStore, StoreUnavailable, Scope.Scope> =>
  Effect.map(openDatabase(url, options), (client) =>
    libsqlStoreOn(client, url, options.snapshotChunkBytes, options.eventCodecs),
  )

/** The store's options: the database's (open.ts) and how each stream's events are stored. */
export interface LibsqlStoreConfig extends LibsqlStoreOptions {
  /**
   * The codec of each stream's events (issue 22, Build 2; event-codec.ts): appends write its
   * shape version, loads upcast and decode by its schemas. DEFAULT_EVENT_CODECS (the center
   * stream) unless given; a stream with none is untyped JSON.
   */
  readonly eventCodecs?: EventCodecs
}

/** What the libSQL store provides: the port, the shared-store powers and snapshots (issue 22). */
export type LibsqlStore = Store["Service"] &
  SharedStore["Service"] &
  Snapshots["Service"] &
  ArchivedEvents["Service"]

/**
 * The store as a Layer (closing its scope closes the client), with what it adds for engines on
 * a shared store and how engines group commands on it.
 */
export const LibsqlStoreLive = (url: string, options: LibsqlStoreConfig = {}) =>
  Layer.merge(
    Layer.effectContext(
      Effect.map(makeLibsqlStore(url, options), (store) =>
        Context.make(Store, store).pipe(
          Context.add(SharedStore, store),
          Context.add(Snapshots, store),
          // After `admin archive` the start checks where the log begins (issue 22).
          Context.add(ArchivedEvents, store),
        ),
      ),
    ),
    groupCommitFor(url),
  )

const chunks = <A>(items: readonly A[]): A[][] => {
  const out: A[][] = []
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) out.push(items.slice(i, i + ROWS_PER_STATEMENT))
  return out
}

const unavailable = (action: string, cause: unknown) =>
  new StoreUnavailable({ message: `${action}: ${cause instanceof Error ? cause.message : String(cause)}` })

const isStaleVersion = (cause: unknown) =>
  cause instanceof Error && cause.message.includes(STALE_VERSION_GUARD)

/** The timer table after applying `changes` in order: per timer, its last change wins. */
const netTimerChanges = <C>(changes: readonly TimerChange<C>[]) => {
  const last = new Map<string, Timer<C> | null>()
  for (const change of changes) {
    if (change._tag === "Arm") last.set(change.timer.timerId, change.timer)
    else last.set(change.timerId, null)
  }
  const armed: Timer<C>[] = []
  const disarmed: string[] = []
  for (const [timerId, timer] of last) {
    if (timer === null) disarmed.push(timerId)
    else armed.push(timer)
  }
  return { armed, disarmed }
}

/** The statements of one append, in order: the version claim first. */
const appendStatements = <E, C>(
  codec: EventCodec<unknown>,
  stream: string,
  expected: number,
  appended: readonly E[],
  changes: readonly TimerChange<C>[],
): InStatement[] => {
  const out = [openStream({ stream }), claimVersion({ stream, expected, next: expected + appended.length })]
  for (const [c, chunk] of chunks(appended).entries()) {
    const values: Record<string, unknown> = { stream, schemaVersion: codec.version }
    for (const [i, event] of chunk.entries()) {
      values[`version${i}`] = expected + c * ROWS_PER_STATEMENT + i + 1
      values[`payload${i}`] = codec.encode(event)
    }
    out.push(insertEvents(chunk.length)(values))
  }
  const { armed, disarmed } = netTimerChanges(changes)
  for (const chunk of chunks(armed)) {
    const values: Record<string, unknown> = { stream }
    for (const [i, t] of chunk.entries()) {
      values[`timerId${i}`] = t.timerId
      values[`dueAt${i}`] = t.dueAt
      values[`command${i}`] = JSON.stringify(t.command)
    }
    out.push(upsertTimers(chunk.length)(values))
  }
  for (const chunk of chunks(disarmed)) {
    const values: Record<string, unknown> = { stream }
    for (const [i, timerId] of chunk.entries()) values[`timerId${i}`] = timerId
    out.push(deleteTimers(chunk.length)(values))
  }
  return out
}

const versionIn = (rows: readonly Row[]) => Number(rows[0]?.[0] ?? 0)

/** Runs statements in one transaction: a client's batch, or a step of an open transaction. */
type Batch = (statements: InStatement[], mode: TransactionMode) => Promise<ResultSet[]>

const run = <A>(action: string, query: () => Promise<A>) =>
  Effect.tryPromise({ try: query, catch: (cause) => unavailable(action, cause) })

/**
 * Reads and appends through `batch`, each stream's events by its codec; `version` names the
 * winner after a lost race.
 */
const writerOn = (
  batch: Batch,
  version: (stream: string) => Effect.Effect<number, StoreUnavailable>,
  codecOf: (stream: string) => EventCodec<unknown>,
) => {
  /**
   * The stream's events after `after`, its version and its timers. The version and the timers
   * are read together with the first page; the later pages stop at that version (stored events
   * never change), so the whole is one consistent snapshot however many pages it takes. Pages
   * keep each response under a server's size limit (sqld: 10 MB).
   */
  const loadAfter = <E, C>(stream: string, after: number) =>
    Effect.gen(function* () {
      const [versionRows, firstRows, timerRows] = yield* run(`load ${stream}`, () =>
        batch(
          [
            readVersion({ stream }),
            readEventPage({ stream, after, upTo: Number.MAX_SAFE_INTEGER, limit: EVENTS_PER_PAGE }),
            readTimers({ stream }),
          ],
          "read",
        ),
      )
      const current = versionIn(versionRows?.rows ?? [])
      const codec = codecOf(stream)
      const stored = yield* decodeEventRows<E>(codec, stream, firstRows?.rows ?? [], after)
      while (after + stored.length < current) {
        const from = after + stored.length
        const page = yield* run(`load ${stream}`, () =>
          batch([readEventPage({ stream, after: from, upTo: current, limit: EVENTS_PER_PAGE })], "read"),
        )
        const rows = page[0]?.rows ?? []
        if (rows.length === 0) break
        for (const event of yield* decodeEventRows<E>(codec, stream, rows, from)) stored.push(event)
      }
      if (stored.length !== Math.max(0, current - after)) {
        return yield* unavailable(
          `load ${stream}`,
          `version ${current} but ${stored.length} events after ${after}`,
        )
      }
      const armed = (timerRows?.rows ?? []).map(
        (row): Timer<C> => ({
          timerId: String(row[0]),
          dueAt: Number(row[1]),
          command: JSON.parse(String(row[2])) as C,
        }),
      )
      const snapshot: StreamSnapshot<E, C> = { version: current, events: stored, timers: armed }
      return snapshot
    })

  const append = <E, C>(
    stream: string,
    expectedVersion: number,
    appended: readonly E[],
    changes: readonly TimerChange<C>[],
  ): Effect.Effect<number, VersionConflict | StoreUnavailable> =>
    Effect.suspend(() => {
      const statements = appendStatements(codecOf(stream), stream, expectedVersion, appended, changes)
      return Effect.tryPromise({ try: () => batch(statements, "write"), catch: (cause) => cause })
    }).pipe(
      Effect.as(expectedVersion + appended.length),
      Effect.catch((cause) =>
        isStaleVersion(cause)
          ? Effect.flatMap(version(stream), (actual) =>
              Effect.fail(new VersionConflict({ stream, expected: expectedVersion, actual })),
            )
          : Effect.fail(unavailable(`append to ${stream}`, cause)),
      ),
    )

  return { loadAfter, append } satisfies StoreWriter
}

/**
 * The port over an open client (the migrations applied), with what a shared store adds: the
 * tail read, and on a server the write lock (an interactive write transaction; another node's
 * appends wait for it). An embedded file has no peer to lock out, and its single connection
 * would refuse the process's other writes while a transaction held it.
 */
export const libsqlStoreOn = (
  client: Client,
  url: string,
  snapshotChunkBytes?: number,
  eventCodecs: EventCodecs = DEFAULT_EVENT_CODECS,
): LibsqlStore => {
  const codecOf = codecFor(eventCodecs)
  const version = (stream: string) =>
    Effect.map(
      run(`read the version of ${stream}`, () => client.execute(readVersion({ stream }))),
      (result) => versionIn(result.rows),
    )
  const writer = writerOn((statements, mode) => client.batch(statements, mode), version, codecOf)
  const exclusive = <A, X>(body: (locked: StoreWriter) => Effect.Effect<A, X>) =>
    Effect.acquireUseRelease(
      run("begin a write transaction", () => client.transaction("write")),
      (tx) =>
        Effect.flatMap(body(writerOn((statements) => tx.batch(statements), version, codecOf)), (result) =>
          Effect.as(
            run("commit", () => tx.commit()),
            result,
          ),
        ),
      (tx) => Effect.sync(() => tx.close()),
    )
  return {
    ...snapshotsOn(client, writer.loadAfter, codecOf, snapshotChunkBytes),
    ...archivedEventsOn(client),
    load: (stream) => writer.loadAfter(stream, 0),
    version,
    ...writer,
    ...(isEmbedded(url) ? {} : { exclusive }),
  }
}
