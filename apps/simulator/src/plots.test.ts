import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { IntervalStats } from "./interval-stats"
import { drawReport, MAX_INTERVALS, MAX_QUEUES, renderSvg, reportCharts } from "./plots"
import {
  type IntervalReportFile,
  REPORT_JSON,
  singleRunTable,
  writeIntervalReport,
} from "./report/interval-table"
import type { Scenario } from "./scenario"

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

/** A report of two queues over an hour, with names that need escaping, written to a directory. */
const reportDir = (queueIds: readonly string[] = ["billing", "R&D <support>"]): string => {
  const s = new IntervalStats(queueIds, DAY0 + 8 * 60 * MIN, Q, 20_000)
  for (const [k, queueId] of queueIds.entries())
    for (let i = 0; i < 4; i++) {
      const at = DAY0 + 8 * 60 * MIN + i * Q + MIN
      for (let c = 0; c <= i + k; c++) {
        s.arrived(queueId, at)
        s.settled(queueId, at, c * 15_000, c < 3)
        s.talk(queueId, at, 5 * MIN)
      }
      s.waiting(queueId, at, i)
    }
  s.finish(DAY0 + 9 * 60 * MIN)
  const scenario: Scenario = {
    name: "small & busy",
    queues: queueIds.map((queueId) => ({
      queueId,
      name: queueId,
      assignment: "most_idle",
      meanInterArrivalMs: MIN,
      meanHandleMs: MIN,
    })),
    reps: queueIds.map((q, i) => ({ repId: `rep-${i}`, queues: [q] })),
  }
  const dir = mkdtempSync(join(tmpdir(), "plots-"))
  writeIntervalReport(dir, singleRunTable(scenario, s), 0.8)
  return dir
}

const readReport = (dir: string) =>
  JSON.parse(readFileSync(join(dir, REPORT_JSON), "utf8")) as IntervalReportFile

describe("issue 17 Build 3 charts (Vega-Lite, drawn from the report's files)", () => {
  it("writes every chart as well-formed SVG and as PNG: SL with the target line, volumes, ASA, occupancy, reps, waiting", async () => {
    const dir = reportDir()
    try {
      const written = await drawReport(dir)
      const names = ["service-level", "volumes", "asa", "occupancy", "reps-staffed", "waiting"]
      expect(written.map((p) => p.slice(dir.length + 1)).sort()).toEqual(
        names.flatMap((n) => [`${n}.png`, `${n}.svg`]).sort(),
      )
      for (const name of names) {
        const svg = readFileSync(join(dir, `${name}.svg`), "utf8")
        expect(checkXml(svg).problem, name).toBeNull()
        expect(svg, name).toContain("small &amp; busy")
        expect(svg, name).toContain("R&amp;D &lt;support&gt;")
        const png = readFileSync(join(dir, `${name}.png`))
        expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        const width = png.readUInt32BE(16)
        const height = png.readUInt32BE(20)
        const svgWidth = Number(/width="(\d+)"/.exec(svg)?.[1])
        expect(width).toBe(2 * svgWidth) // rendered at twice the SVG's size
        expect(height).toBeGreaterThan(200)
      }
      const sl = readFileSync(join(dir, "service-level.svg"), "utf8")
      expect(sl).toContain("target 80%")
      expect(sl).toContain("answered within 20 s")
      // the target rule: a dashed red line across the plot
      expect(sl).toMatch(
        /stroke="#d62728"[^>]*stroke-dasharray="6,4"|stroke-dasharray="6,4"[^>]*stroke="#d62728"/,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it("draws what the file says, not what the run had in memory", async () => {
    const dir = reportDir()
    try {
      const report = readReport(dir)
      const edited = {
        ...report,
        slTarget: 0.65,
        rows: report.rows.map((r) => ({ ...r, queue: r.queue.replace("billing", "sales") })),
        queues: report.queues.map((q) => ({ ...q, queueId: q.queueId.replace("billing", "sales") })),
      }
      writeFileSync(join(dir, REPORT_JSON), JSON.stringify(edited))
      await drawReport(dir)
      const sl = readFileSync(join(dir, "service-level.svg"), "utf8")
      expect(sl).toContain("target 65%")
      expect(sl).toContain("sales")
      expect(sl).not.toContain("billing")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it("the SL chart's points are the file's values; a queue beyond the tenth is left out and the title says so", async () => {
    const dir = reportDir(Array.from({ length: MAX_QUEUES + 2 }, (_, i) => `q${i + 1}`))
    try {
      const report = readReport(dir)
      const sl = reportCharts(report)[0]
      if (sl === undefined) throw new Error("no SL chart")
      type Layered = { layer: { data: { values: { queue: string; value: number }[] } }[] }
      const values = (sl.spec as Layered).layer[0]?.data.values ?? []
      expect(new Set(values.map((v) => v.queue)).size).toBe(MAX_QUEUES)
      const expected = report.rows
        .filter((r) => r.queue === "q1" && r.values.serviceLevel?.estimate !== null)
        .map((r) => r.values.serviceLevel?.estimate)
      expect(values.filter((v) => v.queue === "q1").map((v) => v.value)).toEqual(expected)
      const svg = await renderSvg(sl.spec)
      expect(svg).toContain(`first ${MAX_QUEUES} of ${MAX_QUEUES + 2} queues`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it("a run longer than a week of quarter hours: the chart shows its first week and says so", () => {
    const rows = Array.from({ length: MAX_INTERVALS + 28 }, (_, i) => ({
      queue: "q",
      start: new Date(DAY0 + i * Q).toISOString(),
      end: new Date(DAY0 + (i + 1) * Q).toISOString(),
      values: { serviceLevel: { estimate: 0.5, halfWidth: null } },
    }))
    const report = {
      scenario: "long",
      start: rows[0]?.start ?? "",
      intervalMinutes: 15,
      slThresholdSeconds: 20,
      slTarget: 0.8,
      replications: 1,
      confidence: 0.95,
      slCounts: "",
      columns: [],
      queues: [{ queueId: "q", name: "q" }],
      rows,
    } satisfies IntervalReportFile
    const spec = reportCharts(report)[0]?.spec as {
      title: { text: string }
      layer: { data: { values: unknown[] } }[]
    }
    expect(spec.layer[0]?.data.values).toHaveLength(MAX_INTERVALS)
    expect(spec.title.text).toContain(`first ${MAX_INTERVALS} of ${MAX_INTERVALS + 28} intervals`)
  })
})
