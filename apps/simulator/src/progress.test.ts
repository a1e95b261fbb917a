import { describe, expect, it } from "vitest"
import { compact, formatProgress, ProgressBar, virtualTime, wallTime } from "./progress"

const HOUR = 3_600_000

const recorder = (isTTY: boolean) => {
  const writes: string[] = []
  return { isTTY, writes, write: (text: string) => void writes.push(text) }
}

describe("B7 progress bar", () => {
  it("the line: bar, percent, virtual time done of total, calls, events/s, ETA", () => {
    const line = formatProgress(
      { doneMs: 12 * HOUR, totalMs: 24 * HOUR, calls: 612_345, events: 2_400_000, elapsedMs: 2_000 },
      20,
    )
    expect(line).toBe(
      "[##########----------]  50.0%  12 h 00 min of 24 h 00 min  612,345 calls  1.2M events/s  ETA 2 s",
    )
  })

  it("ETA from the rate so far; unknown at the start; 'done in' at the end", () => {
    const quarter = formatProgress(
      { doneMs: 6 * HOUR, totalMs: 24 * HOUR, calls: 10, events: 50_000, elapsedMs: 60_000 },
      4,
    )
    expect(quarter).toBe("[#---]  25.0%  6 h 00 min of 24 h 00 min  10 calls  833 events/s  ETA 3 min 00 s")
    expect(formatProgress({ doneMs: 0, totalMs: HOUR, calls: 0, events: 0, elapsedMs: 0 }, 4)).toBe(
      "[----]   0.0%  0 min of 1 h 00 min  0 calls  - events/s  ETA ?",
    )
    expect(formatProgress({ doneMs: HOUR, totalMs: HOUR, calls: 3, events: 9, elapsedMs: 1500 }, 4)).toMatch(
      /^\[####\] 100\.0% .* done in 2 s$/,
    )
  })

  it("units", () => {
    expect([999, 45_300, 1_234_567].map(compact)).toEqual(["999", "45.3k", "1.2M"])
    expect([59_999, 90 * 60_000].map(virtualTime)).toEqual(["0 min", "1 h 30 min"])
    expect([400, 59_400, 185_000].map(wallTime)).toEqual(["0 s", "59 s", "3 min 05 s"])
  })

  it("on a terminal: redrawn in place at most every 100 ms, then a final line and one newline", () => {
    const stream = recorder(true)
    let now = 0
    const bar = new ProgressBar({ totalMs: HOUR, stream, clock: () => now })
    for (let i = 1; i <= 100; i++) {
      now += 10 // 1 s of wall time in all, an update every 10 ms
      bar.update(i * 36_000, i, i * 10)
    }
    expect(stream.writes).toHaveLength(10)
    expect(stream.writes.every((w) => w.startsWith("\r") && w.endsWith("\x1b[K"))).toBe(true)
    bar.done(HOUR, 100, 1000)
    bar.done(HOUR, 100, 1000)
    expect(stream.writes.slice(-2)).toEqual([expect.stringContaining("100.0%"), "\n"])
    expect(stream.writes.filter((w) => w === "\n")).toHaveLength(1)
  })

  it("not a terminal: nothing at all, unless forced (then plain lines)", () => {
    const quiet = recorder(false)
    const off = new ProgressBar({ totalMs: HOUR, stream: quiet, clock: () => 1000 })
    off.update(1000, 1, 1)
    off.done(HOUR, 1, 1)
    expect(off.enabled).toBe(false)
    expect(quiet.writes).toEqual([])
    const log = recorder(false)
    let now = 0
    const forced = new ProgressBar({ totalMs: HOUR, stream: log, force: true, clock: () => now })
    now = 500
    forced.update(HOUR / 2, 1, 1)
    forced.done(HOUR, 2, 2)
    expect(log.writes).toHaveLength(2)
    expect(log.writes.every((w) => w.endsWith("\n") && !w.includes("\r"))).toBe(true)
  })
})
