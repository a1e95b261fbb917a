import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { TopLevelSpec } from "vega-lite"
import { type IntervalReportFile, REPORT_JSON } from "./report/interval-table"

/**
 * The interval report's charts (issue 17 Build 3), drawn FROM its files (intervals.json, read
 * back), never from a run's memory, with Vega-Lite: the spec is compiled to Vega and rendered
 * headless to SVG (`renderer: "none"`), and the SVG to PNG by resvg. Vega, Vega-Lite and resvg are
 * loaded only when a report is drawn. Each per-queue chart has one line per queue (at most
 * `MAX_QUEUES`), with its confidence interval as a bar when the report has replications.
 */

/**
 * Vega, Vega-Lite and resvg are imported by a name known only at run time, so esbuild leaves them
 * out of the CommonJS bundle (scripts/build.mjs, `pnpm bench:simulator`): vega-canvas awaits at its
 * top level and resvg is a native addon, and neither can go into it. They resolve from node_modules.
 */
const load = <T>(name: string): Promise<T> => import(name) as Promise<T>

/** More lines than this are not readable on one chart: the first ones are drawn, the title says so. */
export const MAX_QUEUES = 10
/** A chart shows at most this many intervals (a week of quarter hours); a longer run's are in its files. */
export const MAX_INTERVALS = 672
const WIDTH = 760
const HEIGHT = 260

export interface Chart {
  /** File name without extension. */
  readonly name: string
  readonly spec: TopLevelSpec
}

interface Point {
  readonly queue: string
  readonly start: string
  readonly value: number
  readonly lo: number | null
  readonly hi: number | null
}

const DAY_MS = 86_400_000

/** The time axis: clock times, with the weekday when the report spans more than a day. */
const timeAxis = (report: IntervalReportFile) => {
  const first = report.rows[0]?.start
  const last = report.rows[report.rows.length - 1]?.end
  const span = first === undefined || last === undefined ? 0 : Date.parse(last) - Date.parse(first)
  return {
    field: "start",
    type: "temporal",
    timeUnit: "utcyearmonthdatehoursminutes",
    title: "interval start (UTC, simulated)",
    axis: { format: span > DAY_MS ? "%a %H:%M" : "%H:%M" },
  } as const
}

const drawnQueues = (report: IntervalReportFile) => report.queues.slice(0, MAX_QUEUES).map((q) => q.queueId)

const intervalCount = (report: IntervalReportFile) => report.rows.length / Math.max(1, report.queues.length)

const shownNote = (report: IntervalReportFile) => {
  const notes = [
    report.queues.length > MAX_QUEUES ? `first ${MAX_QUEUES} of ${report.queues.length} queues` : "",
    intervalCount(report) > MAX_INTERVALS
      ? `first ${MAX_INTERVALS} of ${intervalCount(report)} intervals`
      : "",
  ].filter((n) => n !== "")
  return notes.length === 0 ? "" : ` (${notes.join(", ")})`
}

/** One column's value per drawn queue and interval, with its interval's ends when it has one. */
const pointsOf = (report: IntervalReportFile, id: string): Point[] => {
  const drawn = new Set(drawnQueues(report))
  const perQueue = intervalCount(report)
  return report.rows.flatMap((r, i) => {
    const v = r.values[id]
    if (!drawn.has(r.queue) || i % perQueue >= MAX_INTERVALS || v === undefined || v.estimate === null)
      return []
    const hw = v.halfWidth
    return [
      {
        queue: r.queue,
        start: r.start,
        value: v.estimate,
        lo: hw === null ? null : v.estimate - hw,
        hi: hw === null ? null : v.estimate + hw,
      },
    ]
  })
}

const subtitle = (report: IntervalReportFile) =>
  report.replications > 1
    ? `${report.replications} replications; bars: ${Math.round(report.confidence * 100)}% confidence intervals`
    : "one run"

interface PerQueue {
  readonly id: string
  readonly title: string
  readonly axis: string
  readonly format?: string
  readonly domain?: readonly [number, number]
  /** A dashed rule at this value (the SL target). */
  readonly target?: { readonly value: number; readonly label: string }
}

/** A line per queue over the intervals, its CI as bars, and an optional target rule. */
const perQueueChart = (report: IntervalReportFile, chart: PerQueue): TopLevelSpec => {
  const time = timeAxis(report)
  const y = {
    field: "value",
    type: "quantitative",
    title: chart.axis,
    ...(chart.format === undefined ? {} : { axis: { format: chart.format } }),
    ...(chart.domain === undefined ? {} : { scale: { domain: [...chart.domain] } }),
  } as const
  const colour = { field: "queue", type: "nominal", title: "queue", sort: drawnQueues(report) } as const
  const target =
    chart.target === undefined
      ? []
      : [
          {
            data: { values: [{ target: chart.target.value, label: chart.target.label }] },
            layer: [
              {
                mark: { type: "rule", color: "#d62728", strokeDash: [6, 4], strokeWidth: 1.5 },
                encoding: { y: { field: "target", type: "quantitative" } },
              },
              {
                mark: { type: "text", color: "#d62728", align: "right", dy: -6, x: "width" },
                encoding: { y: { field: "target", type: "quantitative" }, text: { field: "label" } },
              },
            ],
          },
        ]
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: `${report.scenario}: ${chart.title}${shownNote(report)}`, subtitle: subtitle(report) },
    width: WIDTH,
    height: HEIGHT,
    background: "white",
    layer: [
      {
        data: { values: pointsOf(report, chart.id) },
        layer: [
          {
            transform: [{ filter: "datum.lo != null" }],
            mark: { type: "rule", opacity: 0.5, clip: true },
            encoding: {
              x: time,
              y: { field: "lo", type: "quantitative" },
              y2: { field: "hi" },
              color: colour,
            },
          },
          { mark: { type: "line", point: true, clip: true }, encoding: { x: time, y, color: colour } },
        ],
      },
      ...target,
    ],
  } as TopLevelSpec
}

/** Offered, answered and abandoned per interval, a panel per drawn queue. */
const volumesChart = (report: IntervalReportFile): TopLevelSpec => {
  const time = timeAxis(report)
  const series = ["offered", "answered", "abandoned"]
  const values = series.flatMap((id) => pointsOf(report, id).map((p) => ({ ...p, series: id })))
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `${report.scenario}: calls per ${report.intervalMinutes} min by arrival interval${shownNote(report)}`,
      subtitle: subtitle(report),
    },
    background: "white",
    data: { values },
    mark: { type: "line", point: true },
    width: WIDTH,
    height: Math.round(HEIGHT / 2),
    encoding: {
      x: time,
      y: { field: "value", type: "quantitative", title: "calls" },
      color: { field: "series", type: "nominal", title: "calls", sort: series },
      row: { field: "queue", type: "nominal", title: null, sort: drawnQueues(report) },
    },
  } as TopLevelSpec
}

/** The report's charts: SL with the target, volumes, ASA, occupancy, reps staffed, calls waiting. */
export const reportCharts = (report: IntervalReportFile): readonly Chart[] => {
  const per = `per ${report.intervalMinutes} min`
  const pct = Math.round(report.slTarget * 100)
  return [
    {
      name: "service-level",
      spec: perQueueChart(report, {
        id: "serviceLevel",
        title: `service level ${per} (answered within ${report.slThresholdSeconds} s, by arrival interval)`,
        axis: "service level",
        format: "%",
        domain: [0, 1],
        target: { value: report.slTarget, label: `target ${pct}%` },
      }),
    },
    { name: "volumes", spec: volumesChart(report) },
    {
      name: "asa",
      spec: perQueueChart(report, { id: "asa", title: `ASA ${per} (answered calls)`, axis: "ASA (s)" }),
    },
    {
      name: "occupancy",
      spec: perQueueChart(report, {
        id: "occupancy",
        title: `occupancy ${per} (talk time / staffed rep time)`,
        axis: "occupancy",
        format: "%",
      }),
    },
    {
      name: "reps-staffed",
      spec: perQueueChart(report, { id: "repsStaffed", title: `reps staffed ${per}`, axis: "reps" }),
    },
    {
      name: "waiting",
      spec: perQueueChart(report, {
        id: "meanWaiting",
        title: `calls waiting ${per} (time-weighted mean)`,
        axis: "calls waiting",
      }),
    },
  ]
}

/** A Vega-Lite spec as SVG, headless. */
export const renderSvg = async (spec: TopLevelSpec): Promise<string> => {
  const [vegaLite, vega] = await Promise.all([
    load<typeof import("vega-lite")>("vega-lite"),
    load<typeof import("vega")>("vega"),
  ])
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

/** An SVG as PNG at twice its size (sharp on a screen), on white. */
export const renderPng = async (svg: string): Promise<Buffer> => {
  const { Resvg } = await load<typeof import("@resvg/resvg-js")>("@resvg/resvg-js")
  return new Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: 2 } }).render().asPng()
}

/** Reads `intervals.json` from `dir` and writes each chart there as SVG and PNG; their paths. */
export const drawReport = async (dir: string): Promise<string[]> => {
  const report = JSON.parse(readFileSync(join(dir, REPORT_JSON), "utf8")) as IntervalReportFile
  const written: string[] = []
  for (const chart of reportCharts(report)) {
    const svg = await renderSvg(chart.spec)
    const svgPath = join(dir, `${chart.name}.svg`)
    const pngPath = join(dir, `${chart.name}.png`)
    writeFileSync(svgPath, svg)
    writeFileSync(pngPath, await renderPng(svg))
    written.push(svgPath, pngPath)
  }
  return written
}
