import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { normaliseArgs } from "./main"

const APP = fileURLToPath(new URL("../..", import.meta.url))
const cli = (args: readonly string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/main.ts", ...args], { cwd: APP, encoding: "utf8" })

/** Exit 2, the offending option or path named on stderr, and no stack trace. */
const refused = (args: readonly string[], named: string) => {
  const out = cli(args)
  expect({ args, status: out.status }).toEqual({ args, status: 2 })
  expect(out.stderr).toContain(named)
  expect(out.stderr).not.toMatch(/\n\s+at /)
  expect(out.stdout).toBe("")
}

describe("issue 17 the command line (Effect CLI)", () => {
  it("each unknown option, bad value or bad path exits 2 naming it", () => {
    refused(["run", "--aht", "5"], "--aht")
    refused(["run", "--thresholds", "1,2"], "--thresholds")
    refused(["validate", "--agents", "5"], "--agents")
    refused(["run", "--hours", "0"], "--hours")
    refused(["run", "--seed", "-1"], "--seed")
    refused(["run", "--confidence", "0.9"], "--confidence")
    refused(["run", "--warmup", "soon"], "--warmup")
    refused(["run", "--events", "/nonexistent/x.jsonl"], "/nonexistent/x.jsonl")
    refused(["run", "/nonexistent/scenario.json"], "/nonexistent/scenario.json")
    refused(["run", "--arrivals", "1000", "--events", "/tmp/x.jsonl"], "--events")
    // Ten processes, each loading tsx: slow on a shared machine.
  }, 240_000)

  it("without a command it runs, as before (pnpm's -- is no separator); --help lists the subcommands", () => {
    expect(normaliseArgs([])).toEqual(["run"])
    expect(normaliseArgs(["--", "--seed", "42"])).toEqual(["run", "--seed", "42"])
    expect(normaliseArgs(["examples/x.json"])).toEqual(["run", "examples/x.json"])
    expect(normaliseArgs(["validate", "--", "--arrivals", "2000"])).toEqual([
      "validate",
      "--arrivals",
      "2000",
    ])
    const help = cli(["--help"])
    expect(help.status).toBe(0)
    for (const command of ["run", "validate", "coverage", "whatif", "bench", "schema"])
      expect(help.stdout).toContain(command)
  }, 60_000)

  it("--hours takes what a scenario file takes (20,000 h), --arrivals stops the run; the report carries every interval", () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeline-sim-"))
    try {
      const out = cli(["run", "--hours", "20000", "--arrivals", "3000", "--warmup", "1h", "--json"])
      expect(out.status, out.stderr).toBe(0)
      const report = JSON.parse(out.stdout) as {
        arrivals: number
        warmupMs: number
        queues: { metrics: Record<string, { estimate: number | null; halfWidth: number | null }> }[]
      }
      expect(report.arrivals).toBe(3000)
      expect(report.warmupMs).toBe(3_600_000)
      for (const q of report.queues)
        for (const m of ["pWait", "asa", "meanWait", "serviceLevel", "pAbandon", "occupancy"])
          expect(typeof q.metrics[m]?.halfWidth).toBe("number")
      const text = cli(["run", "--replications", "4", "--hours", "4", "--confidence", "0.99"])
      expect(text.status, text.stderr).toBe(0)
      expect(text.stdout).toContain("99% intervals from 4 independent replications")
      expect(text.stdout).toMatch(/ASA\s+\d+\.\d+ ± \d+\.\d+ s/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
