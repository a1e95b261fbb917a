import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createClient } from "@libsql/client"
import { Effect, Result } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { type SnapshotFold, takeSnapshot } from "../snapshot/take"
import { archivedEventsOn, archiveStream, restoreArchive } from "./archive"
import { makeLibsqlStore } from "./libsql-store"

/**
 * Issue 22, Build 5 (docs/lifetime.md "Retention"): `archiveStream` moves the oldest events of a
 * stream into an archive file, only those older than the date and covered by a readable snapshot
 * and every read model's checkpoint, and `restoreArchive` puts them back, byte for byte.
 */
const STREAM = "toy"
/** A stream whose snapshots this build reads unless their schema version is 99. */
const toyFold: SnapshotFold<number, unknown> = {
  stream: STREAM,
  empty: () => 0,
  replay: (n, events) => n + events.length,
  schemaVersion: 1,
  encode: (n) => String(n),
  decode: (payload, info) =>
    info.schemaVersion === 99 ? Result.fail("unknown") : Result.succeed(Number(payload)),
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-archive-"))
  dirs.push(dir)
  return dir
}

/** A store holding `events` (a `PresenceDefined` without `at` is among them in the tests), migrated. */
const storeWith = async (
  events: readonly object[],
  snapshotAt: number | undefined,
  checkpoints: Record<string, number>,
) => {
  const url = `file:${join(tempDir(), "store.db")}`
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* makeLibsqlStore(url)
        yield* store.append(STREAM, 0, events, [])
        if (snapshotAt !== undefined)
          yield* store.save(STREAM, {
            version: snapshotAt,
            schemaVersion: 1,
            takenAt: 0,
            payload: String(snapshotAt),
          })
      }),
    ),
  )
  const db = createClient({ url })
  // The migrations start the webhooks projector (SPEC I3) at the log's head when the store is
  // made, before these events: here it has caught up as far as history, unless a test says.
  const all = { webhooks: checkpoints.history ?? 0, ...checkpoints }
  for (const [name, position] of Object.entries(all))
    await db.execute({
      sql: "INSERT INTO projections (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
      args: [name, position],
    })
  db.close()
  return url
}

const rows = async (url: string) => {
  const db = createClient({ url, intMode: "bigint" })
  try {
    const result = await db.execute(
      "SELECT stream, version, payload, schema_version FROM events WHERE stream = 'toy' ORDER BY version",
    )
    return result.rows.map((r) => [0, 1, 2, 3].map((i) => r[i]))
  } finally {
    db.close()
  }
}

const upTo = (url: string) => {
  const db = createClient({ url })
  return Effect.runPromise(archivedEventsOn(db).archivedUpTo(STREAM)).finally(() => db.close())
}

// Versions 1..6: times 100, 200, none, 300, 250, 400.
const EVENTS = [{ at: 100 }, { at: 200 }, { _tag: "PresenceDefined" }, { at: 300 }, { at: 250 }, { at: 400 }]

describe("archive (issue 22, Build 5: retention)", () => {
  it("N5 moves the prefix before the first event at or after the date (an event without a time goes with it), and restores it byte for byte", async () => {
    const url = await storeWith(EVENTS, 6, { history: 6 })
    const before = await rows(url)
    const to = join(tempDir(), "archive.db")
    expect(await upTo(url)).toBe(0)

    const summary = await archiveStream({ url }, to, 300, toyFold)
    // Version 5 (at 250) stays: it comes after version 4 (at 300), and the archive is a prefix.
    expect(summary).toMatchObject({ moved: 3, fromVersion: 1, toVersion: 3, storedFrom: 4, appended: false })
    expect(summary.heldBackBy).toBeUndefined()
    expect(summary.archiveRows).toBe(3)
    expect(summary.archiveBytes).toBeGreaterThan(0)
    expect(await rows(`file:${to}`)).toEqual(before.slice(0, 3))
    expect(await rows(url)).toEqual(before.slice(3))
    expect(await upTo(url)).toBe(3)

    // Again: nothing older is left, nothing moves, the archive is as it was.
    expect(await archiveStream({ url }, to, 300, toyFold)).toMatchObject({
      moved: 0,
      storedFrom: 4,
      appended: true,
    })
    expect(await rows(`file:${to}`)).toEqual(before.slice(0, 3))

    expect(await restoreArchive(to, { url }, STREAM)).toMatchObject({
      restored: 3,
      fromVersion: 1,
      toVersion: 3,
      archivedUpTo: 0,
    })
    expect(await rows(url)).toEqual(before)
    expect(await restoreArchive(to, { url }, STREAM)).toMatchObject({ restored: 0, archivedUpTo: 0 })
  })

  it("N5 moves no further than the newest readable snapshot and the slowest checkpoint, and says which held it back", async () => {
    const url = await storeWith(EVENTS, 2, { history: 6, audit: 5 })
    const to = join(tempDir(), "archive.db")
    expect(await archiveStream({ url }, to, 1_000, toyFold)).toMatchObject({
      moved: 2,
      toVersion: 2,
      heldBackBy: "the newest snapshot (version 2)",
    })
    // A snapshot this build cannot read does not count.
    const db = createClient({ url })
    await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(makeLibsqlStore(url), (store) =>
          store.save(STREAM, { version: 6, schemaVersion: 99, takenAt: 1, payload: "6" }),
        ),
      ),
    )
    await expect(archiveStream({ url }, to, 1_000, toyFold)).rejects.toThrow(/nothing moved.*newest snapshot/)
    await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(makeLibsqlStore(url), (store) =>
          store.save(STREAM, { version: 6, schemaVersion: 1, takenAt: 2, payload: "6" }),
        ),
      ),
    )
    expect(await archiveStream({ url }, to, 1_000, toyFold)).toMatchObject({
      moved: 3,
      fromVersion: 3,
      toVersion: 5,
      heldBackBy: "read model 'audit' (at version 5)",
      appended: true,
      archiveRows: 5,
    })
    db.close()
  })

  it("N5 refuses without a snapshot, without a history checkpoint, and when a read model needs archived events", async () => {
    const to = join(tempDir(), "archive.db")
    const noSnapshot = await storeWith(EVENTS, undefined, { history: 6 })
    await expect(archiveStream({ url: noSnapshot }, to, 1_000, toyFold)).rejects.toThrow(/no snapshot/)
    const noHistory = await storeWith(EVENTS, 6, {})
    await expect(archiveStream({ url: noHistory }, to, 1_000, toyFold)).rejects.toThrow(
      /no history checkpoint/,
    )
    expect(existsSync(to)).toBe(false)

    const url = await storeWith(EVENTS, 6, { history: 6 })
    await archiveStream({ url }, to, 300, toyFold)
    const db = createClient({ url })
    await db.execute("INSERT INTO projections (name, position) VALUES ('late', 1)")
    db.close()
    await expect(archiveStream({ url }, to, 1_000, toyFold)).rejects.toThrow(
      /read model 'late' is at version 1, before the events already archived \(1..3\)/,
    )
  })

  it("N5 deletes nothing when the archive holds other rows for those versions", async () => {
    const url = await storeWith(EVENTS, 6, { history: 6 })
    const before = await rows(url)
    const to = join(tempDir(), "archive.db")
    const other = await storeWith([{ at: 1 }, { at: 2 }], 2, { history: 2 })
    await archiveStream({ url: other }, to, 1_000, toyFold)
    await expect(archiveStream({ url }, to, 300, toyFold)).rejects.toThrow(/do not match.*nothing deleted/)
    expect(await rows(url)).toEqual(before)
  })

  it("N5 archives restore newest first, and the store never has a hole", async () => {
    const url = await storeWith(EVENTS, 6, { history: 6 })
    const before = await rows(url)
    const [first, second] = [join(tempDir(), "a.db"), join(tempDir(), "b.db")]
    await archiveStream({ url }, first, 200, toyFold)
    await archiveStream({ url }, second, 400, toyFold)
    expect(await upTo(url)).toBe(5)
    await expect(restoreArchive(first, { url }, STREAM)).rejects.toThrow(
      /restore the archive that ends at 5 first/,
    )
    expect(await restoreArchive(second, { url }, STREAM)).toMatchObject({ restored: 4, archivedUpTo: 1 })
    expect(await restoreArchive(first, { url }, STREAM)).toMatchObject({ restored: 1, archivedUpTo: 0 })
    expect(await rows(url)).toEqual(before)
  })

  it("N5 every event archived: the stream's version says where the store starts", async () => {
    const url = await storeWith(EVENTS, 6, { history: 6 })
    const to = join(tempDir(), "archive.db")
    expect(await archiveStream({ url }, to, 1_000, toyFold)).toMatchObject({ moved: 6, storedFrom: 7 })
    expect(await upTo(url)).toBe(6)
    expect(await rows(url)).toEqual([])
  })

  it("N5 a fold from the start of an archived log fails rather than count versions it never saw", async () => {
    const url = await storeWith(EVENTS, 3, { history: 6 })
    expect(await archiveStream({ url }, join(tempDir(), "archive.db"), 300, toyFold)).toMatchObject({
      moved: 3,
    })
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(makeLibsqlStore(url), (store) =>
          Effect.result(
            Effect.all([
              // The snapshot writer after a schema bump: no readable snapshot, so from version 0.
              takeSnapshot(store, { ...toyFold, decode: () => Result.fail("unreadable") }, undefined, 0),
              store.readEvents(STREAM, 3, 10),
            ]),
          ),
        ),
      ),
    )
    expect(Result.isFailure(outcome) && outcome.failure.message).toMatch(
      /event 1 is not stored \(the next is 4\): archived or missing/,
    )
  })
})
