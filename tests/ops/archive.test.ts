import { spawn } from "node:child_process"
import { existsSync, statSync } from "node:fs"
import { join } from "node:path"
import { createClient } from "@libsql/client"
// Not yet re-exported by @lifeline/adapters' index.
import {
  ArchivedEventsLive,
  CenterSnapshotsLive,
  centerFold,
  LibsqlStoreLive,
  makeLibsqlStore,
  takeSnapshot,
  VirtualClockLive,
} from "@lifeline/adapters"
import { lifelineClient } from "@lifeline/api/client"
import { type ApiSettings, apiLayer } from "@lifeline/api/testing"
import { Center, CenterLive } from "@lifeline/core/center"
import { Effect, Exit, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../durability/processes"
import { opsKit } from "./kit"

/**
 * Issue 22, Build 5 (docs/lifetime.md "Retention"), SPEC N1/N5: `admin archive --before <date>
 * --to <file>` moves the center's events older than the date, and covered by a snapshot and the
 * history checkpoint, into an archive file; a node started afterwards comes up from the snapshot
 * and answers history as before; `admin archive-restore --from <file>` puts the events back byte
 * for byte. A node whose build cannot read a snapshot at or after the archived events refuses to
 * start, saying how to restore them, instead of building a state from a log with a hole.
 */
const kit = opsKit("archive")
const KEY = "demo-admin-key"

/** The command as `pnpm --filter @lifeline/api admin …` runs it, against the store `url`. */
const admin = (url: string, ...args: string[]) =>
  new Promise<{ status: number | null; stderr: string; log: Record<string, unknown>[] }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/admin.ts", ...args], {
      cwd: join(repoRoot, "apps/api"),
      env: { PATH: process.env.PATH ?? "", LIFELINE_DB_URL: url },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let [stdout, stderr] = ["", ""]
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.on("close", (status) => {
      const lines = stdout.split("\n").filter((l) => l.startsWith("{"))
      resolve({ status, stderr, log: lines.map((l) => JSON.parse(l) as Record<string, unknown>) })
    })
  })

/** Every stored event row of the center stream, as stored (integers as bigints). */
const eventRows = async (url: string) => {
  const db = createClient({ url, intMode: "bigint" })
  try {
    const result = await db.execute(
      "SELECT stream, version, payload, schema_version FROM events WHERE stream = 'center' ORDER BY version",
    )
    return result.rows.map((r) => [0, 1, 2, 3].map((i) => r[i]))
  } finally {
    db.close()
  }
}

const sql = async (url: string, statement: string) => {
  const db = createClient({ url })
  try {
    return (await db.execute(statement)).rows.map((r) => r[0])
  } finally {
    db.close()
  }
}

/** Wait until every read model's checkpoint is at the stream's version (the node projected all). */
const projected = async (url: string) => {
  for (let i = 0; i < 200; i++) {
    const [version] = await sql(url, "SELECT version FROM streams WHERE stream = 'center'")
    const [slowest] = await sql(url, "SELECT min(position) FROM projections")
    if (slowest !== null && slowest !== undefined && Number(slowest) === Number(version)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error("the read models did not catch up")
}

/** A node's store written in two periods, the second from `cut` on; a snapshot at its end. */
const storeWithHistory = async () => {
  const db = kit.tempDb()
  const url = `file:${db}`
  const node = await kit.start(db)
  const client = lifelineClient(node.url, KEY)
  await client.createQueue({ queueId: "old-queue", name: "Old" })
  for (const n of [1, 2, 3]) await client.enqueueItem({ itemId: `old-${n}`, queueId: "old-queue" })
  await new Promise((r) => setTimeout(r, 20))
  const cut = Date.now()
  await new Promise((r) => setTimeout(r, 20))
  for (const n of [1, 2]) await client.enqueueItem({ itemId: `new-${n}`, queueId: "old-queue" })
  await projected(url)
  await kit.stop(node)
  await Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(makeLibsqlStore(url), (store) => takeSnapshot(store, centerFold, undefined, Date.now())),
    ),
  )
  return { db, url, cut }
}

/** The last version whose event, and every one before it, happened before `cut` (the command's rule). */
const boundaryOf = (rows: readonly unknown[][], cut: number) => {
  const late = rows.findIndex((r) => {
    const at = (JSON.parse(String(r[2])) as { at?: number }).at
    return at !== undefined && at >= cut
  })
  return late < 0 ? rows.length : late
}

/** A node as main.ts composes it, with the start guard's power on the store. */
const guarded = (settings: ApiSettings) =>
  apiLayer(settings).pipe(Layer.provide(ArchivedEventsLive(settings.db.url)))

/** What a node answers from its read models and its state. */
const answers = async (url: string) => {
  const client = lifelineClient(url, KEY)
  const ready = (await (await fetch(`${url}/readyz`)).json()) as { checks?: { streamVersion?: number } }
  return {
    streamVersion: ready.checks?.streamVersion,
    history: await client.history({ limit: "1000" }),
    queues: (await client.queues()).map(({ queueId, waiting, staffed }) => ({ queueId, waiting, staffed })),
  }
}

/** The center engine on the file (a start as a node does it), with the guard's power. */
const startCenter = (url: string) =>
  Effect.runPromiseExit(
    Effect.scoped(
      Effect.flatMap(Center, (center) => center.read((s) => s.routing.items.size)).pipe(
        Effect.provide(
          CenterLive.pipe(
            Layer.provideMerge(
              Layer.mergeAll(
                LibsqlStoreLive(url),
                CenterSnapshotsLive({ url, options: {}, settings: { everyEvents: 0, everySeconds: 60 } }),
                ArchivedEventsLive(url),
                VirtualClockLive(Date.now()),
              ),
            ),
          ),
        ),
      ),
    ),
  )

describe("archive and archive-restore (issue 22, Build 5)", () => {
  it("issue 22 N5 N1 archive moves exactly the old events; a node starts from the snapshot with the same history; archive-restore puts them back byte for byte", async () => {
    const { db, url, cut } = await storeWithHistory()
    const rows = await eventRows(url)
    const boundary = boundaryOf(rows, cut)
    expect(boundary).toBeGreaterThan(0)
    expect(boundary).toBeLessThan(rows.length)

    const before = await kit.start(db, { layer: guarded })
    const answered = await answers(before.url)
    await kit.stop(before)
    const size = statSync(db).size

    const archiveFile = join(kit.tempDir(), "archive.db")
    const archived = await admin(url, "archive", "--before", new Date(cut).toISOString(), "--to", archiveFile)
    expect(archived.status, archived.stderr).toBe(0)
    expect(archived.log.find((l) => l.msg === "events archived")).toMatchObject({
      moved: boundary,
      fromVersion: 1,
      toVersion: boundary,
      storedFrom: boundary + 1,
      archiveRows: boundary,
      appended: false,
    })
    expect(await eventRows(`file:${archiveFile}`)).toEqual(rows.slice(0, boundary))
    expect(await eventRows(url)).toEqual(rows.slice(boundary))
    // No VACUUM: the file keeps its size and the freed pages wait for the next events.
    expect(statSync(db).size).toBeGreaterThanOrEqual(size)
    expect(Number((await sql(url, "PRAGMA freelist_count"))[0])).toBeGreaterThan(0)

    // The node starts from the snapshot and answers as before, and goes on writing.
    const after = await kit.start(db, { layer: guarded })
    expect(await answers(after.url)).toEqual(answered)
    await lifelineClient(after.url, KEY).enqueueItem({ itemId: "later", queueId: "old-queue" })
    await projected(url)
    await kit.stop(after)
    const written = await eventRows(url)

    // Again: nothing older is left to move.
    const again = await admin(url, "archive", "--before", new Date(cut).toISOString(), "--to", archiveFile)
    expect(again.status, again.stderr).toBe(0)
    expect(again.log.find((l) => l.msg === "events archived")).toMatchObject({ moved: 0, appended: true })
    expect(await eventRows(`file:${archiveFile}`)).toEqual(rows.slice(0, boundary))

    const restored = await admin(url, "archive-restore", "--from", archiveFile)
    expect(restored.status, restored.stderr).toBe(0)
    expect(restored.log.find((l) => l.msg === "archive restored")).toMatchObject({
      restored: boundary,
      fromVersion: 1,
      toVersion: boundary,
      archivedUpTo: 0,
    })
    expect(await eventRows(url)).toEqual([...rows.slice(0, boundary), ...written])
    const twice = await admin(url, "archive-restore", "--from", archiveFile)
    expect(twice.log.find((l) => l.msg === "archive restored")).toMatchObject({ restored: 0 })
  }, 120_000)

  it("issue 22 N1 a build that cannot read a snapshot at or after the archived events refuses to start, naming the restore; after the restore it starts from the log", async () => {
    const { url, cut } = await storeWithHistory()
    const archiveFile = join(kit.tempDir(), "archive.db")
    const archived = await admin(url, "archive", "--before", new Date(cut).toISOString(), "--to", archiveFile)
    expect(archived.status, archived.stderr).toBe(0)
    const upTo = Number(archived.log.find((l) => l.msg === "events archived")?.toVersion)
    const fine = await startCenter(url)
    expect(Exit.isSuccess(fine)).toBe(true)

    // Another build: the snapshot's schema version is one it does not know.
    await sql(url, "UPDATE snapshots SET schema_version = 999")
    const refused = await startCenter(url)
    expect(Exit.isFailure(refused)).toBe(true)
    expect(String(Exit.isFailure(refused) ? refused.cause : "")).toContain(
      `events 1..${upTo} of the center stream are archived`,
    )
    expect(String(Exit.isFailure(refused) ? refused.cause : "")).toContain(
      "admin archive-restore --from <file>",
    )

    expect((await admin(url, "archive-restore", "--from", archiveFile)).status).toBe(0)
    const fromLog = await startCenter(url)
    expect(fromLog).toEqual(fine)
  }, 120_000)

  it("issue 22 N5 refuses with no snapshot, with no history checkpoint, and with a read model behind; nothing moves", async () => {
    const db = kit.tempDb()
    const url = `file:${db}`
    const node = await kit.start(db)
    await projected(url)
    await kit.stop(node)
    const rows = await eventRows(url)
    const archiveFile = join(kit.tempDir(), "archive.db")
    const later = new Date(Date.now() + 60_000).toISOString()

    const noSnapshot = await admin(url, "archive", "--before", later, "--to", archiveFile)
    expect(noSnapshot.status).toBe(1)
    expect(JSON.stringify(noSnapshot.log)).toMatch(/no snapshot of the center stream this build can read/)

    await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(makeLibsqlStore(url), (store) => takeSnapshot(store, centerFold, undefined, 0)),
      ),
    )
    // A read model that has not caught up (one added since, say) holds every event back.
    await sql(url, "INSERT INTO projections (name, position) VALUES ('lagging', 0)")
    const behind = await admin(url, "archive", "--before", later, "--to", archiveFile)
    expect(behind.status).toBe(1)
    expect(JSON.stringify(behind.log)).toMatch(
      /nothing moved: .*read model 'lagging' \(at version 0\) covers none/,
    )

    await sql(url, "DELETE FROM projections")
    const noHistory = await admin(url, "archive", "--before", later, "--to", archiveFile)
    expect(noHistory.status).toBe(1)
    expect(JSON.stringify(noHistory.log)).toMatch(/no history checkpoint/)

    expect(existsSync(archiveFile)).toBe(false)
    expect(await eventRows(url)).toEqual(rows)
  }, 120_000)

  it("issue 22 N3 a bad command line is exit 2 naming the option", async () => {
    const url = `file:${kit.tempDb()}`
    const to = join(kit.tempDir(), "archive.db")
    for (const [args, named] of [
      [["archive", "--before", "yesterday", "--to", to], /--before must be an ISO 8601 date/],
      [["archive", "--before", "2026-01-31T09:00", "--to", to], /--before must be an ISO 8601 date/],
      [["archive", "--to", to], /--before is required/],
      [["archive", "--before", "2026-01-31"], /--to is required/],
      [["archive-restore"], /--from is required/],
    ] as const) {
      const run = await admin(url, ...args)
      expect(run.status, args.join(" ")).toBe(2)
      expect(run.stderr).toMatch(named)
    }
    expect(existsSync(to)).toBe(false)
  }, 120_000)
})
