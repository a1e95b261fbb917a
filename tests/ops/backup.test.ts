import { spawn } from "node:child_process"
import { existsSync, statSync } from "node:fs"
import { join } from "node:path"
import { backupStore, restoreStore } from "@lifeline/adapters"
import { type LifelineClient, lifelineClient } from "@lifeline/api/client"
import { afterAll, describe, expect, it } from "vitest"
import { repoRoot } from "../durability/processes"
import { type Sqld, startSqld } from "../durability/sqld"
import { opsKit } from "./kit"

/**
 * Issue 16, Build 7 (docs/operations.md, "Backup and restore"): the operator's command
 * `pnpm --filter @lifeline/api admin backup --to <file>` takes a backup of a running node's store
 * (an embedded file: VACUUM INTO; sqld: one read transaction), `admin restore --from <file>` puts
 * it into a new, empty store, and a node started on that store holds the same center: queues,
 * reps, waiting items, stream version. What was written after the backup is not in it.
 */
const kit = opsKit("backup")
const servers: Sqld[] = []
afterAll(async () => {
  for (const server of servers) await server.stop()
})

/**
 * The command as `pnpm --filter @lifeline/api admin …` runs it, against the store `db`. Spawned
 * without blocking: the node under test runs in this process and keeps serving meanwhile.
 */
const admin = (db: string, ...args: string[]) =>
  new Promise<{ status: number | null; stderr: string; log: Record<string, unknown>[] }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/admin.ts", ...args], {
      cwd: join(repoRoot, "apps/api"),
      env: { PATH: process.env.PATH ?? "", LIFELINE_DB_URL: db },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
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

/** What a node holds, as its API shows it (times left out: EWTs move with the clock). */
const stateOf = async (url: string, client: LifelineClient, items: readonly string[]) => {
  const ready = (await (await fetch(`${url}/readyz`)).json()) as { checks?: { streamVersion?: number } }
  return {
    streamVersion: ready.checks?.streamVersion,
    queues: (await client.queues()).map(({ queueId, name, waiting, staffed, free }) => ({
      queueId,
      name,
      waiting,
      staffed,
      free,
    })),
    reps: await client.reps(),
    items: await Promise.all(
      items.map(async (itemId) => {
        const { status, queueId, position } = await client.position(itemId)
        return { itemId, status, queueId, position }
      }),
    ),
  }
}

/** Queues and items of this test's own on a running node (beside the demo's). */
const writeSome = async (client: LifelineClient, prefix: string) => {
  await client.createQueue({ queueId: `${prefix}-queue`, name: `Queue ${prefix}` })
  const items = [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]
  for (const itemId of items) await client.enqueueItem({ itemId, queueId: `${prefix}-queue` })
  return items
}

/** A store as the kit takes it (a file's path, or a server's URL) and as LIFELINE_DB_URL names it. */
const urlOf = (db: string) => (db.startsWith("http") ? db : `file:${db}`)

const roundTrip = async (source: string, restoredTo: string, backupFile: string) => {
  const node = await kit.start(source)
  const client = lifelineClient(node.url, "demo-admin-key")
  const items = await writeSome(client, "before")
  const before = await stateOf(node.url, client, items)
  expect(before.streamVersion).toBeGreaterThan(0)

  // Online: the node keeps running, and writes on after the backup.
  const backup = await admin(urlOf(source), "backup", "--to", backupFile)
  expect(backup.status, backup.stderr).toBe(0)
  expect(backup.log.find((l) => l.msg === "backup written")).toMatchObject({ to: backupFile })
  expect(statSync(backupFile).size).toBeGreaterThan(0)
  const later = await writeSome(client, "after")
  // A backup never overwrites a file.
  await expect(backupStore({ url: urlOf(source) }, backupFile)).rejects.toThrow(/already exists/)
  await kit.stop(node)

  const restore = await admin(urlOf(restoredTo), "restore", "--from", backupFile)
  expect(restore.status, restore.stderr).toBe(0)
  // Every event of the center's stream up to the backup (others may keep streams of their own).
  expect(
    Number(restore.log.find((l) => l.msg === "backup restored")?.["rows.events"]),
  ).toBeGreaterThanOrEqual(before.streamVersion ?? Number.POSITIVE_INFINITY)
  // A restore never mixes two histories: the store now holds one.
  await expect(restoreStore(backupFile, { url: urlOf(restoredTo) })).rejects.toThrow(/not empty/)

  const restored = await kit.start(restoredTo)
  const restoredClient = lifelineClient(restored.url, "demo-admin-key")
  expect(await stateOf(restored.url, restoredClient, items)).toEqual(before)
  expect(restored.lines.some((l) => l.includes("demo data seeded"))).toBe(false)
  for (const itemId of later)
    await expect(restoredClient.position(itemId)).rejects.toMatchObject({ status: 404 })
  await kit.stop(restored)
}

describe("backup and restore (issue 16)", () => {
  it("issue 16 N1 an online backup of a running node's embedded file, restored to a new file, starts a node with the same queues, reps, items and stream version", async () => {
    const dir = kit.tempDir()
    await roundTrip(join(dir, "lifeline.db"), join(dir, "restored.db"), join(dir, "backup.db"))
    expect(existsSync(join(dir, "restored.db"))).toBe(true)
  }, 120_000)

  it("issue 16 N2 an online backup of sqld, restored into a new sqld, starts a node with the same center", async () => {
    const dir = kit.tempDir()
    const [live, fresh] = await Promise.all([startSqld(join(dir, "live")), startSqld(join(dir, "fresh"))])
    servers.push(live, fresh)
    await roundTrip(live.url, fresh.url, join(dir, "backup.db"))
  }, 120_000)
})
