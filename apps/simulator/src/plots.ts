import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { IntervalStats } from "./interval-stats"

export { type IntervalRow, type IntervalServiceLevel, IntervalStats } from "./interval-stats"

/**
 * Small hand-written SVG charts of a run (B7 plots): the waiting count over time per queue, and the
 * service level by interval. Pure string builders; x values are epoch milliseconds shown as UTC
 * clock times of the simulated day.
 */
export interface Point {
  readonly x: number
  readonly y: number
}

export interface Series {
  readonly name: string
  readonly points: readonly Point[]
}

export interface ChartOptions {
  readonly title?: string
  /** At most this many legend entries; the rest are drawn and counted as "+ n more". Default 10. */
  readonly maxLegend?: number
  /** x of midnight of the first simulated day (SIM_DAY), for the day number of the labels. */
  readonly dayOrigin?: number
}

const WIDTH = 960
const HEIGHT = 440
const M = { left: 64, right: 200, top: 48, bottom: 56 }
const PLOT_W = WIDTH - M.left - M.right
const PLOT_H = HEIGHT - M.top - M.bottom
const COLOURS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
]
const DAY = 86_400_000

export const escapeXml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string,
  )

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1))

/** A round step giving about `count` ticks up to `max`. */
export const niceStep = (max: number, count = 5): number => {
  if (!(max > 0)) return 1
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const fraction = raw / power
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power
}

/** "08:15" on the first day, "d2 08:15" on the next ones. */
export const clockLabel = (at: number, dayOrigin: number): string => {
  const offset = at - dayOrigin
  const day = Math.floor(offset / DAY)
  const inDay = offset - day * DAY
  const h = Math.floor(inDay / 3_600_000)
  const m = Math.floor((inDay % 3_600_000) / 60_000)
  const clock = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`
  return day === 0 ? clock : `d${day + 1} ${clock}`
}

interface Frame {
  readonly x0: number
  readonly x1: number
  readonly yMax: number
  readonly sx: (x: number) => number
  readonly sy: (y: number) => number
}

const frameOf = (x0: number, x1: number, yMax: number): Frame => {
  const span = x1 > x0 ? x1 - x0 : 1
  return {
    x0,
    x1,
    yMax,
    sx: (x) => M.left + ((x - x0) / span) * PLOT_W,
    sy: (y) => M.top + PLOT_H - (y / yMax) * PLOT_H,
  }
}

/** Axes with ticks and labels, the title and the axis names. */
const axes = (
  f: Frame,
  title: string,
  yName: string,
  yLabel: (y: number) => string,
  dayOrigin: number,
): string[] => {
  const parts = [
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="18" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="${M.left}" y1="${M.top + PLOT_H}" x2="${M.left + PLOT_W}" y2="${M.top + PLOT_H}" stroke="#000"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PLOT_H}" stroke="#000"/>`,
  ]
  const yStep = niceStep(f.yMax)
  for (let y = 0; y <= f.yMax + 1e-9; y += yStep) {
    const py = num(f.sy(y))
    parts.push(
      `<line x1="${M.left}" y1="${py}" x2="${M.left + PLOT_W}" y2="${py}" stroke="#e0e0e0"/>`,
      `<text x="${M.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle" font-size="11">${escapeXml(yLabel(y))}</text>`,
    )
  }
  const hour = 3_600_000
  const xStep = Math.max(hour, Math.ceil((f.x1 - f.x0) / 12 / hour) * hour)
  for (let x = Math.ceil((f.x0 - dayOrigin) / xStep) * xStep + dayOrigin; x <= f.x1; x += xStep) {
    const px = num(f.sx(x))
    parts.push(
      `<line x1="${px}" y1="${M.top + PLOT_H}" x2="${px}" y2="${M.top + PLOT_H + 5}" stroke="#000"/>`,
      `<text x="${px}" y="${M.top + PLOT_H + 18}" text-anchor="middle" font-size="11">${escapeXml(clockLabel(x, dayOrigin))}</text>`,
    )
  }
  parts.push(
    `<text x="${M.left + PLOT_W / 2}" y="${HEIGHT - 12}" text-anchor="middle" font-size="12">time (UTC, simulated)</text>`,
    `<text x="16" y="${M.top + PLOT_H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${M.top + PLOT_H / 2})">${escapeXml(yName)}</text>`,
  )
  return parts
}

const legend = (names: readonly string[], max: number, extra: readonly string[] = []): string[] => {
  const parts: string[] = []
  const shown = names.slice(0, max)
  const x = M.left + PLOT_W + 16
  const entries = [...extra, ...shown]
  for (const [i, name] of shown.entries()) {
    const y = M.top + 8 + (extra.length + i) * 18
    parts.push(
      `<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"/>`,
      `<text x="${x + 24}" y="${y}" dominant-baseline="middle" font-size="11">${escapeXml(name)}</text>`,
    )
  }
  if (names.length > max)
    parts.push(
      `<text x="${x}" y="${M.top + 8 + entries.length * 18}" dominant-baseline="middle" font-size="11">+ ${names.length - max} more</text>`,
    )
  return parts
}

const polyline = (f: Frame, s: Series, colour: string): string => {
  const points = s.points.map((p) => `${num(f.sx(p.x))},${num(f.sy(p.y))}`).join(" ")
  return `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"><title>${escapeXml(s.name)}</title></polyline>`
}

const svg = (title: string, parts: readonly string[]): string =>
  [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n")

const extent = (series: readonly Series[]) => {
  let x0 = Number.POSITIVE_INFINITY
  let x1 = Number.NEGATIVE_INFINITY
  let yMax = 0
  for (const s of series)
    for (const p of s.points) {
      x0 = Math.min(x0, p.x)
      x1 = Math.max(x1, p.x)
      yMax = Math.max(yMax, p.y)
    }
  return Number.isFinite(x0) ? { x0, x1, yMax } : { x0: 0, x1: 1, yMax: 0 }
}

/** Calls waiting over time, one line per queue (each point: an interval's time-weighted mean). */
export const waitingOverTimeSvg = (series: readonly Series[], options: ChartOptions = {}): string => {
  const title = options.title ?? "Calls waiting"
  const { x0, x1, yMax } = extent(series)
  const top = niceStep(Math.max(yMax, 1)) * Math.ceil(Math.max(yMax, 1) / niceStep(Math.max(yMax, 1)))
  const f = frameOf(x0, x1, top)
  const dayOrigin = options.dayOrigin ?? Math.floor(x0 / DAY) * DAY
  return svg(title, [
    ...axes(f, title, "calls waiting", (y) => num(y), dayOrigin),
    ...series.map((s, i) => polyline(f, s, COLOURS[i % COLOURS.length] as string)),
    ...legend(
      series.map((s) => s.name),
      options.maxLegend ?? 10,
    ),
  ])
}

export interface ServiceLevelChartOptions extends ChartOptions {
  /** A dashed line at the target service level (0–1). */
  readonly target?: number
  readonly thresholdSeconds?: number
  /** Per-queue service levels drawn as lines over the bars (capped legend). */
  readonly queues?: readonly Series[]
}

/** The service level of each interval as bars (the whole center), 0–100 %; no bar where no call settled. */
export const serviceLevelByIntervalSvg = (
  intervals: readonly {
    readonly startAt: number
    readonly endAt: number
    readonly serviceLevel: number | null
  }[],
  options: ServiceLevelChartOptions = {},
): string => {
  const within =
    options.thresholdSeconds === undefined ? "" : ` (answered within ${options.thresholdSeconds} s)`
  const title = options.title ?? `Service level by interval${within}`
  const x0 = intervals[0]?.startAt ?? 0
  const x1 = intervals[intervals.length - 1]?.endAt ?? 1
  const f = frameOf(x0, x1, 1)
  const dayOrigin = options.dayOrigin ?? Math.floor(x0 / DAY) * DAY
  const parts = axes(f, title, "service level", (y) => `${Math.round(y * 100)}%`, dayOrigin)
  for (const i of intervals) {
    if (i.serviceLevel === null) continue
    const x = f.sx(i.startAt) + 1
    const w = Math.max(1, f.sx(i.endAt) - f.sx(i.startAt) - 2)
    const y = f.sy(i.serviceLevel)
    parts.push(
      `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(M.top + PLOT_H - y)}" fill="#9ecae1"><title>${escapeXml(`${clockLabel(i.startAt, dayOrigin)}: ${(i.serviceLevel * 100).toFixed(1)}%`)}</title></rect>`,
    )
  }
  const extra: string[] = ["all queues"]
  if (options.target !== undefined) {
    const y = num(f.sy(options.target))
    parts.push(
      `<line x1="${M.left}" y1="${y}" x2="${M.left + PLOT_W}" y2="${y}" stroke="#d62728" stroke-dasharray="6 4"/>`,
      `<text x="${M.left + PLOT_W - 4}" y="${y}" dy="-4" text-anchor="end" font-size="11" fill="#d62728">target ${Math.round(options.target * 100)}%</text>`,
    )
  }
  const queues = options.queues ?? []
  parts.push(...queues.map((s, i) => polyline(f, s, COLOURS[i % COLOURS.length] as string)))
  const lx = M.left + PLOT_W + 16
  parts.push(
    `<rect x="${lx}" y="${M.top + 2}" width="18" height="12" fill="#9ecae1"/>`,
    `<text x="${lx + 24}" y="${M.top + 8}" dominant-baseline="middle" font-size="11">all queues</text>`,
    ...legend(
      queues.map((s) => s.name),
      options.maxLegend ?? 10,
      extra,
    ),
  )
  return svg(title, parts)
}

/** Write `waiting.svg` and `service-level.svg` for a run into `dir` (created if missing). */
export const writePlots = (
  dir: string,
  stats: IntervalStats,
  name: string,
  options: { readonly target?: number; readonly dayOrigin?: number } = {},
): readonly string[] => {
  mkdirSync(dir, { recursive: true })
  const waiting = join(dir, "waiting.svg")
  const sl = join(dir, "service-level.svg")
  const common = options.dayOrigin === undefined ? {} : { dayOrigin: options.dayOrigin }
  writeFileSync(
    waiting,
    waitingOverTimeSvg(stats.waitingSeries(), { title: `${name}: calls waiting`, ...common }),
  )
  writeFileSync(
    sl,
    serviceLevelByIntervalSvg(stats.serviceLevels(), {
      title: `${name}: service level by interval (answered within ${stats.slThresholdMs / 1000} s)`,
      // per-queue lines only while they stay readable; the bars are the whole center
      queues:
        stats.queueIds.length > 1 && stats.queueIds.length <= 10
          ? stats.queueIds.map((q) => stats.serviceLevelSeries(q))
          : [],
      ...(options.target === undefined ? {} : { target: options.target }),
      ...common,
    }),
  )
  return [waiting, sl]
}
