import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it, vi } from "vitest"
import { main } from "./cli/main"
import { parseReps } from "./replay-command"

/** The CLI's own entry in this process (as the bin runs it): its exit code and what it wrote on stderr. */
const cli = async (args: readonly string[]) => {
  const written: string[] = []
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    written.push(String(chunk))
    return true
  })
  try {
    return { status: await main(["replay", ...args]), stderr: written.join("") }
  } finally {
    spy.mockRestore()
  }
}

describe("lifeline-sim replay on the command line (issue 17 Build 5 and 6)", () => {
  it("N3 each bad option or path exits 2 naming it, without a stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeline-replay-cli-"))
    try {
      const export_ = join(dir, "history.csv")
      writeFileSync(export_, "itemId,queueId,arrivedAt,outcome,answeredAt,endedAt,handleMs,kind\r\n")
      const cases: [readonly string[], string][] = [
        [
          ["--day", "2025-01-06", "--store", "file:/nonexistent/lifeline.db", "--reps", "a=1"],
          "/nonexistent/lifeline.db",
        ],
        [["--day", "2025-13-01", "--history", export_, "--reps", "a=1"], "--day"],
        [["--day", "2025-01-06"], "--store and --history"],
        [["--day", "2025-01-07", "--history", export_, "--reps", "a=1"], "no calls arrived on 2025-01-07"],
      ]
      for (const [args, named] of cases) {
        const out = await cli(args)
        expect({ args, status: out.status }).toEqual({ args, status: 2 })
        expect(out.stderr).toContain(named)
        expect(out.stderr).not.toMatch(/\n\s+at /)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("--reps takes queue=count pairs", () => {
    expect([...parseReps("billing=4,support=0")]).toEqual([
      ["billing", 4],
      ["support", 0],
    ])
    for (const bad of ["billing=-1", "billing", "billing=", "=2", "a=1=2"])
      expect(() => parseReps(bad)).toThrow(`'${bad}' is not queue=count`)
  })
})
