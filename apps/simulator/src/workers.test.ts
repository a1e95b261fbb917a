import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { bigDay } from "./bench"
import { memorySink } from "./engine/event-log"
import { formatSummary } from "./report"
import { runSimulation } from "./run"
import { loadScenarioFile } from "./scenario-file"
import { twoCentersFile } from "./two-centers"
import { runOnThreads } from "./workers"

const APP = fileURLToPath(new URL("..", import.meta.url))
const MAIN = join(APP, "src", "main.ts")
const cli = (args: readonly string[]) =>
  execFileSync(process.execPath, ["--import", "tsx", "src/main.ts", ...args], { cwd: APP, encoding: "utf8" })

const dir = mkdtempSync(join(tmpdir(), "lifeline-workers-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const path = join(dir, "two-centers.json")
writeFileSync(path, JSON.stringify(twoCentersFile()))
const scenario = loadScenarioFile(path)

/** The summary as the CLI's --json prints it. */
const asJson = (summary: object) => JSON.parse(JSON.stringify({ ...summary, intervals: undefined }))

describe("B7 sub-centers on worker threads", () => {
  it("the CLI gives the same summary with 2 workers as with 1, and as the library in one thread, in lockstep", () => {
    const one = JSON.parse(cli(["run", path, "--workers", "1", "--json"]))
    const two = JSON.parse(cli(["run", path, "--workers", "2", "--json"]))
    expect(two).toEqual(one)
    expect(one).toEqual(asJson(runSimulation({ seed: 5, scenario })))
    expect(one).toEqual(asJson(runSimulation({ seed: 5, scenario, events: memorySink() })))
    expect(one.queues.map((q: { queueId: string }) => q.queueId)).toEqual([
      "billing",
      "sales",
      "support",
      "retention",
    ])
    // The printed table is the same bytes too.
    expect(cli(["run", path, "--workers", "2"])).toBe(formatSummary(runSimulation({ seed: 5, scenario })))
    // Three CLI runs through tsx: about 1.5 s each on an idle machine, more on a busy one.
  }, 30_000)

  it("with an event log, --workers runs in lockstep in one thread: the log is the library's, byte for byte", () => {
    const log = join(dir, "two.jsonl")
    cli(["run", path, "--workers", "2", "--events", log])
    const sink = memorySink()
    runSimulation({ seed: 5, scenario, events: sink })
    expect(readFileSync(log, "utf8")).toBe(sink.lines.map((l) => `${l}\n`).join(""))
  })

  it("worker threads started from src/main.ts give the summary of one thread", async () => {
    const options = { seed: 9, hours: 1, scenario: bigDay(6) }
    const alone = runSimulation(options)
    expect(alone.calls).toBeGreaterThan(1000)
    // Two worker threads run all six components (this thread only merges); then this one and a worker.
    expect(await runOnThreads(options, 2, { entry: MAIN, workersOnly: true })).toEqual(alone)
    expect(await runOnThreads(options, 2, { entry: MAIN })).toEqual(alone)
    // Threads really start from the entry: one that does not exist fails the run.
    await expect(
      runOnThreads(options, 2, { entry: join(dir, "missing.cjs"), workersOnly: true }),
    ).rejects.toThrow()
  })

  it("bench prints the figure on the threads asked for; one thread and two give the same calls", () => {
    const figure = (workers: string) => {
      const out = cli(["bench", "--queues", "4", "--hours", "0.5", "--workers", workers])
      expect(out).toMatch(/target 1,500,000 calls in <= 10 s .*: (met|NOT met)/)
      return [
        ...out.matchAll(
          /Benchmark \(center core, (\d) threads?\): 4 queues, 40 reps, 0.5 h virtual: (\d+) calls/g,
        ),
      ].map((m) => ({ threads: m[1], calls: m[2] }))
    }
    const two = figure("2")
    const one = figure("1")
    expect(two.map((f) => f.threads)).toEqual(["2"])
    expect(one.map((f) => f.threads)).toEqual(["1"])
    expect(two[0]?.calls).toBe(one[0]?.calls)
  })
})
