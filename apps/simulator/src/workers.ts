import { availableParallelism } from "node:os"
import { pathToFileURL } from "node:url"
import { isMainThread, parentPort, type ResourceLimits, Worker, workerData } from "node:worker_threads"
import { componentLoad, longestFirst } from "./partition"
import {
  type ComponentResult,
  mergeResults,
  planRun,
  type RunOptions,
  type RunPlan,
  runComponent,
  runSimulation,
  type Summary,
} from "./run"

/**
 * A run's independent components (partition.ts) spread over threads (SPEC B7). Each component
 * runs on its own core with its own seed and ids whichever thread runs it, so the summary is the
 * same as in one thread, byte for byte. The threads take the components one at a time, largest
 * expected load first, from a counter they share (so a thread slowed down by a busy machine or a
 * slow start simply takes fewer). Worker threads start from the program's own entry
 * (`process.argv[1]`: src/main.ts under tsx, or the esbuild bundle), whose `isSimWorker()` branch
 * runs `workerMain()` instead of the command line; results come back by structured clone.
 */

const MARK = "lifeline-sim-worker"

interface WorkerJob {
  readonly mark: typeof MARK
  readonly plan: RunPlan
  /** The components in the order they are taken, and the shared index of the next one to take. */
  readonly order: readonly number[]
  readonly next: SharedArrayBuffer
  readonly core: "center" | "routing"
}

/** Components taken one at a time from the shared counter until none is left, and run. */
const takeAndRun = (
  plan: RunPlan,
  order: readonly number[],
  next: Int32Array,
  core: "center" | "routing",
) => {
  const results: ComponentResult[] = []
  for (let i = Atomics.add(next, 0, 1); i < order.length; i = Atomics.add(next, 0, 1))
    results.push(runComponent(plan, order[i] as number, core))
  return results
}

type WorkerReply =
  | { readonly ok: true; readonly results: readonly ComponentResult[] }
  | { readonly ok: false; readonly error: string }

/** Whether this thread is a simulator worker (then the entry calls `workerMain` and nothing else). */
export const isSimWorker = (): boolean =>
  !isMainThread && (workerData as Partial<WorkerJob> | null)?.mark === MARK

/** A worker's whole life: run its components, post their results (or the error), end. */
export const workerMain = (): void => {
  const job = workerData as WorkerJob
  let reply: WorkerReply
  try {
    reply = { ok: true, results: takeAndRun(job.plan, job.order, new Int32Array(job.next), job.core) }
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }
  }
  parentPort?.postMessage(reply)
}

/** The threads `bench` uses by default: one per core, at most one per component. */
export const defaultThreads = (components: number): number =>
  Math.max(1, Math.min(availableParallelism(), components))

/** The young generation a worker gets: the process's `--max-semi-space-size`, as V8 sizes it (3×). */
const resourceLimits = (): ResourceLimits => {
  const flag = process.execArgv.find((a) => a.startsWith("--max-semi-space-size="))
  const mb = flag === undefined ? Number.NaN : Number(flag.slice("--max-semi-space-size=".length))
  return Number.isFinite(mb) && mb > 0 ? { maxYoungGenerationSizeMb: 3 * mb } : {}
}

const spawn = (job: WorkerJob, entry: string): Worker => {
  const options = { workerData: job, resourceLimits: resourceLimits() }
  if (!/\.[cm]?tsx?$/.test(entry)) return new Worker(entry, options)
  // Under `node --import tsx`, a worker does not inherit tsx's loader: register it, then load the entry.
  const code = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(entry).href)}) })`
  return new Worker(code, { ...options, eval: true })
}

const inWorker = (
  job: WorkerJob,
  entry: string,
): { readonly worker: Worker; readonly done: Promise<readonly ComponentResult[]> } => {
  const worker = spawn(job, entry)
  const done = new Promise<readonly ComponentResult[]>((resolve, reject) => {
    let settled = false
    worker.once("message", (reply: WorkerReply) => {
      settled = true
      if (reply.ok) resolve(reply.results)
      else reject(new Error(`simulator worker failed: ${reply.error}`))
    })
    worker.once("error", (error) => {
      settled = true
      reject(error)
    })
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`simulator worker exited with code ${code} before it reported`))
    })
  })
  // A rejection is awaited by the caller; until then it must not count as unhandled.
  done.catch(() => {})
  return { worker, done }
}

/**
 * `runSimulation` on up to `threads` threads, this one and worker threads, at most one per
 * component; each thread takes the next component not yet taken, largest offered load first.
 * Only a plain summary run goes to workers; with an event log, a step or outcome callback,
 * interval statistics, a core other than the fast ones, one thread or one component, this is
 * `runSimulation` itself. Worker threads start from `entry` (default: this program's), which
 * must call `workerMain()` when `isSimWorker()`, as src/main.ts does. With `workersOnly`, this
 * thread only waits and merges, and `threads` worker threads run the components (tests).
 */
export const runOnThreads = async (
  options: RunOptions,
  threads: number,
  {
    entry = process.argv[1],
    workersOnly = false,
  }: { entry?: string | undefined; workersOnly?: boolean } = {},
): Promise<Summary> => {
  const core = options.core ?? "center"
  const plain =
    options.events === undefined &&
    options.onStep === undefined &&
    options.onOutcome === undefined &&
    options.intervalMs === undefined &&
    typeof core === "string"
  const plan = planRun(options)
  const n = Math.min(threads, plan.components.length)
  if (!plain || typeof core !== "string" || n <= 1) return runSimulation(options)
  if (entry === undefined) throw new Error("workers: no program entry to start worker threads from")
  const order = longestFirst(plan.components.map((c) => componentLoad(c.scenario)))
  const next = new SharedArrayBuffer(4)
  // The workers start first and take components while this thread takes its own.
  const workers = Array.from({ length: workersOnly ? n : n - 1 }, () =>
    inWorker({ mark: MARK, plan, order, next, core }, entry),
  )
  try {
    const results = workersOnly ? [] : takeAndRun(plan, order, new Int32Array(next), core)
    for (const done of await Promise.all(workers.map((w) => w.done))) results.push(...done)
    return mergeResults(plan, results)
  } catch (error) {
    await Promise.all(workers.map((w) => w.worker.terminate()))
    throw error
  }
}
