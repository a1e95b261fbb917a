import { BatchSums, type ChosenBatches, chooseBatches } from "./analysis/batches"
import { add, addOutcome, F, FIELD_COUNT, METRICS, type MetricId } from "./analysis/metrics"
import { type Confidence, type Interval, ratioInterval } from "./analysis/statistics"
import { type RealismTally, realismIntervals } from "./engine/realism"
import type { IntervalStats } from "./interval-stats"
import { IntervalSamples, type IntervalTable } from "./report/interval-table"
import { staffedByQueue } from "./report/staffed-time"
import { type CallOutcome, type CoreChoice, planRun, type RunPlan, runSimulation } from "./run"
import type { Scenario } from "./scenario"

/**
 * Intervals for any scenario (issue 17 Build 1): every metric of analysis/metrics.ts with its
 * confidence interval, from independent replications or from batch means of one long run. The
 * statistics stream: a run keeps only its batches' sums (analysis/batches.ts), never the calls.
 */

export interface MeasureOptions {
  readonly scenario: Scenario
  readonly seed: number
  /** Virtual hours of arrivals; default: the scenario's window (without `arrivals`). */
  readonly hours?: number | undefined
  /** Stop rule: at most this many arrivals in the center (warm-up included). */
  readonly arrivals?: number | undefined
  /** Calls that arrive in the first `warmupMs` are not measured; default: see `defaultWarmupMs`. */
  readonly warmupMs?: number | undefined
  /** 1: batch means of one run; more: one observation per replication. */
  readonly replications: number
  readonly confidence: Confidence
  readonly slThresholdMs?: number | undefined
  readonly core?: CoreChoice
  /** Also the interval report (report/interval-table.ts) with intervals of this length. */
  readonly intervalMs?: number | undefined
}

export interface MetricInterval {
  readonly estimate: number | null
  /** Half-width of the interval (same unit as the estimate); null when there is no estimate. */
  readonly halfWidth: number | null
}

export interface QueueIntervals {
  readonly queueId: string
  readonly name: string
  /** Measured calls (after the warm-up), over all replications. */
  readonly settled: number
  readonly answered: number
  readonly abandoned: number
  /** Rates in ms for times, fractions for shares. */
  readonly metrics: Readonly<Record<MetricId, MetricInterval>>
}

export interface IntervalReport {
  readonly scenario: string
  readonly seed: number
  readonly method: "batch means" | "replications"
  readonly replications: number
  readonly confidence: Confidence
  readonly warmupMs: number
  readonly slThresholdMs: number
  /** Calls that arrived (warm-up included), over all replications. */
  readonly arrivals: number
  /** Measured virtual time per replication (batch means: the batches used). */
  readonly measuredHours: number
  /** Batch means only. */
  readonly batches?: {
    readonly count: number
    readonly batchHours: number
    readonly lag1: number
    readonly correlated: boolean
  }
  readonly queues: readonly QueueIntervals[]
  /** With `intervalMs`: per queue and interval, across the replications (batch means: the one run). */
  readonly intervals?: IntervalTable
  /** Issue 17 Build 7, when the scenario has it: counts per run and shares, across the replications. */
  readonly realism?: ReturnType<typeof realismIntervals>
  readonly seconds: number
}

const HOUR = 3_600_000

/**
 * Replication r's seed: the run's seed for r = 0 (so replication 1 is the plain run), else a
 * well-mixed function of (seed, r): seed ⊕ r·0x85ebca6b through two rounds of a 32-bit
 * avalanche mix (Wellons' "lowbias32": xorshift-multiply, full avalanche), each round adding the
 * golden-ratio constant. Compared variants given the same seed get the same replication seeds: common random
 * numbers, replication by replication.
 */
export const replicationSeed = (seed: number, r: number): number => {
  if (r === 0) return seed >>> 0
  let h = (seed ^ Math.imul(r, 0x85ebca6b)) >>> 0
  for (let round = 0; round < 2; round++) {
    h ^= h >>> 16
    h = Math.imul(h, 0x7feb352d)
    h ^= h >>> 15
    h = Math.imul(h, 0x846ca68b)
    h ^= h >>> 16
    h = (h + 0x9e3779b9) >>> 0
  }
  return h >>> 0
}

/** Calls per ms the scenario offers on average (its queues' daily means). */
const offeredRate = (scenario: Scenario) => scenario.queues.reduce((s, q) => s + 1 / q.meanInterArrivalMs, 0)

/**
 * The warm-up when none is given: none for replications (each is a day or a shift from its
 * start, a terminating simulation); for batch means of one run, which estimate the steady state,
 * the first 10% of the run (of the time the stop rule's arrivals are expected to take).
 */
export const defaultWarmupMs = (options: MeasureOptions, plan: RunPlan): number => {
  if (options.replications > 1) return 0
  const spanMs =
    options.hours === undefined && options.arrivals !== undefined
      ? options.arrivals / offeredRate(options.scenario)
      : plan.runHours * HOUR
  return Math.round(0.1 * spanMs)
}

/** Each batch's staffed rep time per queue (report/staffed-time.ts). */
const addStaffing = (scenario: Scenario, batches: BatchSums, count: number): void => {
  for (let k = 0; k < count; k++) {
    const from = batches.origin + k * batches.batchMs
    const byQueue = staffedByQueue(scenario, from, from + batches.batchMs)
    for (let q = 0; q < batches.queues; q++)
      add(batches.sums, k * batches.width + q * FIELD_COUNT + F.staffedMs, byQueue[q] as number)
  }
}

interface Measured {
  readonly batches: BatchSums
  readonly intervals: IntervalStats | undefined
  /** When the measured arrivals ended (the stop rule's last call, or the end of the hours). */
  readonly dataEnd: number
  readonly arrivals: number
  /** The whole run's, warm-up included (the counts are not cut by time). */
  readonly realism: RealismTally | undefined
}

/** One run, its calls' outcomes and talks summed into batches from the end of the warm-up. */
const measuredRun = (
  options: MeasureOptions,
  seed: number,
  warmupMs: number,
  threshold: number,
): Measured => {
  const plan = planRun({ seed, scenario: options.scenario, hours: options.hours })
  const index = new Map(options.scenario.queues.map((q, i) => [q.queueId, i]))
  const batches = new BatchSums(options.scenario.queues.length, plan.start + warmupMs)
  const queueOf = (queueId: string) => index.get(queueId) as number
  const summary = runSimulation({
    seed,
    scenario: options.scenario,
    hours: options.hours,
    arrivals: options.arrivals,
    drain: true,
    slThresholdMs: threshold,
    ...(options.core === undefined ? {} : { core: options.core }),
    intervalMs: options.intervalMs,
    onOutcome: (call: CallOutcome) => {
      const at = batches.offsetAt(call.arrivedAt, queueOf(call.queueId))
      if (at >= 0) addOutcome(batches.sums, at, call.waitMs, call.answered, threshold)
    },
    onTalk: (queueId, at, handleMs) => {
      const offset = batches.offsetAt(at, queueOf(queueId))
      if (offset >= 0) add(batches.sums, offset + F.busyMs, handleMs)
    },
  })
  const dataEnd = summary.arrivalsStoppedAt ?? plan.end
  return { batches, intervals: summary.intervals, dataEnd, arrivals: summary.calls, realism: summary.realism }
}

const intervalsOf = (
  scenario: Scenario,
  sums: Float64Array,
  count: number,
  confidence: Confidence,
): QueueIntervals[] =>
  scenario.queues.map((queue, q) => {
    const column = (field: number) =>
      Float64Array.from(
        { length: count },
        (_, k) => sums[(k * scenario.queues.length + q) * FIELD_COUNT + field] as number,
      )
    const total = (field: number) => column(field).reduce((s, x) => s + x, 0)
    const metrics = Object.fromEntries(
      METRICS.map((m) => {
        const interval: Interval | null = ratioInterval(
          column(F[m.numerator]),
          column(F[m.denominator]),
          confidence,
        )
        return [m.id, { estimate: interval?.estimate ?? null, halfWidth: interval?.halfWidth ?? null }]
      }),
    ) as Record<MetricId, MetricInterval>
    return {
      queueId: queue.queueId,
      name: queue.name,
      settled: total(F.settled),
      answered: total(F.answered),
      abandoned: total(F.abandoned),
      metrics,
    }
  })

/**
 * Every metric of every queue with its interval (issue 17): batch means of one run
 * (`replications` 1), or independent replications with seeds from `replicationSeed`.
 */
export const measure = (options: MeasureOptions): IntervalReport => {
  if (!(Number.isInteger(options.replications) && options.replications >= 1))
    throw new RangeError("replications must be a whole number >= 1")
  const started = performance.now()
  const plan = planRun({
    seed: options.seed,
    scenario: options.scenario,
    hours: options.hours,
    slThresholdMs: options.slThresholdMs,
  })
  const warmupMs = options.warmupMs ?? defaultWarmupMs(options, plan)
  const threshold = plan.threshold
  const queues = options.scenario.queues.length
  const base = {
    scenario: options.scenario.name,
    seed: options.seed,
    replications: options.replications,
    confidence: options.confidence,
    warmupMs,
    slThresholdMs: threshold,
  }
  const samples =
    options.intervalMs === undefined
      ? undefined
      : new IntervalSamples(options.scenario, plan.start, options.intervalMs, threshold)
  const tableOf = () => (samples === undefined ? {} : { intervals: samples.table(options.confidence) })
  const tallies: RealismTally[] = []
  const realismOf = () =>
    tallies.length === 0 ? {} : { realism: realismIntervals(tallies, options.confidence) }
  if (options.replications === 1) {
    const run = measuredRun(options, options.seed, warmupMs, threshold)
    if (run.intervals !== undefined) samples?.add(run.intervals)
    if (run.realism !== undefined) tallies.push(run.realism)
    const chosen: ChosenBatches | undefined = chooseBatches(run.batches, run.dataEnd)
    if (chosen === undefined)
      throw new RangeError(
        "the run is too short for batch means after the warm-up: give more hours or arrivals",
      )
    addStaffingTo(options.scenario, run.batches, chosen)
    return {
      ...base,
      method: "batch means",
      arrivals: run.arrivals,
      measuredHours: (chosen.count * chosen.batchMs) / HOUR,
      batches: {
        count: chosen.count,
        batchHours: chosen.batchMs / HOUR,
        lag1: chosen.lag1,
        correlated: chosen.correlated,
      },
      queues: intervalsOf(options.scenario, chosen.sums, chosen.count, options.confidence),
      ...tableOf(),
      ...realismOf(),
      seconds: (performance.now() - started) / 1000,
    }
  }
  const width = queues * FIELD_COUNT
  const all = new Float64Array(options.replications * width)
  let arrivals = 0
  let measuredMs = 0
  for (let r = 0; r < options.replications; r++) {
    const run = measuredRun(options, replicationSeed(options.seed, r), warmupMs, threshold)
    if (run.intervals !== undefined) samples?.add(run.intervals)
    if (run.realism !== undefined) tallies.push(run.realism)
    // The whole measured window is one observation: up to the batch the arrivals stopped in (the
    // talks of the drain after it are left out, but for that batch's tail).
    const b = run.batches
    const count = Math.min(b.used, Math.ceil((run.dataEnd - b.origin) / b.batchMs))
    addStaffing(options.scenario, b, count)
    all.set(b.totals(count), r * width)
    arrivals += run.arrivals
    measuredMs += count * b.batchMs
  }
  return {
    ...base,
    method: "replications",
    arrivals,
    measuredHours: measuredMs / options.replications / HOUR,
    queues: intervalsOf(options.scenario, all, options.replications, options.confidence),
    ...tableOf(),
    ...realismOf(),
    seconds: (performance.now() - started) / 1000,
  }
}

/** Staffing of the chosen batches: each base batch's, summed into its group. */
const addStaffingTo = (scenario: Scenario, batches: BatchSums, chosen: ChosenBatches): void => {
  const staffing = new BatchSums(batches.queues, batches.origin, batches.batchMs, batches.capacity)
  addStaffing(scenario, staffing, chosen.count * chosen.group)
  for (let k = 0; k < chosen.count * chosen.group; k++)
    for (let q = 0; q < batches.queues; q++) {
      const into = (Math.floor(k / chosen.group) * batches.queues + q) * FIELD_COUNT + F.staffedMs
      add(chosen.sums, into, staffing.sums[(k * batches.queues + q) * FIELD_COUNT + F.staffedMs] as number)
    }
}
