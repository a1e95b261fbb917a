/**
 * A progress bar on stderr for long runs (B7): virtual time done of the total, calls, events per
 * second of wall time, and the time left. Drawn only on a terminal (or when forced), at most ~10
 * times a second, ending with a newline. The line itself is a pure function.
 */
export interface ProgressState {
  /** Virtual time simulated so far and in all, in ms. */
  readonly doneMs: number
  readonly totalMs: number
  readonly calls: number
  readonly events: number
  /** Wall time since the run started, in ms. */
  readonly elapsedMs: number
}

const grouped = (n: number): string => Math.round(n).toLocaleString("en-US")

/** 1234567 → "1.2M", 45300 → "45.3k". */
export const compact = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(Math.round(n))

/** Virtual time as "5 h 30 min" (at least "0 min"); whole minutes. */
export const virtualTime = (ms: number): string => {
  const minutes = Math.floor(ms / 60_000)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return h === 0 ? `${m} min` : `${h} h ${String(m).padStart(2, "0")} min`
}

/** Wall seconds as "42 s", "3 min 05 s". */
export const wallTime = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000))
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`
}

/**
 * "[##########----------]  50.0%  12 h 00 min of 24 h 00 min  612,345 calls  1.2M events/s  ETA 4 s".
 * The ETA assumes the rest goes at the rate so far (virtual ms per wall ms); "ETA ?" before any.
 */
export const formatProgress = (s: ProgressState, width = 24): string => {
  const fraction = s.totalMs > 0 ? Math.min(1, Math.max(0, s.doneMs / s.totalMs)) : 1
  const filled = Math.round(fraction * width)
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`
  const seconds = s.elapsedMs / 1000
  const rate = seconds > 0 ? `${compact(s.events / seconds)} events/s` : "- events/s"
  const eta =
    fraction >= 1
      ? `done in ${wallTime(s.elapsedMs)}`
      : s.doneMs > 0 && s.elapsedMs > 0
        ? `ETA ${wallTime(((s.totalMs - s.doneMs) * s.elapsedMs) / s.doneMs)}`
        : "ETA ?"
  const percent = `${(fraction * 100).toFixed(1)}%`.padStart(6)
  return `${bar} ${percent}  ${virtualTime(s.doneMs)} of ${virtualTime(s.totalMs)}  ${grouped(s.calls)} calls  ${rate}  ${eta}`
}

/** The part of a stream the bar needs (process.stderr has it). */
export interface ProgressStream {
  readonly isTTY?: boolean
  write(text: string): unknown
}

export interface ProgressOptions {
  readonly totalMs: number
  /** Default process.stderr. */
  readonly stream?: ProgressStream
  /** Draw even when the stream is not a terminal (e.g. `--progress` into a log). */
  readonly force?: boolean
  /** Minimum wall time between two redraws; default 100 ms (10/s). */
  readonly minIntervalMs?: number
  /** The wall clock, for tests; default performance.now. */
  readonly clock?: () => number
}

export class ProgressBar {
  readonly enabled: boolean
  private readonly stream: ProgressStream
  private readonly clock: () => number
  private readonly startedAt: number
  private readonly minIntervalMs: number
  private lastDrawAt = Number.NEGATIVE_INFINITY
  private drawn = false
  private finished = false

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr
    this.enabled = options.force === true || this.stream.isTTY === true
    this.clock = options.clock ?? (() => performance.now())
    this.startedAt = this.clock()
    this.minIntervalMs = options.minIntervalMs ?? 100
  }

  /** Redraw if enabled and the last redraw is old enough; cheap otherwise (one clock read). */
  update(doneMs: number, calls: number, events: number): void {
    if (!this.enabled || this.finished) return
    const now = this.clock()
    if (now - this.lastDrawAt < this.minIntervalMs) return
    this.lastDrawAt = now
    this.draw(doneMs, calls, events, now)
  }

  /** The final line and its newline (once; nothing when disabled). */
  done(doneMs: number, calls: number, events: number): void {
    if (!this.enabled || this.finished) return
    this.draw(doneMs, calls, events, this.clock())
    if (this.stream.isTTY === true) this.stream.write("\n")
    this.finished = true
  }

  private draw(doneMs: number, calls: number, events: number, now: number): void {
    const line = formatProgress({
      doneMs,
      totalMs: this.options.totalMs,
      calls,
      events,
      elapsedMs: now - this.startedAt,
    })
    // on a terminal: back to the line's start and clear it; forced into a file: one line each
    const tty = this.stream.isTTY === true
    this.stream.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
    this.drawn = true
  }

  /** Whether anything was drawn (for tests and for callers that print after the bar). */
  get hasDrawn(): boolean {
    return this.drawn
  }
}
