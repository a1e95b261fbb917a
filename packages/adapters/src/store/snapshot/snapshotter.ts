import { existsSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Worker } from "node:worker_threads"
import { SnapshotDecoder } from "@lifeline/core"
import { Effect, Layer, Queue } from "effect"
import type { LibsqlStoreOptions } from "../libsql/open"
import { centerSnapshotDecoder } from "./center-codec"
import { SNAPSHOT_WORKER_MARK, type SnapshotReport, type SnapshotWorkerJob } from "./worker"

/** When the center is written as a snapshot (issue 22): whichever comes first, with new events. */
export interface SnapshotSettings {
  /** After this many events since the last snapshot; 0 turns snapshot writing off. */
  readonly everyEvents: number
  /** After this long since the last snapshot, when there is any new event. */
  readonly everySeconds: number
  /**
   * The worker thread's entry: this package's worker.ts (loaded through tsx) unless given. A
   * bundled node must name a bundle of worker.ts (its own `import.meta.url` is the bundle's).
   */
  readonly workerEntry?: string
}

export const DEFAULT_SNAPSHOT_SETTINGS: SnapshotSettings = { everyEvents: 20_000, everySeconds: 60 }

export interface SnapshotterOptions {
  readonly url: string
  readonly options: LibsqlStoreOptions
  readonly settings: SnapshotSettings
  /** Hears each report of the worker (a snapshot saved, a failed round). */
  readonly onReport?: (report: SnapshotReport) => void
}

/**
 * Where the worker's code is: a `snapshot-worker.mjs` beside this module's file (a bundled node:
 * the build writes it next to the server bundle), else this package's worker.ts (the sources,
 * through tsx).
 */
const defaultEntry = () => {
  const bundled = fileURLToPath(new URL("./snapshot-worker.mjs", import.meta.url))
  return existsSync(bundled) ? bundled : fileURLToPath(new URL("./worker.ts", import.meta.url))
}

const spawn = (entry: string, job: SnapshotWorkerJob): Worker => {
  if (!/\.[cm]?tsx?$/.test(entry)) return new Worker(entry, { workerData: job })
  // A worker does not inherit tsx's loader: register it, then load the entry (as apps/simulator does).
  const code = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(entry).href)}) })`
  return new Worker(code, { workerData: job, eval: true })
}

/** A worker's report in the node's log (through Effect's logger: the API's JSON lines). */
const logReport = (report: SnapshotReport) => {
  switch (report._tag) {
    case "Saved":
      return Effect.logInfo("snapshot written", {
        version: report.version,
        events: report.events,
        ms: report.ms,
      })
    case "Started":
      return Effect.logDebug("snapshot writer started", { from: report.from, lowered: report.lowered })
    case "Failed":
      return Effect.logWarning("snapshot round failed", { reason: report.message })
  }
}

/**
 * The snapshot writer's worker thread for as long as the scope lives (ARCHITECTURE rule 8): it
 * folds and encodes on its own thread and writes through its own client; this thread only hears
 * its reports, and logs them. It is an optimisation, never a dependency: if it fails the node
 * runs on, and starts from an older snapshot or the log.
 */
export const runSnapshotWorker = (options: SnapshotterOptions) =>
  Effect.gen(function* () {
    const reports = yield* Queue.unbounded<SnapshotReport>()
    const hear = (report: SnapshotReport) => {
      options.onReport?.(report)
      Queue.offerUnsafe(reports, report)
    }
    yield* Effect.forkScoped(Effect.forever(Effect.flatMap(Queue.take(reports), logReport)))
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        const job: SnapshotWorkerJob = {
          mark: SNAPSHOT_WORKER_MARK,
          url: options.url,
          options: options.options,
          everyEvents: options.settings.everyEvents,
          everyMs: options.settings.everySeconds * 1_000,
          pollMs: Math.min(1_000, Math.max(50, options.settings.everySeconds * 250)),
        }
        const entry = options.settings.workerEntry ?? defaultEntry()
        if (!existsSync(entry)) {
          hear({ _tag: "Failed", message: `no snapshot worker at ${entry}: snapshots are not written` })
          return undefined
        }
        const worker = spawn(entry, job)
        worker.on("message", hear)
        worker.on("error", (error) => hear({ _tag: "Failed", message: error.message }))
        // Never keeps the process alive by itself.
        worker.unref()
        return worker
      }),
      (worker) => (worker === undefined ? Effect.void : Effect.promise(() => worker.terminate())),
    )
  })

/**
 * Snapshots for the center on a libSQL store: the engine reads them at start (the decoder), and
 * a worker thread writes them, unless `everyEvents` is 0 (then only existing ones are read).
 */
export const CenterSnapshotsLive = (options: SnapshotterOptions) =>
  Layer.merge(
    Layer.succeed(SnapshotDecoder, centerSnapshotDecoder),
    options.settings.everyEvents > 0 ? Layer.effectDiscard(runSnapshotWorker(options)) : Layer.empty,
  )
