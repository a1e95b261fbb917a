import { availableParallelism } from "node:os"
import { pathToFileURL } from "node:url"
import { isMainThread, parentPort, type ResourceLimits, Worker, workerData } from "node:worker_threads"
import { type IntervalReport, type MeasureOptions, measure } from "./measure"
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

/** A measured run (issue 17) in a thread of its own, whose heap is kept small. */
interface MeasureJob {
  readonly mark: typeof MARK
  readonly measure: MeasureOptions
}

type WorkerReply =
  | { readonly ok: true; readonly results: readonly ComponentResult[] }
  | { readonly ok: true; readonly report: IntervalReport }
  | { readonly ok: false; readonly error: string }

/** Whether this thread is a simulator worker (then the entry calls `workerMain` and nothing else). */
export const isSimWorker = (): boolean =>
  !isMainThread && (workerData as Partial<WorkerJob> | null)?.mark === MARK

/** A worker's whole life: run its components (or its measurement), post the results (or the error), end. */
export const workerMain = (): void => {
  const job = workerData as WorkerJob | MeasureJob
  let reply: WorkerReply
  try {
    reply =
      "measure" in job
        ? { ok: true, report: measure(job.measure) }
        : { ok: true, results: takeAndRun(job.plan, job.order, new Int32Array(job.next), job.core) }
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

const spawn = (job: WorkerJob | MeasureJob, entry: string, limits: ResourceLimits = {}): Worker => {
  const options = { workerData: job, resourceLimits: { ...resourceLimits(), ...limits } }
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
      if (reply.ok && "results" in reply) resolve(reply.results)
      else if (reply.ok) reject(new Error("simulator worker: a measurement where components were asked for"))
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

/**
 * The old generation of a measuring worker. A long run's live heap is small (about 20 MB for
 * M/M/10, under 64 MB for the 100-queue big day), but V8 lets the garbage of a heap without a
 * limit grow to a few hundred MB before it collects: a 10 M-arrival run peaked at 362 MB RSS
 * in this thread. In a worker with this limit the heap is collected sooner.
 */
export const MEASURE_OLD_GENERATION_MB = 64

/**
 * `measure` in a worker thread with a small heap (issue 17: memory stays flat with the run's
 * length), the same report as in this thread (the run is deterministic). A scenario whose live
 * state does not fit (the worker runs out of memory) is measured again in this thread, without
 * the limit. Cores other than the fast ones (a function) cannot cross threads: measured here.
 */
export const measureOnWorker = async (
  options: MeasureOptions,
  { entry = process.argv[1] }: { entry?: string | undefined } = {},
): Promise<IntervalReport> => {
  if (entry === undefined || (options.core !== undefined && typeof options.core !== "string"))
    return measure(options)
  const worker = spawn({ mark: MARK, measure: options }, entry, {
    maxOldGenerationSizeMb: MEASURE_OLD_GENERATION_MB,
  })
  const outcome = await new Promise<IntervalReport | "out of memory">((resolve, reject) => {
    let settled = false
    worker.once("message", (reply: WorkerReply) => {
      settled = true
      if (reply.ok && "report" in reply) resolve(reply.report)
      else reject(new Error(`simulator worker failed: ${reply.ok ? "no report" : reply.error}`))
    })
    worker.once("error", (error: Error & { code?: string }) => {
      settled = true
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY") resolve("out of memory")
      else reject(error)
    })
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`simulator worker exited with code ${code} before it reported`))
    })
  })
  return outcome === "out of memory" ? measure(options) : outcome
}
