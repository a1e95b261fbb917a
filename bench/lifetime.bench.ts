/**
 * Lifeline lives for years (issue 22, Must show; SPEC N5): a node's start, memory and reads at
 * three ages of its store, each 4x the previous. Run with `pnpm bench:lifetime` from the
 * repository root (it builds the server bundle, bundles this file and runs it).
 *
 * Each store is an embedded libSQL file holding the center stream of the simulator's big center
 * (examples/big-day.json: 1,000 reps, 100 queues, ~370,000 events per virtual hour), written as
 * the simulator runs (a worker thread simulates, this thread appends 5,000 events at a time, so
 * the log is never held in memory), the smaller files being prefixes of the larger. Each is then
 * left as a running node leaves it: every read model's checkpoint caught up (their projectors
 * from packages/adapters/src/readmodels, as the API runs them) and a snapshot at its end
 * (snapshot/take.ts, as the snapshot worker writes it). No timer is stored: the log's times are in
 * January 2025, and a node on the system clock would fire them all at start; the timer table
 * holds what is pending now, whatever the log's age.
 *
 * Then, per file, the real built server (`node apps/api/dist/server.mjs`, its settings in the
 * environment) is started and measured: from spawn to `/readyz` ready, its RSS then and after the
 * page requests (the larger is judged), history pages (100 rows, by queue and by a 15-minute
 * arrival window, BENCH_LIFETIME_REQUESTS each, 200 unless set) p50/p99, one virtual day's CSV
 * export (rows/s, the node's peak RSS sampled every 20 ms), the file's size. A node's RSS is the
 * sum of VmRSS (/proc/<pid>/status) over the server process and its child processes, recursively
 * (/proc/<pid>/task/<tid>/children): the snapshot writer runs in a child process, and its memory
 * is the node's.
 *
 * Sizes: BENCH_LIFETIME_EVENTS (the smallest, 250,000 unless set), then 4x and 16x it. With
 * 125,000 (up to 2 M) the whole run took 341 s on 2 busy cores, the work growing with the largest
 * size: 4 M about twice that; the issue's 0.5 / 2 / 8 M (500000) about four times, over 15 minutes. The files
 * go to a temp folder, removed at the end, or to BENCH_LIFETIME_DIR (kept: to try `admin archive`
 * on them, say).
 */
import { type ChildProcess, spawn } from "node:child_process"
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs"
import { availableParallelism, loadavg, tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads"
import { Effect } from "effect"
import { runSimulation } from "../apps/simulator/src/run"
import { loadScenarioFile } from "../apps/simulator/src/scenario-file"
import { makeLibsqlReadModels } from "../packages/adapters/src/readmodels/read-models"
import { makeLibsqlStore } from "../packages/adapters/src/store/libsql/libsql-store"
import { openDatabase } from "../packages/adapters/src/store/libsql/open"
import { centerFold, takeSnapshot } from "../packages/adapters/src/store/snapshot/take"
import type { CenterEvent } from "../packages/core/src/center/events"
import { CENTER_STREAM } from "../packages/core/src/center/service"

const MIGRATIONS = resolve("packages/adapters/drizzle")
const SERVER = resolve("apps/api/dist/server.mjs")
const SMALLEST = Number(process.env.BENCH_LIFETIME_EVENTS ?? "250000")
const SIZES = [SMALLEST, 4 * SMALLEST, 16 * SMALLEST]
const REQUESTS = Number(process.env.BENCH_LIFETIME_REQUESTS ?? "200")
/** Events per append, and per message from the simulating thread. */
const BATCH = 5_000
/** Batches the simulating thread may be ahead of the appends. */
const AHEAD = 4
const KEY = "bench-lifetime-admin-key"
const HOUR = 3_600_000
const DAY = 24 * HOUR

const TARGETS = { readyMs: 2_000, rssMb: 300, growth: 1.25, pageP99Ms: 50 }

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN
const verdict = (ok: boolean) => (ok ? "PASS" : "MISS")

// ---------------------------------------------------------------------------------------------
// The simulating thread: the big center's core events, as JSON, in batches, at most AHEAD ahead.
// ---------------------------------------------------------------------------------------------

interface SimJob {
  readonly events: number
  readonly credit: SharedArrayBuffer
}
type SimMessage =
  | { readonly _tag: "Batch"; readonly lines: readonly string[]; readonly lastAt: number }
  | { readonly _tag: "Done" }

/** Thrown by the sink to stop the run once it gave enough events. */
class Enough extends Error {}

const simulate = (job: SimJob) => {
  const credit = new Int32Array(job.credit)
  let lines: string[] = []
  let lastAt = 0
  let sent = 0
  const post = () => {
    // Wait while the appending thread is AHEAD batches behind.
    for (let ahead = Atomics.load(credit, 0); ahead >= AHEAD; ahead = Atomics.load(credit, 0))
      Atomics.wait(credit, 0, ahead, 1_000)
    Atomics.add(credit, 0, 1)
    parentPort?.postMessage({ _tag: "Batch", lines, lastAt } satisfies SimMessage)
    sent += lines.length
    lines = []
  }
  const marker = ',"core":'
  try {
    runSimulation({
      seed: 1,
      // ~370,000 events per virtual hour; the sink stops the run when it has enough.
      hours: Math.ceil(job.events / 300_000) + 1,
      scenario: loadScenarioFile(resolve("apps/simulator/examples/big-day.json")),
      events: {
        line: (json) => {
          const at = json.indexOf(marker)
          if (at < 0) return
          lines.push(json.slice(at + marker.length, -1))
          lastAt = Number(json.slice(6, at))
          if (lines.length === BATCH) post()
          if (sent >= job.events) throw new Enough()
        },
        close: () => {},
      },
    })
  } catch (error) {
    if (!(error instanceof Enough)) throw error
  }
  if (lines.length > 0) post()
  parentPort?.postMessage({ _tag: "Done" } satisfies SimMessage)
}

// ---------------------------------------------------------------------------------------------
// The appending thread: the files filled, caught up and snapshotted.
// ---------------------------------------------------------------------------------------------

interface Filled {
  readonly url: string
  readonly path: string
  readonly events: number
  readonly firstAt: number
  readonly lastAt: number
}

/** The simulating thread's events, taken a few at a time; none once it is done. */
const simulationFeed = (events: number) => {
  const credit = new SharedArrayBuffer(4)
  const ahead = new Int32Array(credit)
  const worker = new Worker(new URL(import.meta.url), { workerData: { events, credit } satisfies SimJob })
  const inbox: SimMessage[] = []
  let wake: (() => void) | undefined
  let failure: unknown
  worker.on("message", (m: SimMessage) => {
    inbox.push(m)
    wake?.()
  })
  worker.on("error", (error) => {
    failure = error
    wake?.()
  })
  const message = async (): Promise<SimMessage> => {
    while (inbox.length === 0) {
      if (failure !== undefined) throw failure
      await new Promise<void>((done) => {
        wake = done
      })
    }
    return inbox.shift() as SimMessage
  }
  let buffered: CenterEvent[] = []
  let lastAt = 0
  let done = false
  return {
    /** At most `n` events, in order, and the virtual time of the last one. */
    take: async (n: number) => {
      while (buffered.length === 0 && !done) {
        const m = await message()
        if (m._tag === "Done") done = true
        else {
          buffered = m.lines.map((line) => JSON.parse(line) as CenterEvent)
          lastAt = m.lastAt
          Atomics.sub(ahead, 0, 1)
          Atomics.notify(ahead, 0)
        }
      }
      const events = buffered.slice(0, n)
      buffered = buffered.slice(n)
      return { events, lastAt }
    },
    close: () => worker.terminate(),
  }
}

type Feed = ReturnType<typeof simulationFeed>

/** Append the feed's next events to the file until it holds `to`; the time of the last one. */
const grow = (url: string, from: number, to: number, feed: Feed) =>
  Effect.scoped(
    Effect.gen(function* () {
      const store = yield* makeLibsqlStore(url, { migrationsFolder: MIGRATIONS })
      let [version, firstAt, lastAt] = [from, Number.NaN, 0]
      while (version < to) {
        const taken = yield* Effect.promise(() => feed.take(Math.min(BATCH, to - version)))
        if (taken.events.length === 0) break
        yield* store.append(CENTER_STREAM, version, taken.events, [])
        if (Number.isNaN(firstAt)) firstAt = (taken.events[0] as { at?: number }).at ?? taken.lastAt
        version += taken.events.length
        lastAt = taken.lastAt
      }
      return { version, firstAt, lastAt }
    }),
  )

/**
 * The files, each the next one's prefix: the smallest is filled and settled, copied, and the copy
 * grown to the next size and settled (its read models and snapshot carry on from the copy's), so
 * the work is that of the largest file alone.
 */
const fillAll = async (paths: readonly string[]) => {
  const feed = simulationFeed(16 * SMALLEST)
  const files: Filled[] = []
  try {
    let [version, firstAt] = [0, Number.NaN]
    for (const [i, path] of paths.entries()) {
      const previous = paths[i - 1]
      // A kept folder may hold an earlier run's files.
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true })
      if (previous !== undefined)
        for (const suffix of ["", "-wal"])
          if (existsSync(`${previous}${suffix}`)) copyFileSync(`${previous}${suffix}`, `${path}${suffix}`)
      const url = `file:${path}`
      const t0 = performance.now()
      const grown = await Effect.runPromise(grow(url, version, SIZES[i] ?? 0, feed))
      const t1 = performance.now()
      await Effect.runPromise(settle(url))
      version = grown.version
      if (Number.isNaN(firstAt)) firstAt = grown.firstAt
      files.push({ url, path, events: version, firstAt, lastAt: grown.lastAt })
      console.log(
        `  ${fmt(version)} events (${fmt((grown.lastAt - firstAt) / HOUR, 1)} virtual hours): ` +
          `simulated and stored in ${fmt((t1 - t0) / 1000)} s, read models caught up and a snapshot written in ${fmt((performance.now() - t1) / 1000)} s`,
      )
    }
  } finally {
    await feed.close()
  }
  return files
}

/** As a running node leaves the file: every read model caught up, a snapshot at the log's end. */
const settle = (url: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const client = yield* openDatabase(url, { migrationsFolder: MIGRATIONS })
      const models = yield* makeLibsqlReadModels(client, { batchEvents: BATCH })
      yield* models.history.catchUp
      yield* models.audit.catchUp
      yield* models.deliveries.catchUp
      yield* models.operatorLog.catchUp
      const store = yield* makeLibsqlStore(url, { migrationsFolder: MIGRATIONS })
      yield* takeSnapshot(store, centerFold, undefined, Date.now())
    }),
  )

// ---------------------------------------------------------------------------------------------
// The server, measured.
// ---------------------------------------------------------------------------------------------

/** One process's resident memory, in kB (/proc/<pid>/status VmRSS). */
const vmRssKb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN)
}

/** The processes `pid` started (any of its threads may have), from /proc/<pid>/task/<tid>/children. */
const childPids = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean).map(Number),
  )

/** A process's resident memory and its children's, recursively, in kB. */
const treeKb = (pid: number): number => vmRssKb(pid) + childPids(pid).reduce((sum, c) => sum + childKb(c), 0)
/** A child that exits while it is read counts as nothing. */
const childKb = (pid: number) => {
  try {
    return treeKb(pid)
  } catch {
    return 0
  }
}

/**
 * The node's memory: the server process's RSS plus its children's (the snapshot writer is a child
 * process: its memory is the node's too).
 */
const rssMb = (pid: number) => treeKb(pid) / 1024

/** Start the built server on the file; resolves once /readyz says ready. */
const startServer = async (file: Filled) => {
  const started = performance.now()
  const child = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH ?? "",
      LIFELINE_DB_URL: file.url,
      LIFELINE_API_KEYS: `${KEY}=admin:bench`,
      PORT: "0",
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  })
  const log: string[] = []
  let stderr = ""
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr += c
  })
  const url = await new Promise<string>((done, fail) => {
    let partial = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n")
      partial = parts.pop() ?? ""
      for (const line of parts) {
        log.push(line)
        const listening = /"msg":"listening".*"url":"([^"]+)"/.exec(line)
        if (listening?.[1] !== undefined) done(listening[1])
      }
    })
    child.on("exit", (code) =>
      fail(new Error(`server exited (${code}) before listening: ${stderr}${log.join("\n")}`)),
    )
  })
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}${log.slice(-5).join("\n")}`)
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ready) break
    await new Promise((r) => setTimeout(r, 10))
  }
  const readyMs = performance.now() - started
  return { child, url, readyMs, rssMb: rssMb(child.pid ?? 0), log }
}

const stopServer = (child: ChildProcess) =>
  new Promise<void>((done) => {
    child.once("exit", () => done())
    child.kill("SIGTERM")
  })

/** A small deterministic generator: the same requests every run. */
const seeded = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
  return seed / 2_147_483_648
}

/** `count` GET requests, one after another; each one's milliseconds, sorted. */
const timed = async (url: string, paths: () => string, count: number) => {
  const ms: number[] = []
  for (let i = 0; i < count; i++) {
    const start = performance.now()
    const res = await fetch(`${url}${paths()}`, { headers: { authorization: `Bearer ${KEY}` } })
    const body = (await res.json()) as unknown[]
    ms.push(performance.now() - start)
    if (res.status !== 200 || !Array.isArray(body)) throw new Error(`history page: ${res.status}`)
  }
  return ms.sort((a, b) => a - b)
}

/** One virtual day's export, streamed and counted; the node's RSS sampled meanwhile. */
const exportDay = async (url: string, pid: number, from: number) => {
  let peak = rssMb(pid)
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid))
  }, 20)
  const start = performance.now()
  const query = `from=${new Date(from).toISOString()}&to=${new Date(from + DAY).toISOString()}`
  const res = await fetch(`${url}/api/history/export.csv?${query}`, {
    headers: { authorization: `Bearer ${KEY}` },
  })
  let lines = 0
  for await (const chunk of res.body ?? []) for (const byte of chunk as Uint8Array) if (byte === 10) lines++
  const seconds = (performance.now() - start) / 1000
  clearInterval(sampler)
  return { rows: lines - 1, seconds, peakMb: Math.max(peak, rssMb(pid)) }
}

const fileMb = (path: string) =>
  [path, `${path}-wal`].reduce((sum, p) => sum + (existsSync(p) ? statSync(p).size : 0), 0) / 1e6

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

/** Starts per size (the median is judged: one start on a busy machine says little). */
const STARTS = 3
/** Requests before the timed ones: the first after a start pay for the JIT, not the query. */
const WARMUP = 20

const measure = async (file: Filled) => {
  const starts: number[] = []
  const rss: number[] = []
  for (let i = 1; i < STARTS; i++) {
    const node = await startServer(file)
    starts.push(node.readyMs)
    rss.push(node.rssMb)
    await stopServer(node.child)
  }
  const node = await startServer(file)
  starts.push(node.readyMs)
  rss.push(node.rssMb)
  const pid = node.child.pid ?? 0
  const random = seeded(file.events)
  const byQueue = () => `/api/history?limit=100&queueId=q${1 + Math.floor(random() * 100)}`
  const span = Math.max(1, file.lastAt - file.firstAt - HOUR / 4)
  const byTime = () => {
    const from = file.firstAt + Math.floor(random() * span)
    return `/api/history?limit=100&from=${new Date(from).toISOString()}&to=${new Date(from + HOUR / 4).toISOString()}`
  }
  await timed(node.url, byQueue, WARMUP)
  await timed(node.url, byTime, WARMUP)
  const queuePages = await timed(node.url, byQueue, REQUESTS)
  const timePages = await timed(node.url, byTime, REQUESTS)
  const rssAfterPages = rssMb(pid)
  const day = await exportDay(node.url, pid, Math.floor(file.firstAt / DAY) * DAY)
  await stopServer(node.child)
  return {
    starts,
    readyMs: median(starts),
    rssMb: median(rss),
    byQueue: queuePages,
    byTime: timePages,
    rssAfterPages,
    day,
    dbMb: fileMb(file.path),
  }
}

type Measured = Awaited<ReturnType<typeof measure>> & { readonly file: Filled }

const report = (all: readonly Measured[]) => {
  console.log(
    `\n${"events".padStart(11)} ${"DB MB".padStart(7)} ${"ready ms".padStart(9)} ${"RSS MB ready/after".padStart(19)}` +
      ` ${"by queue p50/p99 ms".padStart(20)} ${"by time p50/p99 ms".padStart(19)} ${"export rows".padStart(12)} ${"rows/s".padStart(9)} ${"peak MB".padStart(8)}`,
  )
  for (const m of all)
    console.log(
      `${fmt(m.file.events).padStart(11)} ${fmt(m.dbMb).padStart(7)} ${fmt(m.readyMs).padStart(9)} ` +
        `${`${fmt(m.rssMb)} / ${fmt(m.rssAfterPages)}`.padStart(19)} ` +
        `${`${fmt(percentile(m.byQueue, 50), 1)} / ${fmt(percentile(m.byQueue, 99), 1)}`.padStart(20)} ` +
        `${`${fmt(percentile(m.byTime, 50), 1)} / ${fmt(percentile(m.byTime, 99), 1)}`.padStart(19)} ` +
        `${fmt(m.day.rows).padStart(12)} ${fmt(m.day.rows / m.day.seconds).padStart(9)} ${fmt(m.day.peakMb).padStart(8)}`,
    )
  const rss = (m: Measured) => Math.max(m.rssMb, m.rssAfterPages)
  const [small, large] = [all[0], all[all.length - 1]]
  if (small === undefined || large === undefined) return
  const pageP99 = Math.max(...all.flatMap((m) => [percentile(m.byQueue, 99), percentile(m.byTime, 99)]))
  console.log("\ntargets (issue 22):")
  const lines: [string, boolean][] = [
    [
      `ready <= ${fmt(TARGETS.readyMs)} ms at every size (slowest ${fmt(Math.max(...all.map((m) => m.readyMs)))} ms)`,
      all.every((m) => m.readyMs <= TARGETS.readyMs),
    ],
    [
      `RSS <= ${TARGETS.rssMb} MB at every size, ready or after the pages (largest ${fmt(Math.max(...all.map(rss)))} MB)`,
      all.every((m) => rss(m) <= TARGETS.rssMb),
    ],
    [
      `ready time at ${fmt(large.file.events)} within ${TARGETS.growth}x of ${fmt(small.file.events)} (${fmt(large.readyMs / small.readyMs, 2)}x)`,
      large.readyMs <= small.readyMs * TARGETS.growth,
    ],
    [
      `RSS at ${fmt(large.file.events)} within ${TARGETS.growth}x of ${fmt(small.file.events)} (${fmt(rss(large) / rss(small), 2)}x)`,
      rss(large) <= rss(small) * TARGETS.growth,
    ],
    [
      `history page p99 <= ${TARGETS.pageP99Ms} ms, by queue and by time (worst ${fmt(pageP99, 1)} ms)`,
      pageP99 <= TARGETS.pageP99Ms,
    ],
  ]
  for (const [line, ok] of lines) console.log(`  ${verdict(ok)}  ${line}`)
}

const bench = async (dir: string) => {
  if (!existsSync(SERVER))
    throw new Error(`no server bundle at ${SERVER}: run node scripts/build.mjs api first`)
  const t0 = performance.now()
  console.log(
    `lifetime benchmark: big-day center, ${SIZES.map((n) => fmt(n)).join(" / ")} events; load average ${loadavg()
      .map((l) => fmt(l, 1))
      .join(" ")} on ${availableParallelism()} cores`,
  )
  const files = await fillAll(SIZES.map((n) => join(dir, `center-${n}.db`)))
  const measured: Measured[] = []
  for (const file of files) {
    const m = await measure(file)
    measured.push({ ...m, file })
    console.log(
      `  measured ${fmt(file.events)} events: ready in ${m.starts.map((ms) => fmt(ms)).join(", ")} ms`,
    )
  }
  report(measured)
  console.log(
    `\n(whole run ${fmt((performance.now() - t0) / 1000)} s; load average now ${loadavg()
      .map((l) => fmt(l, 1))
      .join(" ")})`,
  )
}

if (isMainThread) {
  const kept = process.env.BENCH_LIFETIME_DIR
  if (kept !== undefined) mkdirSync(kept, { recursive: true })
  const dir = kept ?? mkdtempSync(join(tmpdir(), "lifeline-bench-lifetime-"))
  bench(dir)
    .catch((error: unknown) => {
      console.error(error)
      process.exitCode = 1
    })
    .finally(() => {
      if (kept === undefined) rmSync(dir, { recursive: true, force: true })
    })
} else simulate(workerData as SimJob)
