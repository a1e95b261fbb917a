import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { getPriority, tmpdir } from "node:os"
import { join } from "node:path"
import { it } from "@effect/vitest"
import {
  CenterSnapshotsLive,
  decodeCenterState,
  LibsqlStoreLive,
  makeLibsqlStore,
  type SnapshotReport,
  SystemClockLive,
} from "@lifeline/adapters"
import {
  CENTER_STREAM,
  Center,
  type CenterEvent,
  CenterLive,
  emptyCenterState,
  replayCenter,
} from "@lifeline/core/center"
import { Snapshots } from "@lifeline/core/ports"
import { Effect, Layer, Result } from "effect"
import { afterAll, describe, expect } from "vitest"
import { apiLayer } from "../../apps/api/src/layers"
import { sameState } from "./same-state"

/**
 * Issue 22, ARCHITECTURE rule 8: snapshots are written by a writer process (its own libSQL client,
 * the core's replay, the codec; every thread of it niced), every N events or T seconds, never on
 * a command's path; the composition root (`apiLayer`) runs it when the settings ask for snapshots.
 */
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
const tempUrl = () => {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-snapshot-worker-"))
  dirs.push(dir)
  return `file:${join(dir, "lifeline.db")}`
}

/** The snapshot writers this process started and that are still running (Linux: from /proc). */
const writers = (): number[] =>
  readdirSync(`/proc/${process.pid}/task`)
    .flatMap((tid) =>
      readFileSync(`/proc/${process.pid}/task/${tid}/children`, "utf8")
        .split(" ")
        .filter(Boolean)
        .map(Number),
    )
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("lifeline-snapshot-worker")
      } catch {
        return false
      }
    })

/** The nice value of each thread of a process (field 19 of /proc/<pid>/task/<tid>/stat). */
const threadNices = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8")
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])
  })

/** Reps, a queue, and calls that are offered, accepted and finished: a few hundred events. */
const traffic = (calls: number, prefix: string) =>
  Effect.gen(function* () {
    const center = yield* Center
    if ((yield* center.read((s) => s.routing.queues.size)) === 0) {
      const members = Array.from({ length: 10 }, (_, i) => `r${i}`)
      for (const repId of members)
        yield* center.execute({
          _tag: "RegisterRep",
          repId,
          name: repId,
          presenceId: "available",
          capacity: { voice: 1 },
        })
      yield* center.execute({
        _tag: "CreateQueue",
        queueId: "q",
        name: "Q",
        members,
        offerTimeoutMs: 600_000,
      })
    }
    for (let n = 0; n < calls; n++) {
      const itemId = `${prefix}-${n}`
      const events = yield* center.execute({ _tag: "EnqueueItem", itemId, queueId: "q" })
      const offer = events.find((e) => e._tag === "OfferMade")
      if (offer?._tag !== "OfferMade") continue
      yield* center.execute({ _tag: "AcceptOffer", offerId: offer.offerId, repId: offer.repId })
      yield* center.execute({ _tag: "CompleteWork", itemId, repId: offer.repId })
    }
  })

/** Every snapshot of the center on the file decodes to the replay of the log up to its version. */
const checkSnapshots = (url: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const store = yield* makeLibsqlStore(url)
      const { events } = yield* store.load<CenterEvent, never>(CENTER_STREAM)
      const listed = yield* store.list(CENTER_STREAM)
      for (const info of listed) {
        const payload = (yield* store.read(CENTER_STREAM, info.id)) ?? ""
        const decoded = decodeCenterState(payload, info)
        if (Result.isFailure(decoded)) throw new Error(decoded.failure)
        expect(
          sameState(decoded.success, replayCenter(emptyCenterState(), events.slice(0, info.version))),
        ).toBeUndefined()
      }
      return listed
    }),
  )

describe("the snapshot writer process (issue 22)", () => {
  it.live(
    "N1 rule 8 a writer process writes a snapshot every N events; each one is the log's state at its version; it ends with the scope",
    () =>
      Effect.gen(function* () {
        const url = tempUrl()
        const nodeNice = getPriority()
        const reports: SnapshotReport[] = []
        const node = CenterLive.pipe(
          Layer.provideMerge(
            Layer.mergeAll(
              LibsqlStoreLive(url),
              SystemClockLive,
              CenterSnapshotsLive({
                url,
                options: {},
                settings: { everyEvents: 150, everySeconds: 3_600 },
                onReport: (r) => reports.push(r),
              }),
            ),
          ),
        )
        const version = yield* Effect.scoped(
          Effect.provide(
            Effect.gen(function* () {
              yield* traffic(120, "a")
              const store = yield* Snapshots
              // The worker saw at least 150 new events: it writes, in its own time.
              yield* Effect.promise(async () => {
                for (let i = 0; i < 600 && !reports.some((r) => r._tag === "Saved"); i++)
                  await new Promise((r) => setTimeout(r, 100))
              })
              const saved = reports.find((r) => r._tag === "Saved")
              expect(saved, JSON.stringify(reports)).toBeDefined()
              if (process.platform === "linux") {
                // One writer, a process of its own (/proc lists it as this process's child), every
                // thread of it (V8's, libuv's, libSQL's, those started after it lowered itself)
                // at the lowest priority; this (the node's) thread is left as it was.
                const [writer] = writers()
                expect(writers()).toHaveLength(1)
                const nices = threadNices(writer ?? 0)
                expect(nices.length).toBeGreaterThan(1)
                expect(new Set(nices)).toEqual(new Set([19]))
                expect(getPriority()).toBe(nodeNice)
              }
              return (yield* store.list(CENTER_STREAM))[0]?.version ?? 0
            }),
            node,
          ),
        )
        expect(reports.filter((r) => r._tag === "Failed")).toEqual([])
        if (process.platform === "linux") {
          // It yields the CPU to the node's commands: every thread of it at the lowest priority.
          expect(reports.find((r) => r._tag === "Started")).toMatchObject({ lowered: true })
          // The scope closed: the writer is gone, nothing writes on.
          expect(writers()).toEqual([])
        }
        expect(version).toBeGreaterThanOrEqual(150)
        const listed = yield* checkSnapshots(url)
        expect(listed.length).toBeGreaterThan(0)
      }),
    90_000,
  )

  it.live(
    "N1 the composition root runs the worker when the settings ask for snapshots; a node restarted on that store runs on",
    () =>
      Effect.gen(function* () {
        const url = tempUrl()
        const settings = {
          db: { url, options: {} },
          telephony: { _tag: "simulated" },
          mail: { _tag: "recording" },
          snapshots: { everyEvents: 100, everySeconds: 1 },
        } as const
        const listed = yield* Effect.scoped(
          Effect.provide(
            Effect.gen(function* () {
              yield* traffic(60, "b")
              const store = yield* Snapshots
              return yield* Effect.promise(async () => {
                for (let i = 0; i < 600; i++) {
                  const found = await Effect.runPromise(store.list(CENTER_STREAM))
                  if (found.length > 0) return found
                  await new Promise((r) => setTimeout(r, 100))
                }
                return []
              })
            }),
            apiLayer(settings),
          ),
        )
        expect(listed.length).toBeGreaterThan(0)
        yield* checkSnapshots(url)
        // A new life: the snapshot, the events after it, and more traffic on top.
        yield* Effect.scoped(Effect.provide(traffic(5, "c"), apiLayer(settings)))
        yield* checkSnapshots(url)
      }),
    90_000,
  )
})
