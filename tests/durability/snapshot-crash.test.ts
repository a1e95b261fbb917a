import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createClient } from "@libsql/client"
import { decodeCenterState, makeLibsqlStore } from "@lifeline/adapters"
import {
  CENTER_STREAM,
  type CenterCommand,
  type CenterEvent,
  emptyCenterState,
  replayCenter,
} from "@lifeline/core/center"
import type { SnapshotInfo } from "@lifeline/core/ports"
import { isRoutingEvent } from "@lifeline/core/routing"
import { Effect, Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stateDigest } from "../snapshots/state-digest"
import { bundleChild, migrationsFolder, startChild } from "./processes"
import { routingViolations } from "./routing-invariants"
import type { SnapshotCrashChildConfig } from "./snapshot-crash-child"

/**
 * Issue 22, SPEC N1, ARCHITECTURE rules 4 and 8 under SIGKILL: a child runs the API's
 * composition with the snapshot writer process writing a snapshot every 60 events (or second), in
 * chunks of 64 bytes (gzipped) so each write takes many transactions, under a load of
 * calls; it is killed at random moments again and again, often while a snapshot is being
 * written. After each kill: whether it cut a write short (chunks without a header that were not
 * there before it), no incomplete snapshot is ever listed (each listed one decodes to the log's
 * state at its version), every acknowledged command is in the log, the routing invariants hold.
 * Each next start comes up with the log's state and every stored timer armed again; after a kill
 * that cut a write short, every snapshot it could start from is older than that write (so it
 * started from an older snapshot or the log). Offers left ringing by a killed life end in the
 * next, by the timers it re-armed; no offer ends twice. The writer is a process of the node's own:
 * while the node lives there is one. Two kills in three SIGKILL it with the node (a write in
 * flight is torn); every third kills the node alone, and its writer must exit by itself (its IPC
 * channel closed): no orphan writes on. The store is inspected only once the writer has gone.
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
// Bundling both children takes a few seconds, more than the default 10 s hook limit on a busy machine.
const BUNDLE_MS = 60_000
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-snapshot-crash-"))
  ;[bundle, worker] = await Promise.all([
    bundleChild("./snapshot-crash-child.ts"),
    bundleChild("../../packages/adapters/src/store/snapshot/worker.ts"),
  ])
}, BUNDLE_MS)
afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
  for (const file of [bundle, worker]) if (file !== "") rmSync(file, { force: true })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Whether a cycle's kill takes the node's writer process too, or the node alone. */
const killsWriterToo = (cycle: number) => cycle % 3 !== 2

/** The running processes whose argv holds `file` (Linux /proc): the writers this test's nodes start. */
const processesOf = (file: string): number[] =>
  readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return []
    try {
      return readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(file) ? [Number(entry)] : []
    } catch {
      return []
    }
  })

/** Resolves with the processes of `file` still running after `ms` (none, as soon as they are gone). */
const goneWithin = async (file: string, ms: number) => {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(20))
    if (processesOf(file).length === 0) return []
  return processesOf(file)
}

const OFFER_ENDS: ReadonlySet<string> = new Set([
  "OfferAccepted",
  "OfferDeclined",
  "OfferExpired",
  "OfferWithdrawn",
])

/** The offers of the log still ringing: made, and not yet accepted, declined, expired or withdrawn. */
const ringing = (events: readonly CenterEvent[]): Set<string> => {
  const open = new Set<string>()
  for (const e of events) {
    if (e._tag === "OfferMade") open.add(e.offerId)
    else if (OFFER_ENDS.has(e._tag) && "offerId" in e) open.delete(e.offerId)
  }
  return open
}

/** How each offer of the log ended (the first end; a second one is counted in `twice`). */
const offerEnds = (events: readonly CenterEvent[]) => {
  const ends = new Map<string, string>()
  const twice: string[] = []
  for (const e of events) {
    if (!OFFER_ENDS.has(e._tag) || !("offerId" in e)) continue
    if (ends.has(e.offerId)) twice.push(e.offerId)
    else ends.set(e.offerId, e._tag)
  }
  return { ends, twice }
}
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
              "SELECT DISTINCT snapshot_id, version FROM snapshot_chunks WHERE snapshot_id NOT IN (SELECT id FROM snapshots)",
            )
            return new Map(rows.rows.map((row) => [String(row[0]), Number(row[1])]))
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
    /** Kills of the node alone, after which its writer exited by itself. */
    let nodeAloneKills = 0
    let startsWithSnapshot = 0
    /** Starts right after a kill that cut a snapshot write short, and how many of them had an older snapshot. */
    let startsAfterTornWrite = 0
    let olderSnapshotAfterTornWrite = 0
    /** Offers ringing when a life was killed, that the next life's re-armed timers expired. */
    let expiredAfterRestart = 0
    let previous: Awaited<ReturnType<typeof inspect>> | undefined
    /** The snapshot writes this cycle's kill cut short (id -> version); none before the first. */
    let tornByKill = new Map<string, number>()
    let cycles = 0
    // Go on past CYCLES (up to MAX_CYCLES) until a start has followed a kill that tore a write.
    for (let cycle = 0; cycle < CYCLES || (startsAfterTornWrite === 0 && cycle < MAX_CYCLES); cycle++) {
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
        if (tornByKill.size > 0) {
          // The write the kill cut short is never a start's base: every listed snapshot (the
          // newest is what a start takes) is older than it, so this start used an older one or
          // the log, and still came up with the log's state (checked above).
          startsAfterTornWrite += 1
          const newestListed = previous.listed[0]?.info.version ?? 0
          expect(newestListed, `cycle ${cycle}: a listed snapshot at or past the torn write`).toBeLessThan(
            Math.min(...tornByKill.values()),
          )
          if (previous.listed.length > 0) olderSnapshotAfterTornWrite += 1
        }
      }
      await child.waitFor((line) => line === "ready", 20_000)
      // Long enough for the writer to start and write (1 to 3 s), then at a random moment.
      await sleep(1_200 + Math.random() * 1_800)
      // The node's one writer process is running (it reports its start long before this).
      const writers = processesOf(worker)
      expect(writers, `cycle ${cycle}: writer processes of a running node`).toHaveLength(1)
      const killed = new Promise((resolve) => child.process.once("exit", resolve))
      // Two kills in three take the writer with the node, at the same moment, as a host or a
      // container going down does: the snapshot write in flight, if any, is cut short. Every third
      // kills the node alone: its writer ends its round (a whole snapshot, or none) and exits.
      if (killsWriterToo(cycle)) for (const pid of writers) process.kill(pid, "SIGKILL")
      child.process.kill("SIGKILL")
      await killed
      // Its writer exits by itself: no orphan writes snapshots after its node is gone. (Checked
      // before the node's output is drained: an orphan would hold the stderr it inherited.)
      expect(await goneWithin(worker, 5_000), `cycle ${cycle}: writers left by a killed node`).toEqual([])
      if (!killsWriterToo(cycle)) nodeAloneKills += 1
      expect(await child.exited, child.stderr()).toBeNull()
      for (const line of child.lines)
        if (line.startsWith("ack item ")) acked.add(line.slice("ack item ".length))

      const now = await inspect(url)
      // Chunks without a header that were not there after the previous kill: a write cut short by
      // this kill. (An earlier kill's stay until the next save prunes them: they do not count.)
      tornByKill = new Map([...now.torn].filter(([id]) => previous?.torn.has(id) !== true))
      if (tornByKill.size > 0) killedMidWrite += 1
      // Timers re-armed (rule 4): every offer still ringing when the previous life was killed has
      // ended in this life, most of those left alone by their expiry timer armed by a dead process.
      if (previous !== undefined) {
        const { ends } = offerEnds(now.events)
        const carried = [...ringing(previous.events)]
        expect(
          carried.filter((offerId) => !ends.has(offerId)),
          `cycle ${cycle}: offers left ringing by the previous life, still ringing`,
        ).toEqual([])
        const wasOpenAt = previous.events.length
        expiredAfterRestart += carried.filter((offerId) =>
          now.events.slice(wasOpenAt).some((e) => e._tag === "OfferExpired" && e.offerId === offerId),
        ).length
      }
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
      `snapshot crash test: ${cycles} kills (${nodeAloneKills} of the node alone, its writer exiting by itself), ` +
        `${killedMidWrite} while a snapshot was being written; ` +
        `${startsWithSnapshot} starts with a snapshot to start from; ${startsAfterTornWrite} starts right after ` +
        `a torn write (${olderSnapshotAfterTornWrite} from an older snapshot, the rest from the log); ` +
        `${acked.size} items acknowledged; ${final.events.length} events; ${final.listed.length} snapshots kept ` +
        `(newest at ${final.listed[0]?.info.version}); ${expired} offers expired by their timers, ` +
        `${expiredAfterRestart} of them left ringing by a killed life`,
    )
    expect(acked.size).toBeGreaterThan(CYCLES * 20)
    expect(startsWithSnapshot).toBeGreaterThan(CYCLES / 2)
    expect(killedMidWrite).toBeGreaterThan(0)
    expect(nodeAloneKills).toBeGreaterThan(0)
    expect(startsAfterTornWrite).toBeGreaterThan(0)
    expect(expired).toBeGreaterThan(0)
    expect(expiredAfterRestart).toBeGreaterThan(0)
    // Offers left alone expire once, across lives: no offer ends twice.
    expect(offerEnds(final.events).twice).toEqual([])
    // Bounded: the kept snapshots, and the chunks of the writes that were cut short, at most.
    expect(final.listed.length).toBeLessThanOrEqual(3)
  }, 300_000)
})
