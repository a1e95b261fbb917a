import { readdirSync } from "node:fs"
import { constants, setPriority } from "node:os"
import type { CenterState } from "@lifeline/core/center"
import { Effect } from "effect"
import { makeLibsqlStore } from "../libsql/libsql-store"
import type { LibsqlStoreOptions } from "../libsql/open"
import { centerFold, type Folded, latestFolded, takeSnapshot } from "./take"

/**
 * The center's snapshot writer, in a child process of its own (issue 22, ARCHITECTURE rule 8):
 * it opens its own client on the node's store, folds the stored log forward with the pure core
 * (the same replay a start does) and writes a snapshot every `everyEvents` events or
 * `everyMs` (when there is anything new). The node never folds or encodes: it only hears a short
 * report per snapshot over the IPC channel. See snapshotter.ts for the process's owner.
 *
 * A process, not a worker thread: a worker thread shares the node's V8 platform threads (GC
 * helpers), which run at the node's priority, so its heap work competed with the node's commands
 * on a 2-core machine even with the worker's own thread niced. A process has its own, and every
 * one of them is niced here.
 */

export const SNAPSHOT_WORKER_MARK = "lifeline-snapshot-worker"

export interface SnapshotWorkerJob {
  readonly mark: typeof SNAPSHOT_WORKER_MARK
  readonly url: string
  readonly options: LibsqlStoreOptions
  readonly everyEvents: number
  readonly everyMs: number
  /** How often the stream's version is looked at. */
  readonly pollMs: number
}

export type SnapshotReport =
  | {
      readonly _tag: "Saved"
      readonly version: number
      readonly events: number
      readonly ms: number
    }
  | {
      readonly _tag: "Started"
      readonly from: number
      /** Whether every thread of the writer's process runs below the node's priority (Linux). */
      readonly lowered: boolean
    }
  | { readonly _tag: "Failed"; readonly message: string }

/**
 * A report to the node. Once the node is gone the channel is too: a report then would fail
 * (EPIPE), and the writer exits as it does on `disconnect`.
 */
const report = (r: SnapshotReport) => {
  if (process.connected) process.send?.(r, undefined, undefined, (error) => error !== null && process.exit(0))
}

/** The last report, then exit once it has left (an exit right away may drop it). */
const failed = (message: string) => {
  const r: SnapshotReport = { _tag: "Failed", message }
  if (process.send === undefined || !process.connected) process.exit(1)
  process.send(r, () => process.exit(1))
}

/**
 * The snapshot writer yields the CPU to the node's commands (issue 22: command latency with
 * snapshots on within 10% of off). On Linux a nice value belongs to a thread, not a process: each
 * thread this process has now (`/proc/self/task`: the main thread, V8's platform threads, libuv's)
 * is lowered, and a thread created later inherits its creator's (lowered) value. Only this
 * process is touched, never the node. Best effort: elsewhere (no /proc), or where it is refused,
 * the writer runs at the node's priority.
 */
const yieldToCommands = (): boolean => {
  try {
    const tids = readdirSync("/proc/self/task").map(Number)
    for (const tid of tids) setPriority(tid, constants.priority.PRIORITY_LOW)
    return tids.length > 0
  } catch {
    return false
  }
}

const run = (job: SnapshotWorkerJob, lowered: boolean) =>
  Effect.scoped(
    Effect.gen(function* () {
      const store = yield* makeLibsqlStore(job.url, job.options)
      let folded: Folded<CenterState> = yield* latestFolded(store, centerFold)
      let lastAt = Date.now()
      report({ _tag: "Started", from: folded.saved, lowered })
      for (;;) {
        yield* Effect.sleep(`${job.pollMs} millis`)
        const version = yield* store.version(centerFold.stream)
        const due =
          version - folded.saved >= job.everyEvents ||
          (version > folded.saved && Date.now() - lastAt >= job.everyMs)
        if (!due) continue
        const started = performance.now()
        const before = folded.version
        const round = yield* Effect.result(takeSnapshot(store, centerFold, folded, Date.now()))
        lastAt = Date.now()
        if (round._tag === "Failure") {
          report({ _tag: "Failed", message: round.failure.message })
          // Start the next round from the stored snapshots again: this state may be half folded.
          folded = yield* latestFolded(store, centerFold)
          continue
        }
        folded = round.success.folded
        if (round.success.saved !== undefined) {
          report({
            _tag: "Saved",
            version: folded.version,
            events: folded.version - before,
            ms: Math.round(performance.now() - started),
          })
        }
      }
    }),
  )

const isJob = (message: unknown): message is SnapshotWorkerJob =>
  typeof message === "object" &&
  message !== null &&
  "mark" in message &&
  message.mark === SNAPSHOT_WORKER_MARK

/**
 * The writer's life, when this module is the entry of a process forked by snapshotter.ts (the mark
 * in its argv, an IPC channel): the job is the first message (the store's options may hold a
 * token: not in argv, which
 * any user of the machine can list). When the node goes away
 * (stopped, or SIGKILLed) the channel closes and the writer exits with it: no orphan writes on.
 * Imported anywhere else (the node's own bundle holds this module too), it does nothing.
 */
const main = () => {
  // First thing: every thread the process has started so far, before any work is done.
  const lowered = yieldToCommands()
  process.once("disconnect", () => process.exit(0))
  process.once("message", (job: unknown) => {
    if (!isJob(job)) return failed("the snapshot writer's first message is not its job")
    Effect.runPromise(run(job, lowered)).catch((error: unknown) =>
      failed(error instanceof Error ? error.message : String(error)),
    )
  })
}

if (process.send !== undefined && process.argv.includes(SNAPSHOT_WORKER_MARK)) main()
