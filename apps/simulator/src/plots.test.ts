import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import {
  clockLabel,
  IntervalStats,
  niceStep,
  serviceLevelByIntervalSvg,
  waitingOverTimeSvg,
  writePlots,
} from "./plots"
import { mulberry32 } from "./random"

const DAY0 = Date.UTC(2025, 0, 6)
const MIN = 60_000
const Q = 15 * MIN

/**
 * A small XML well-formedness check: one root, every tag closed in order, attributes quoted,
 * no raw '<' or '&' in text or attribute values other than entities. Returns the problem or null,
 * and the elements seen.
 */
const checkXml = (xml: string): { problem: string | null; elements: string[] } => {
  const stack: string[] = []
  const elements: string[] = []
  let roots = 0
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g
  const entity = /&(?!(amp|lt|gt|quot|apos|#\d+);)/
  for (let m = token.exec(xml); m !== null; m = token.exec(xml)) {
    const [, close, name, attrs, selfClose, text, stray] = m
    if (stray !== undefined) return { problem: `stray '<' at ${m.index}`, elements }
    if (text !== undefined) {
      if (entity.test(text)) return { problem: `raw '&' in text at ${m.index}`, elements }
      if (stack.length === 0 && text.trim() !== "") return { problem: "text outside the root", elements }
      continue
    }
    if (attrs !== undefined && entity.test(attrs))
      return { problem: `raw '&' in attributes of ${name}`, elements }
    if (close === "/") {
      if (stack.pop() !== name) return { problem: `</${name}> closes the wrong element`, elements }
      continue
    }
    elements.push(name as string)
    if (stack.length === 0) roots += 1
    if (selfClose !== "/") stack.push(name as string)
  }
  if (stack.length > 0) return { problem: `unclosed <${stack.join("><")}>`, elements }
  if (roots !== 1) return { problem: `${roots} root elements`, elements }
  return { problem: null, elements }
}

describe("B7 plots: the checker itself", () => {
  it("finds unclosed or misnested tags, raw ampersands and stray brackets", () => {
    expect(checkXml('<svg a="1"><g></g></svg>').problem).toBeNull()
    expect(checkXml("<svg><g></svg>").problem).not.toBeNull()
    expect(checkXml("<svg>a & b</svg>").problem).not.toBeNull()
    expect(checkXml("<svg>a < b</svg>").problem).not.toBeNull()
    expect(checkXml("<svg/><svg/>").problem).not.toBeNull()
  })
})

describe("B7 plots: SVG charts", () => {
  const series = [
    { name: "billing", points: [0, 1, 2, 3].map((i) => ({ x: DAY0 + 8 * 3_600_000 + i * Q, y: i * 2 })) },
    {
      name: "R&D <support>",
      points: [0, 1, 2, 3].map((i) => ({ x: DAY0 + 8 * 3_600_000 + i * Q, y: 5 - i })),
    },
  ]

  it("waiting over time: well-formed, a line per queue, names escaped, axes, title, clock labels", () => {
    const svg = waitingOverTimeSvg(series, { title: "Small center: calls waiting" })
    const { problem, elements } = checkXml(svg)
    expect(problem).toBeNull()
    expect(elements.filter((e) => e === "polyline")).toHaveLength(2)
    expect(svg).toContain("Small center: calls waiting")
    expect(svg).toContain("R&amp;D &lt;support&gt;")
    expect(svg).toContain(">billing<")
    expect(svg).toContain(">08:00<")
    expect(svg).toContain("calls waiting")
  })

  it("the legend is capped: 25 queues, 10 named, '+ 15 more', 25 lines drawn", () => {
    const many = Array.from({ length: 25 }, (_, q) => ({
      name: `q${q + 1}`,
      points: [
        { x: DAY0, y: q },
        { x: DAY0 + Q, y: q + 1 },
      ],
    }))
    const svg = waitingOverTimeSvg(many)
    expect(checkXml(svg).problem).toBeNull()
    expect(checkXml(svg).elements.filter((e) => e === "polyline")).toHaveLength(25)
    expect(svg).toContain("+ 15 more")
    const legendNames = [...svg.matchAll(/<text [^>]*>(q\d+)<\/text>/g)].map((m) => m[1])
    expect(legendNames).toEqual(Array.from({ length: 10 }, (_, q) => `q${q + 1}`))
    expect(svg).toContain("<title>q25</title>") // every line keeps its name as a tooltip
  })

  it("service level by interval: a bar per interval with calls, none for empty ones, the target line", () => {
    const intervals = [0.9, null, 0.5, 0.75].map((serviceLevel, i) => ({
      startAt: DAY0 + i * Q,
      endAt: DAY0 + (i + 1) * Q,
      serviceLevel,
    }))
    const svg = serviceLevelByIntervalSvg(intervals, { target: 0.8, thresholdSeconds: 20 })
    expect(checkXml(svg).problem).toBeNull()
    expect(svg).toContain("Service level by interval (answered within 20 s)")
    expect(svg).toContain("target 80%")
    expect(svg).toContain("00:30: 50.0%")
    expect(svg.match(/fill="#9ecae1"><title>/g)).toHaveLength(3)
  })

  it("empty input still gives a well-formed chart", () => {
    expect(checkXml(waitingOverTimeSvg([])).problem).toBeNull()
    expect(checkXml(serviceLevelByIntervalSvg([])).problem).toBeNull()
  })

  it("round ticks and day-aware clock labels", () => {
    expect([0.7, 7, 12, 48, 130].map((m) => niceStep(m))).toEqual([0.2, 2, 5, 10, 50])
    expect(clockLabel(DAY0 + 9.5 * 3_600_000, DAY0)).toBe("09:30")
    expect(clockLabel(DAY0 + 33 * 3_600_000, DAY0)).toBe("d2 09:00")
  })
})

describe("B7 interval statistics", () => {
  it("SL, ASA and abandons by the interval the call arrived in", () => {
    const s = new IntervalStats(["a", "b"], DAY0, Q, 20_000)
    s.arrived("a", DAY0 + MIN)
    s.settled("a", DAY0 + MIN, 10_000, true)
    s.arrived("a", DAY0 + 2 * MIN)
    s.settled("a", DAY0 + 2 * MIN, 40_000, true)
    s.arrived("a", DAY0 + 14 * MIN)
    s.settled("a", DAY0 + 14 * MIN, 90_000, false) // abandoned in the next interval, counted in its arrival's
    s.arrived("b", DAY0 + 16 * MIN)
    s.settled("b", DAY0 + 16 * MIN, 0, true)
    s.finish(DAY0 + 30 * MIN)
    const rows = s.rows()
    expect(rows.map((r) => [r.queueId, r.offered, r.answered, r.answeredWithin, r.abandoned])).toEqual([
      ["a", 3, 2, 1, 1],
      ["a", 0, 0, 0, 0],
      ["b", 0, 0, 0, 0],
      ["b", 1, 1, 1, 0],
    ])
    expect(rows[0]?.serviceLevel).toBeCloseTo(1 / 3, 12)
    expect(rows[0]?.asaMs).toBe(25_000)
    expect(rows[1]?.serviceLevel).toBeNull()
    expect(s.serviceLevels().map((x) => x.serviceLevel)).toEqual([1 / 3, 1])
  })

  it("the mean waiting is the time-weighted mean of the step function, checked second by second", () => {
    const random = mulberry32(17)
    const s = new IntervalStats(["q"], DAY0, Q, 20_000)
    const seconds = 3 * 15 * 60 // three intervals
    const level = new Array<number>(seconds).fill(0)
    let t = 0
    let current = 0
    while (t < seconds) {
      const next = Math.min(seconds, t + 1 + Math.floor(random() * 120))
      for (let i = t; i < next; i++) level[i] = current
      t = next
      if (t < seconds) {
        current = Math.floor(random() * 9)
        s.waiting("q", DAY0 + t * 1000, current)
      }
    }
    s.finish(DAY0 + seconds * 1000)
    const rows = s.rows()
    expect(rows).toHaveLength(3)
    for (const [i, row] of rows.entries()) {
      const slice = level.slice(i * 900, (i + 1) * 900)
      expect(row.meanWaiting).toBeCloseTo(slice.reduce((a, b) => a + b, 0) / 900, 9)
      expect(row.maxWaiting).toBe(Math.max(...slice))
    }
  })

  it("sampled once a minute, the mean waiting follows the true level within the sampling error", () => {
    const s = new IntervalStats(["q"], DAY0, Q, 20_000)
    // the true level: 4 from 00:00 to 00:07:30, 1 until 00:15, then 6; steps every 10 s
    const level = (t: number) => (t < 7.5 * MIN ? 4 : t < Q ? 1 : 6)
    let reads = 0
    for (let t = 0; t < 2 * Q; t += 10_000)
      s.sampleWaiting(DAY0 + t, () => {
        reads += 1
        return level(t)
      })
    s.finish(DAY0 + 2 * Q)
    expect(reads).toBe(30) // once a minute, not once a step
    const [first, second] = s.rows()
    expect(first?.meanWaiting).toBeCloseTo((7 * 4 + 1 * 4 + 7 * 1) / 15, 9) // the 07:00 sample still saw 4
    expect(second?.meanWaiting).toBe(6)
    // the series is a step per interval over the whole run
    expect(s.waitingSeries()[0]?.points).toEqual([
      { x: DAY0, y: 39 / 15 },
      { x: DAY0 + Q, y: 39 / 15 },
      { x: DAY0 + Q, y: 6 },
      { x: DAY0 + 2 * Q, y: 6 },
    ])
  })

  it("writePlots writes both charts, well-formed, with every queue", () => {
    const s = new IntervalStats(["billing", "support"], DAY0, Q, 20_000)
    s.waiting("billing", DAY0 + MIN, 3)
    s.arrived("support", DAY0 + 20 * MIN)
    s.settled("support", DAY0 + 20 * MIN, 5_000, true)
    s.finish(DAY0 + 60 * MIN)
    const dir = mkdtempSync(join(tmpdir(), "plots-"))
    const files = writePlots(dir, s, "small", { target: 0.8 })
    for (const file of files) {
      const svg = readFileSync(file, "utf8")
      expect(checkXml(svg).problem, file).toBeNull()
      expect(svg).toContain("billing")
      expect(svg).toContain("support")
    }
  })
})
