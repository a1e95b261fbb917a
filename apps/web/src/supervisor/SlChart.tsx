import { For } from "solid-js"
import { breachOf, formatShare, latestOf, type ServiceLevelSeries } from "./format"

const DAY_MS = 86_400_000
const WIDTH = 192
const HEIGHT = 40

/** How the chart reads to a screen reader: the latest interval's SL against the target. */
const summaryOf = (q: ServiceLevelSeries): string => {
  const goal = `target ${formatShare(q.target.share)} within ${Math.round(q.target.thresholdMs / 1000)} s`
  const last = latestOf(q)
  if (last === null) return `Service level today: no answered or abandoned calls yet (${goal})`
  const below = q.intervals.filter((i) => i.serviceLevel !== null && i.serviceLevel < q.target.share).length
  return `Service level today: last interval ${formatShare(last)} (${goal}); ${below} interval${below === 1 ? "" : "s"} below target${breachOf(q) === undefined ? "" : ", now below target"}`
}

/**
 * Issue 19: a queue's service level over the day as small inline SVG bars, one per interval from
 * midnight (a full day spans the width), with the target as a dashed line. Bars below the
 * target are red. No chart library: the supervisor's chunk stays small.
 */
export function SlChart(props: { readonly series: ServiceLevelSeries; readonly intervalMs: number }) {
  const slot = () => WIDTH / (DAY_MS / props.intervalMs)
  const targetY = () => HEIGHT - HEIGHT * props.series.target.share
  const latestWords = () => {
    const level = latestOf(props.series)
    return level === null ? "–" : formatShare(level)
  }
  return (
    <span class="sl">
      <svg
        class="sl-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={summaryOf(props.series)}
      >
        <rect class="sl-frame" x="0" y="0" width={WIDTH} height={HEIGHT} />
        <For each={props.series.intervals}>
          {(interval, i) => {
            const level = interval.serviceLevel
            if (level === null) return null
            // A 0% interval still shows: a sliver on the baseline.
            const height = Math.max(HEIGHT * level, 1)
            return (
              <rect
                class={level < props.series.target.share ? "sl-bar below" : "sl-bar"}
                x={i() * slot()}
                y={HEIGHT - height}
                width={Math.max(slot() - 0.5, 0.5)}
                height={height}
              />
            )
          }}
        </For>
        <line class="sl-target" x1="0" x2={WIDTH} y1={targetY()} y2={targetY()} />
      </svg>
      {/* The latest figure in words beside the bars (the chart's label already says it). */}
      <span class={breachOf(props.series) === undefined ? "sl-last" : "sl-last below"} aria-hidden="true">
        {latestWords()}
      </span>
    </span>
  )
}
