import { execFileSync, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { formatSummary } from "./report"
import { runSimulation } from "./run"
import { BUILT_IN_SCENARIO, type Scenario } from "./scenario"

const APP = fileURLToPath(new URL("..", import.meta.url))
const cliRun = (args: readonly string[]) =>
  execFileSync(process.execPath, ["--import", "tsx", "src/main.ts", ...args], { cwd: APP, encoding: "utf8" })

const report = (seed: number, hours = 2, scenario?: Scenario) =>
  formatSummary(runSimulation({ seed, hours, ...(scenario === undefined ? {} : { scenario }) }))

/** Far more reps than calls that can overlap: nobody should ever wait. */
const ample: Scenario = {
  ...BUILT_IN_SCENARIO,
  name: "ample",
  reps: Array.from({ length: 60 }, (_, i) => ({ repId: `rep-${i + 1}`, queues: ["billing", "support"] })),
}

describe("simulator", () => {
  it("same seed, byte-identical report", () => {
    expect(report(42)).toBe(report(42))
  })

  it("B7 the same scenario and seed write a byte-identical event log; another seed a different one", () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeline-sim-"))
    try {
      const printed: string[] = []
      const log = (seed: number, name: string) => {
        const path = join(dir, name)
        printed.push(cliRun(["run", "--seed", String(seed), "--hours", "2", "--events", path]))
        return readFileSync(path)
      }
      const hash = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex")
      const first = log(42, "a.jsonl")
      expect(hash(log(42, "b.jsonl"))).toBe(hash(first))
      // The CLI prints the same bytes as the library, run after run.
      expect(printed).toEqual([report(42, 2), report(42, 2)])
      expect(hash(log(43, "c.jsonl"))).not.toBe(hash(first))
      const lines = first
        .toString("utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l))
      expect(lines.some((l) => l.sim?._tag === "Arrival")).toBe(true)
      expect(lines.some((l) => l.core?._tag === "OfferAccepted")).toBe(true)
      expect(lines.some((l) => l.core?._tag === "ItemAbandoned")).toBe(true)
      // Every line carries its virtual time, in order.
      for (let i = 1; i < lines.length; i++) expect(lines[i].at).toBeGreaterThanOrEqual(lines[i - 1].at)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("B7 the CLI runs a scenario file and writes its plots; a bad file exits 2 naming the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeline-sim-"))
    try {
      const out = cliRun(["run", "examples/small-center.json", "--hours", "2", "--plots", dir])
      expect(out).toContain('scenario "small-center"')
      for (const name of ["waiting.svg", "service-level.svg"]) {
        expect(out).toContain(join(dir, name))
        expect(readFileSync(join(dir, name), "utf8")).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>\s*$/)
      }
      const bad = join(dir, "bad.json")
      const good = JSON.parse(readFileSync(join(APP, "examples/small-center.json"), "utf8"))
      good.queues[0].handleTime.mean = -1
      writeFileSync(bad, JSON.stringify(good))
      const refused = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts", "run", bad], {
        cwd: APP,
        encoding: "utf8",
      })
      expect(refused.status).toBe(2)
      expect(refused.stderr).toContain("queues[0].handleTime.mean")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("a different seed gives a different run", () => {
    expect(report(42)).not.toBe(report(43))
  })

  it("answers no more calls than were offered, with waits that make sense", () => {
    const summary = runSimulation({ seed: 7, hours: 4 })
    expect(summary.queues.map((q) => q.queueId)).toEqual(["billing", "support"])
    for (const q of summary.queues) {
      expect(q.offered).toBeGreaterThan(0)
      expect(q.answered).toBeLessThanOrEqual(q.offered)
      expect(q.asaMs).not.toBeNull()
      expect(q.asaMs ?? 0).toBeGreaterThanOrEqual(0)
      expect(q.maxWaitMs ?? 0).toBeGreaterThanOrEqual(q.asaMs ?? 0)
    }
  })

  it("with ample staffing every call is answered at once", () => {
    const summary = runSimulation({ seed: 7, hours: 4, scenario: ample })
    for (const q of summary.queues) {
      expect(q.offered).toBeGreaterThan(50)
      expect(q.answered).toBe(q.offered)
      expect(q.maxWaitMs).toBe(0)
    }
  })

  it("B7 impatient callers hang up through the core's AbandonItem; patient ones never do", () => {
    const short: Scenario = { ...BUILT_IN_SCENARIO, name: "short", reps: BUILT_IN_SCENARIO.reps.slice(0, 4) }
    const [billing, support] = runSimulation({ seed: 3, hours: 20, scenario: short }).queues
    expect(billing?.abandoned).toBeGreaterThan(0)
    expect(support?.abandoned).toBe(0)
    for (const q of [billing, support]) {
      expect((q?.answered ?? 0) + (q?.abandoned ?? 0)).toBeLessThanOrEqual(q?.offered ?? 0)
      expect(q?.serviceLevel ?? 2).toBeLessThanOrEqual(1)
    }
  })

  it("offered calls follow the scenario's arrival rates", () => {
    // 200 h: billing expects 8000 calls (sd ~90), support 4800 (sd ~70).
    const [billing, support] = runSimulation({ seed: 11, hours: 200, scenario: ample }).queues
    expect(billing?.offered).toBeGreaterThan(7600)
    expect(billing?.offered).toBeLessThan(8400)
    expect(support?.offered).toBeGreaterThan(4500)
    expect(support?.offered).toBeLessThan(5100)
  })
})
