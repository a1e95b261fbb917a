import { readlinkSync } from "node:fs"
import { constants, setPriority } from "node:os"
import { isMainThread, parentPort, workerData } from "node:worker_threads"
import type { CenterState } from "@lifeline/core"
import { Effect } from "effect"
import { makeLibsqlStore } from "../libsql/libsql-store"
import type { LibsqlStoreOptions } from "../libsql/open"
import { centerFold, type Folded, latestFolded, takeSnapshot } from "./take"

/**
 * The center's snapshot writer, in a worker thread of its own (issue 22, ARCHITECTURE rule 8):
 * it opens its own client on the node's store, folds the stored log forward with the pure core
 * (the same replay a start does) and writes a snapshot every `everyEvents` events or
 * `everyMs` (when there is anything new). The node's event loop never folds or encodes: it only
 * hears a short report per snapshot. See snapshotter.ts for the thread's owner.
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
      /** Whether the thread runs below the node's priority (Linux). */
      readonly lowered: boolean
    }
  | { readonly _tag: "Failed"; readonly message: string }

const report = (r: SnapshotReport) => parentPort?.postMessage(r)

/**
 * The snapshot writer yields the CPU to the node's commands (issue 22: command latency with
 * snapshots on within 10% of off). On Linux a nice value belongs to a thread, and
 * `/proc/thread-self` names this thread's id, so only this worker is lowered, not the node. Best
 * effort: elsewhere, or where it is refused, the worker runs at the node's priority.
 */
const yieldToCommands = (): boolean => {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").at(-1))
    if (!Number.isInteger(tid) || tid <= 0) return false
    setPriority(tid, constants.priority.PRIORITY_LOW)
    return true
  } catch {
    return false
  }
}

const run = (job: SnapshotWorkerJob) =>
  Effect.scoped(
    Effect.gen(function* () {
      const lowered = yieldToCommands()
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

if (!isMainThread && (workerData as Partial<SnapshotWorkerJob> | null)?.mark === SNAPSHOT_WORKER_MARK) {
  Effect.runPromise(run(workerData as SnapshotWorkerJob)).catch((error: unknown) => {
    report({ _tag: "Failed", message: error instanceof Error ? error.message : String(error) })
    process.exit(1)
  })
}
