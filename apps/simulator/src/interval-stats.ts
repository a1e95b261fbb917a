/**
 * Per-interval statistics of a run, fed by the runner, read by the plots and reports: per queue
 * and interval, calls offered, answered (within the SL threshold or not), abandoned (each by the
 * interval the call ARRIVED in), and the number waiting as a time-weighted mean and a maximum.
 * O(1) per call and per change of a queue's waiting count.
 */
export interface IntervalRow {
  readonly queueId: string
  readonly startAt: number
  readonly endAt: number
  readonly offered: number
  readonly answered: number
  readonly answeredWithin: number
  readonly abandoned: number
  /** answered within T / (answered + abandoned), as in the summary; null when none settled. */
  readonly serviceLevel: number | null
  /** Mean wait of the answered calls; null when none was answered. */
  readonly asaMs: number | null
  readonly meanWaiting: number
  readonly maxWaiting: number
}

export interface IntervalServiceLevel {
  readonly startAt: number
  readonly endAt: number
  readonly serviceLevel: number | null
}

interface Cell {
  offered: number
  answered: number
  answeredWithin: number
  abandoned: number
  waitSumMs: number
  /** Σ count × ms over the interval. */
  waitingArea: number
  maxWaiting: number
}

const emptyCell = (): Cell => ({
  offered: 0,
  answered: 0,
  answeredWithin: 0,
  abandoned: 0,
  waitSumMs: 0,
  waitingArea: 0,
  maxWaiting: 0,
})

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
    this.cell(queueId, at).offered += 1
    this.endAt = Math.max(this.endAt, at)
  }

  /** A call's wait ended: answered after `waitMs`, or abandoned. Counted in its arrival interval. */
  settled(queueId: string, arrivedAt: number, waitMs: number, answered: boolean): void {
    const cell = this.cell(queueId, arrivedAt)
    if (answered) {
      cell.answered += 1
      cell.waitSumMs += waitMs
      if (waitMs <= this.slThresholdMs) cell.answeredWithin += 1
    } else cell.abandoned += 1
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

  /** Per queue: the time-weighted mean waiting of each interval, as steps over the whole run. */
  waitingSeries(): { name: string; points: { x: number; y: number }[] }[] {
    const n = this.intervalCount()
    return this.queueIds.map((queueId) => ({
      name: queueId,
      points: Array.from({ length: n }, (_, i) => {
        const row = this.row(queueId, i, this.cells.get(queueId)?.[i] ?? emptyCell())
        return [
          { x: row.startAt, y: row.meanWaiting },
          { x: row.endAt, y: row.meanWaiting },
        ]
      }).flat(),
    }))
  }

  /** The service level of each interval, of one queue or (no id) of the whole center. */
  serviceLevels(queueId?: string): IntervalServiceLevel[] {
    const ids = queueId === undefined ? this.queueIds : [queueId]
    return Array.from({ length: this.intervalCount() }, (_, i) => {
      let within = 0
      let settled = 0
      for (const q of ids) {
        const c = this.cells.get(q)?.[i]
        if (c === undefined) continue
        within += c.answeredWithin
        settled += c.answered + c.abandoned
      }
      const { startAt, endAt } = this.bounds(i)
      return { startAt, endAt, serviceLevel: settled === 0 ? null : within / settled }
    })
  }

  /** One queue's service level as a line (intervals with no settled call left out). */
  serviceLevelSeries(queueId: string): { name: string; points: { x: number; y: number }[] } {
    const points = this.serviceLevels(queueId).flatMap((s) =>
      s.serviceLevel === null ? [] : [{ x: (s.startAt + s.endAt) / 2, y: s.serviceLevel }],
    )
    return { name: queueId, points }
  }

  private row(queueId: string, i: number, c: Cell): IntervalRow {
    const { startAt, endAt } = this.bounds(i)
    const settled = c.answered + c.abandoned
    const span = Math.max(1, endAt - startAt)
    return {
      queueId,
      startAt,
      endAt,
      offered: c.offered,
      answered: c.answered,
      answeredWithin: c.answeredWithin,
      abandoned: c.abandoned,
      serviceLevel: settled === 0 ? null : c.answeredWithin / settled,
      asaMs: c.answered === 0 ? null : c.waitSumMs / c.answered,
      meanWaiting: c.waitingArea / span,
      maxWaiting: c.maxWaiting,
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
      cell.waitingArea += level.count * (end - t)
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
