import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const APP = fileURLToPath(new URL("../..", import.meta.url))
const cli = (args: readonly string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/main.ts", ...args], { cwd: APP, encoding: "utf8" })
const dir = mkdtempSync(join(tmpdir(), "lifeline-report-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const CHARTS = ["service-level", "volumes", "asa", "occupancy", "reps-staffed", "waiting"]

describe("issue 17 Builds 3 and 4 through the command line", () => {
  it("run --report writes the CSV, the JSON and the charts; --plots is the same; the summary is unchanged", () => {
    const out = join(dir, "run")
    const report = cli(["run", "--hours", "2", "--report", out, "--interval", "30m", "--target", "90/30"])
    expect(report.status, report.stderr).toBe(0)
    const plain = cli(["run", "--hours", "2"])
    // the printed summary is the plain run's (the threshold aside: --target 90/30 sets it to 30 s)
    expect(report.stdout.split("\n")[0]).toBe(plain.stdout.split("\n")[0])
    expect(report.stdout).toContain("SL 30.0 s")
    for (const file of [
      "intervals.csv",
      "intervals.json",
      ...CHARTS.flatMap((c) => [`${c}.svg`, `${c}.png`]),
    ])
      expect(report.stdout).toContain(`report: ${join(out, file)}`)
    const csv = readFileSync(join(out, "intervals.csv"), "utf8").trim().split("\n")
    expect(csv).toHaveLength(1 + 2 * 4) // two queues, four half hours
    const json = JSON.parse(readFileSync(join(out, "intervals.json"), "utf8")) as {
      intervalMinutes: number
      slTarget: number
      slThresholdSeconds: number
    }
    expect([json.intervalMinutes, json.slTarget, json.slThresholdSeconds]).toEqual([30, 0.9, 30])
    expect(readFileSync(join(out, "service-level.svg"), "utf8")).toContain("target 90%")

    const plots = cli(["run", "--hours", "1", "--plots", join(dir, "plots")])
    expect(plots.status, plots.stderr).toBe(0)
    expect(existsSync(join(dir, "plots", "service-level.png"))).toBe(true)
  }, 180_000)

  it("staff: the table, staffing.csv and .json, and the simulated day's interval report", () => {
    const out = join(dir, "staff")
    const staff = cli([
      "staff",
      "examples/forecast-double-hump.csv",
      "--shrinkage",
      "0.3",
      "--target",
      "80/20",
      "--replications",
      "4",
      "--out",
      out,
    ])
    expect(staff.status, staff.stderr).toBe(0)
    expect(staff.stdout).toContain("target 80% answered within 20 s, Erlang C, shrinkage 30%")
    expect(staff.stdout).toMatch(/sales\s+10:00–10:15\s+56\s+240\s+14\.93\s+19\s+28\s+83\.1%/)
    const csv = readFileSync(join(out, "staffing.csv"), "utf8").trim().split("\n")
    expect(csv[0]).toBe(
      "queue,interval_start,calls,aht_seconds,erlangs,required,scheduled,analytic_sl,simulated_sl,simulated_sl_hw,gap,check",
    )
    expect(csv).toHaveLength(1 + 80)
    expect(existsSync(join(out, "simulated", "intervals.csv"))).toBe(true)
    expect(existsSync(join(out, "simulated", "service-level.png"))).toBe(true)
  }, 180_000)

  it("a bad forecast row or option exits 2 naming the file, line and column (or the option)", () => {
    const bad = join(dir, "bad.csv")
    writeFileSync(bad, "interval_start,queue,calls,aht_seconds\n08:00,sales,12,240\n08:15,sales,many,240\n")
    const out = cli(["staff", bad])
    expect(out.status).toBe(2)
    expect(out.stderr).toContain(`${bad}:3: column 3 (calls): 'many' must be a number >= 0`)
    expect(out.stderr).not.toMatch(/\n\s+at /)
    const missing = cli(["staff", join(dir, "none.csv")])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain("none.csv")
    const interval = cli(["run", "--interval", "15m"])
    expect(interval.status).toBe(2)
    expect(interval.stderr).toContain("--interval: only with --report")
    const target = cli(["staff", "examples/forecast-double-hump.csv", "--target", "120/20"])
    expect(target.status).toBe(2)
    expect(target.stderr).toContain("--target")
  }, 180_000)
})
