import { add, addOutcome, F, FIELDS, metric, ratioOf } from "./analysis/metrics"

/**
 * Per-interval statistics of a run, fed by the runner, read by the interval report
 * (report/interval-table.ts): per queue and interval, the sums of analysis/metrics.ts (answered,
 * abandoned, waits, each by the interval the call ARRIVED in; talk time split over the intervals
 * it spans), calls offered, callbacks asked for and served, offers declined and expired (by when they happened), and the
 * number waiting as a time-weighted mean and a maximum. O(1) per call and per change of a queue's
 * waiting count; a fixed block of numbers per interval, never a list of calls.
 */

/** Each cell's sums: the metrics' own (FIELDS), then the report's. */
export const INTERVAL_FIELDS = [
  ...FIELDS,
  "offered",
  "callbacksRequested",
  "callbacksDone",
  "waitingAreaMs",
  "offersDeclined",
  "offersExpired",
] as const
export type IntervalField = (typeof INTERVAL_FIELDS)[number]
export const INTERVAL_FIELD_COUNT = INTERVAL_FIELDS.length
/** Each field's offset in a cell's sums (the metrics' fields at their metrics.ts offsets). */
export const IF: { readonly [K in IntervalField]: number } = Object.fromEntries(
  INTERVAL_FIELDS.map((f, i) => [f, i]),
) as { readonly [K in IntervalField]: number }

export interface IntervalRow {
  readonly queueId: string
  readonly startAt: number
  readonly endAt: number
  readonly offered: number
  readonly answered: number
  readonly answeredWithin: number
  readonly abandoned: number
  /** analysis/metrics.ts SL: answered within T / (answered + abandoned); null when none settled. */
  readonly serviceLevel: number | null
  /** analysis/metrics.ts ASA: mean wait of the answered calls; null when none was answered. */
  readonly asaMs: number | null
  readonly meanWaiting: number
  readonly maxWaiting: number
  /** The cell's sums, by `IF` (staffedMs is left 0: the report adds the schedule's). */
  readonly sums: Float64Array
}

interface Cell {
  readonly sums: Float64Array
  maxWaiting: number
}

const emptyCell = (): Cell => ({ sums: new Float64Array(INTERVAL_FIELD_COUNT), maxWaiting: 0 })

const SL = metric("serviceLevel")
const ASA = metric("asa")

interface Level {
  count: number
  since: number
}

export class IntervalStats {
  private readonly cells = new Map<string, Cell[]>()
  private readonly levels = new Map<string, Level>()
  private endAt: number

  constructor(
    readonly queueIds: readonly string[],
    readonly startAt: number,
    readonly intervalMs: number,
    readonly slThresholdMs: number,
  ) {
    if (!(intervalMs > 0)) throw new Error("intervalMs must be > 0")
    this.endAt = startAt
    for (const q of queueIds) {
      this.cells.set(q, [])
      this.levels.set(q, { count: 0, since: startAt })
    }
  }

  /**
   * The statistics of a run split into components (partition.ts), put together: each part holds
   * some of the queues (each queue in exactly one part), all with the same start, interval and
   * threshold; the result has `queueIds` in that order.
   */
  static merge(queueIds: readonly string[], parts: readonly IntervalStats[]): IntervalStats {
    const first = parts[0]
    if (first === undefined) throw new Error("IntervalStats.merge: no parts")
    const merged = new IntervalStats(queueIds, first.startAt, first.intervalMs, first.slThresholdMs)
    for (const part of parts) {
      if (
        part.startAt !== first.startAt ||
        part.intervalMs !== first.intervalMs ||
        part.slThresholdMs !== first.slThresholdMs
      )
        throw new Error("IntervalStats.merge: parts with different start, interval or threshold")
      merged.endAt = Math.max(merged.endAt, part.endAt)
      for (const q of part.queueIds) {
        if (!merged.cells.has(q)) throw new Error(`IntervalStats.merge: queue ${q} is not among the queues`)
        merged.cells.set(q, part.cells.get(q) ?? [])
        merged.levels.set(q, part.levels.get(q) ?? { count: 0, since: first.startAt })
      }
    }
    return merged
  }

  arrived(queueId: string, at: number): void {
    this.count(queueId, at, IF.offered)
    this.endAt = Math.max(this.endAt, at)
  }

  /** A call's wait ended: answered after `waitMs`, or abandoned. Counted in its arrival interval. */
  settled(queueId: string, arrivedAt: number, waitMs: number, answered: boolean): void {
    addOutcome(this.cell(queueId, arrivedAt).sums, 0, waitMs, answered, this.slThresholdMs)
  }

  /** A rep talks to a call of the queue from `at` for `handleMs`: busy time in each interval it spans. */
  talk(queueId: string, at: number, handleMs: number): void {
    const end = at + handleMs
    for (let t = at; t < end; ) {
      const i = Math.max(0, Math.floor((t - this.startAt) / this.intervalMs))
      const to = Math.min(end, this.startAt + (i + 1) * this.intervalMs)
      add(this.cellAt(queueId, i).sums, F.busyMs, to - t)
      t = to
    }
  }

  /** C3/C4: a caller asked for a callback at `at`. */
  callbackRequested(queueId: string, at: number): void {
    this.count(queueId, at, IF.callbacksRequested)
  }

  /** A callback was served (closed as served) at `at`. */
  callbackDone(queueId: string, at: number): void {
    this.count(queueId, at, IF.callbacksDone)
  }

  /** R4: a rep declined an offer of the queue's, or let it ring until it expired, at `at`. */
  offerRefused(queueId: string, at: number, expired: boolean): void {
    this.count(queueId, at, expired ? IF.offersExpired : IF.offersDeclined)
  }

  private count(queueId: string, at: number, field: number): void {
    add(this.cell(queueId, at).sums, field, 1)
  }

  /** The queue's waiting count is `count` from `at` on. */
  waiting(queueId: string, at: number, count: number): void {
    const level = this.level(queueId)
    this.integrate(queueId, level, at)
    level.count = count
    const cell = this.cell(queueId, at)
    cell.maxWaiting = Math.max(cell.maxWaiting, count)
  }

  private nextSampleAt = Number.NEGATIVE_INFINITY

  /**
   * The cheap way to feed the waiting counts: call this after every simulator step; it reads
   * `countOf(queueId)` for every queue only when `at` reaches the next multiple of `everyMs` (1 min
   * by default) and holds each count until the next sample. O(1) per step, O(queues) per minute.
   */
  sampleWaiting(at: number, countOf: (queueId: string) => number, everyMs = 60_000): void {
    if (at < this.nextSampleAt) return
    const point = this.startAt + Math.floor((at - this.startAt) / everyMs) * everyMs
    for (const q of this.queueIds) this.waiting(q, Math.max(point, this.level(q).since), countOf(q))
    this.nextSampleAt = point + everyMs
  }

  /** The run ended at `at`: the waiting levels are integrated up to it. */
  finish(at: number): void {
    this.endAt = Math.max(this.endAt, at)
    for (const q of this.queueIds) this.integrate(q, this.level(q), this.endAt)
  }

  /** Every interval of every queue, in queue then time order. */
  rows(): IntervalRow[] {
    const n = this.intervalCount()
    return this.queueIds.flatMap((queueId) =>
      Array.from({ length: n }, (_, i) => this.row(queueId, i, this.cells.get(queueId)?.[i] ?? emptyCell())),
    )
  }

  private row(queueId: string, i: number, c: Cell): IntervalRow {
    const { startAt, endAt } = this.bounds(i)
    const sums = c.sums
    return {
      queueId,
      startAt,
      endAt,
      offered: sums[IF.offered] as number,
      answered: sums[F.answered] as number,
      answeredWithin: sums[F.answeredWithinT] as number,
      abandoned: sums[F.abandoned] as number,
      serviceLevel: ratioOf(sums, 0, SL),
      asaMs: ratioOf(sums, 0, ASA),
      meanWaiting: (sums[IF.waitingAreaMs] as number) / Math.max(1, endAt - startAt),
      maxWaiting: c.maxWaiting,
      sums,
    }
  }

  private bounds(i: number) {
    const startAt = this.startAt + i * this.intervalMs
    return { startAt, endAt: Math.min(startAt + this.intervalMs, Math.max(this.endAt, startAt + 1)) }
  }

  private intervalCount(): number {
    return Math.max(1, Math.ceil((this.endAt - this.startAt) / this.intervalMs))
  }

  /** Adds the level held since `level.since` up to `at` to the intervals it spans. */
  private integrate(queueId: string, level: Level, at: number): void {
    let t = level.since
    while (t < at) {
      const i = Math.floor((t - this.startAt) / this.intervalMs)
      const end = Math.min(at, this.startAt + (i + 1) * this.intervalMs)
      const cell = this.cellAt(queueId, i)
      add(cell.sums, IF.waitingAreaMs, level.count * (end - t))
      cell.maxWaiting = Math.max(cell.maxWaiting, level.count)
      t = end
    }
    level.since = Math.max(level.since, at)
    this.endAt = Math.max(this.endAt, at)
  }

  private level(queueId: string): Level {
    const level = this.levels.get(queueId)
    if (level === undefined) throw new Error(`no queue ${queueId} in the interval stats`)
    return level
  }

  private cell(queueId: string, at: number): Cell {
    return this.cellAt(queueId, Math.max(0, Math.floor((at - this.startAt) / this.intervalMs)))
  }

  private cellAt(queueId: string, i: number): Cell {
    const cells = this.cells.get(queueId)
    if (cells === undefined) throw new Error(`no queue ${queueId} in the interval stats`)
    while (cells.length <= i) cells.push(emptyCell())
    return cells[i] as Cell
  }
}
