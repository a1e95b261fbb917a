import { type ChildProcess, fork } from "node:child_process"
import { existsSync } from "node:fs"
// Not named createRequire: the bundles' banner (scripts/build.mjs) declares that name at the top.
import { createRequire as requireFrom } from "node:module"
import { fileURLToPath, pathToFileURL } from "node:url"
import { SnapshotDecoder } from "@lifeline/core/ports"
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
   * The writer process's entry: this package's worker.ts (loaded through tsx) unless given. A
   * bundled node must name a bundle of worker.ts (its own `import.meta.url` is the bundle's).
   */
  readonly workerEntry?: string
}

export const DEFAULT_SNAPSHOT_SETTINGS: SnapshotSettings = { everyEvents: 20_000, everySeconds: 60 }

export interface SnapshotterOptions {
  readonly url: string
  readonly options: LibsqlStoreOptions
  readonly settings: SnapshotSettings
  /** Hears each report of the writer (a snapshot saved, a failed round). */
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

/**
 * tsx's loader for a TypeScript entry, found from the entry's own folder (the workspace's
 * node_modules), so it does not depend on the node's working directory.
 */
const tsxLoader = (entry: string) => {
  try {
    return pathToFileURL(requireFrom(entry).resolve("tsx")).href
  } catch {
    return "tsx"
  }
}

/**
 * The writer's process. Its Node options are its own, not the node's (a test runner's or a
 * memory limit's): none for a bundle, tsx's loader for TypeScript. The mark in its argv tells
 * worker.ts it is the entry, and names the process in `ps`. The job goes as the first message.
 */
const spawn = (entry: string, job: SnapshotWorkerJob): ChildProcess => {
  const execArgv = /\.[cm]?tsx?$/.test(entry) ? ["--import", tsxLoader(entry)] : []
  const child = fork(entry, [SNAPSHOT_WORKER_MARK], {
    execArgv,
    // Its stdout is not the node's log; its stderr (a crash's trace) is.
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    serialization: "json",
  })
  child.send(job)
  return child
}

/**
 * The writer stops with the scope: killed (a write it cuts short is never listed, and the next
 * save removes its chunks), and gone once it has exited.
 */
const stopWriter = (child: ChildProcess) =>
  Effect.callback<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    // This exit is asked for: not a failure to report.
    child.removeAllListeners("exit")
    child.once("exit", () => resume(Effect.void))
    // Unref'd, its exit would not keep the node's event loop alive while the scope waits for it.
    child.ref()
    child.kill("SIGKILL")
  })

/** A writer's report in the node's log (through Effect's logger: the API's JSON lines). */
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
 * The snapshot writer's process for as long as the scope lives (ARCHITECTURE rule 8): it folds
 * and encodes in its own process, every thread of it at the lowest priority, and writes through
 * its own client; the node only hears its reports, and logs them. It is an optimisation, never a
 * dependency: if it fails the node runs on, and starts from an older snapshot or the log. It never
 * keeps the node alive, and it exits when the node goes away, however it goes (worker.ts).
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
        const child = spawn(entry, job)
        child.on("message", hear)
        child.on("error", (error) => hear({ _tag: "Failed", message: error.message }))
        // It is not started again: from now on the node starts from older snapshots or the log.
        child.on("exit", (code, signal) =>
          hear({
            _tag: "Failed",
            message: `the snapshot writer exited (${code ?? signal}): snapshots are not written`,
          }),
        )
        // Neither the process nor its channel keeps the node alive by itself.
        child.unref()
        child.channel?.unref()
        return child
      }),
      (child) => (child === undefined ? Effect.void : stopWriter(child)),
    )
  })

/**
 * Snapshots for the center on a libSQL store: the engine reads them at start (the decoder), and
 * a writer process writes them, unless `everyEvents` is 0 (then only existing ones are read).
 */
export const CenterSnapshotsLive = (options: SnapshotterOptions) =>
  Layer.merge(
    Layer.succeed(SnapshotDecoder, centerSnapshotDecoder),
    options.settings.everyEvents > 0 ? Layer.effectDiscard(runSnapshotWorker(options)) : Layer.empty,
  )
