import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createClient } from "@libsql/client"
import { decodeCenterState, makeLibsqlStore } from "@lifeline/adapters"
import {
  CENTER_STREAM,
  type CenterCommand,
  type CenterEvent,
  emptyCenterState,
  isRoutingEvent,
  replayCenter,
  type SnapshotInfo,
} from "@lifeline/core"
import { Effect, Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stateDigest } from "../snapshots/state-digest"
import { bundleChild, migrationsFolder, startChild } from "./processes"
import { routingViolations } from "./routing-invariants"
import type { SnapshotCrashChildConfig } from "./snapshot-crash-child"

/**
 * Issue 22, SPEC N1, ARCHITECTURE rules 4 and 8 under SIGKILL: a child runs the API's
 * composition with the snapshot worker thread writing a snapshot every 60 events (or second), in
 * chunks of 64 bytes (gzipped) so each write takes many transactions, under a load of
 * calls; it is killed at random moments again and again, often while a snapshot is being
 * written. After each kill: no incomplete snapshot is ever listed (each listed one decodes to the
 * log's state at its version), every acknowledged command is in the log, the routing invariants
 * hold. Each next start comes up with the log's state (from an older snapshot or the log) and
 * every stored timer armed again; offers left alone expire once, across lives.
 */
const CYCLES = 12
/**
 * A kill lands mid-write only by chance (a random moment; a loaded machine finishes writes
 * sooner or later): after CYCLES kills with none mid-write, go on killing, up to this many.
 */
const MAX_CYCLES = 36
const CHUNK_BYTES = 64

let dir = ""
let bundle = ""
let worker = ""
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-snapshot-crash-"))
  ;[bundle, worker] = await Promise.all([
    bundleChild("./snapshot-crash-child.ts"),
    bundleChild("../../packages/adapters/src/store/snapshot/worker.ts"),
  ])
})
afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
  for (const file of [bundle, worker]) if (file !== "") rmSync(file, { force: true })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const digestOf = (events: readonly CenterEvent[]) => stateDigest(replayCenter(emptyCenterState(), events))

/** The log, the listed snapshots (each decoded and compared), and the chunks with no header. */
const inspect = async (url: string) => {
  const { events, timers, listed, torn } = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* makeLibsqlStore(url, { migrationsFolder })
        const { events, timers } = yield* store.load<CenterEvent, CenterCommand>(CENTER_STREAM)
        const listed: { info: SnapshotInfo; ok: boolean }[] = []
        for (const info of yield* store.list(CENTER_STREAM)) {
          const payload = yield* store.read(CENTER_STREAM, info.id)
          const decoded = payload === undefined ? undefined : decodeCenterState(payload, info)
          const ok =
            decoded !== undefined &&
            Result.isSuccess(decoded) &&
            stateDigest(decoded.success) === digestOf(events.slice(0, info.version))
          listed.push({ info, ok })
        }
        const torn = yield* Effect.promise(async () => {
          const client = createClient({ url })
          try {
            const rows = await client.execute(
              "SELECT count(DISTINCT snapshot_id) AS n FROM snapshot_chunks WHERE snapshot_id NOT IN (SELECT id FROM snapshots)",
            )
            return Number(rows.rows[0]?.n ?? 0)
          } finally {
            client.close()
          }
        })
        return { events, timers, listed, torn }
      }),
    ),
  )
  return { events, timers, listed, torn }
}

describe("durability: snapshots under SIGKILL (issue 22)", () => {
  it("N1 rule 8 a kill while a snapshot is written loses nothing acknowledged; the next start uses an older snapshot or the log, timers re-armed", async () => {
    const url = `file:${join(dir, "lifeline.db")}`
    const acked = new Set<string>()
    let killedMidWrite = 0
    let startsWithSnapshot = 0
    let previous: Awaited<ReturnType<typeof inspect>> | undefined
    let cycles = 0
    for (let cycle = 0; cycle < CYCLES || (killedMidWrite === 0 && cycle < MAX_CYCLES); cycle++) {
      cycles += 1
      const config: SnapshotCrashChildConfig = {
        url,
        migrationsFolder,
        workerEntry: worker,
        cycle,
        chunkBytes: CHUNK_BYTES,
      }
      const child = startChild(bundle, config)
      const start = await child.waitFor((line) => line.startsWith("start "), 20_000)
      const [, version = "", digest = "", , stored = "", missing = ""] = start.split(" ")
      if (previous !== undefined) {
        // The start's state is the log's at the version it loaded: from a snapshot or the log.
        expect(Number(version), `cycle ${cycle}`).toBe(previous.events.length)
        expect(digest, `cycle ${cycle}: the state a start loaded`).toBe(digestOf(previous.events))
        // Every stored timer armed again (rule 4).
        expect(Number(stored), `cycle ${cycle}`).toBe(previous.timers.length)
        expect(missing, `cycle ${cycle}: stored timers not armed at start`).toBe("0")
        if (previous.listed.some((s) => s.ok)) startsWithSnapshot += 1
      }
      await child.waitFor((line) => line === "ready", 20_000)
      // Long enough for the worker thread to start and write (1 to 3 s), then at a random moment.
      await sleep(1_200 + Math.random() * 1_800)
      child.process.kill("SIGKILL")
      expect(await child.exited, child.stderr()).toBeNull()
      for (const line of child.lines)
        if (line.startsWith("ack item ")) acked.add(line.slice("ack item ".length))

      const now = await inspect(url)
      // Chunks without a header: a write cut short by this kill (an earlier one's go with the next save).
      if (now.torn > 0) killedMidWrite += 1
      // Nothing acknowledged is lost.
      const queued = new Set(now.events.flatMap((e) => (e._tag === "ItemQueued" ? [e.itemId] : [])))
      expect(
        [...acked].filter((id) => !queued.has(id)),
        `cycle ${cycle}`,
      ).toEqual([])
      // A listed snapshot is always whole and right: a torn write is never listed.
      expect(
        now.listed.filter((s) => !s.ok).map((s) => s.info.version),
        `cycle ${cycle}`,
      ).toEqual([])
      expect(routingViolations(now.events.filter(isRoutingEvent)).violations, `cycle ${cycle}`).toEqual([])
      previous = now
    }
    const final = previous as Awaited<ReturnType<typeof inspect>>
    const expired = final.events.filter((e) => e._tag === "OfferExpired").length
    console.log(
      `snapshot crash test: ${cycles} kills, ${killedMidWrite} while a snapshot was being written; ` +
        `${startsWithSnapshot} starts with a snapshot to start from; ${acked.size} items acknowledged; ` +
        `${final.events.length} events; ${final.listed.length} snapshots kept (newest at ${final.listed[0]?.info.version}); ` +
        `${expired} offers expired by their timers`,
    )
    expect(acked.size).toBeGreaterThan(CYCLES * 20)
    expect(startsWithSnapshot).toBeGreaterThan(CYCLES / 2)
    expect(killedMidWrite).toBeGreaterThan(0)
    expect(expired).toBeGreaterThan(0)
    // Bounded: the kept snapshots, and the chunks of the writes that were cut short, at most.
    expect(final.listed.length).toBeLessThanOrEqual(3)
  }, 300_000)
})
