import type { Client, InArgs, InStatement, Row } from "@libsql/client"
import type { HistoryRecord } from "@lifeline/core/history"
import type { StoreUnavailable } from "@lifeline/core/ports"
import { Context, Effect, Layer } from "effect"
import { type LibsqlStoreOptions, openDatabase } from "../store/libsql/open"
import { run } from "./projector"

/**
 * Issue 19: a queue's service level (SL) over a day, interval by interval, from call history
 * (E8: history holds no emergency call, so neither does this). SL is the share of the calls
 * that arrived in the interval and whose wait ended (answered or abandoned) that were answered
 * within the threshold: the simulator's definition (apps/simulator stats), so its reports and
 * the supervisor's chart read the same. Callbacks are left out: they have no caller waiting; so
 * are outbound calls (W1): a rep dialled them, nobody waited in a queue.
 */

/** The interval the day is cut into (the usual planning interval). */
export const SERVICE_LEVEL_INTERVAL_MS = 15 * 60_000

/** Which calls, cut how: arrivals in [from, to), per `intervalMs` counted from `from`. */
export interface ServiceLevelSpan {
  readonly from: number
  readonly to: number
  readonly intervalMs: number
  /** Answered in time: within this many ms (the queues' target, routing's `serviceLevelTargetOf`). */
  readonly thresholdMs: number
  /** Only these queues (what a supervisor sees); every queue when absent. */
  readonly queues?: readonly string[]
}

/** The sums of one queue's interval, with calls in it. */
export interface ServiceLevelCell {
  readonly queueId: string
  /** The interval's start, epoch ms. */
  readonly start: number
  readonly calls: number
  readonly answered: number
  readonly answeredInTime: number
  readonly abandoned: number
}

/** Answered within the threshold over answered plus abandoned; null when no wait ended. */
export const serviceLevelOf = (cell: Pick<ServiceLevelCell, "answered" | "answeredInTime" | "abandoned">) => {
  const settled = cell.answered + cell.abandoned
  return settled === 0 ? null : cell.answeredInTime / settled
}

const byQueueThenStart = (a: ServiceLevelCell, b: ServiceLevelCell) =>
  a.queueId < b.queueId ? -1 : a.queueId > b.queueId ? 1 : a.start - b.start

/** The cells of some history records, in memory (a memory store's read model has no SQL). */
export const serviceLevelCells = (
  records: Iterable<HistoryRecord>,
  span: ServiceLevelSpan,
): ServiceLevelCell[] => {
  const queues = span.queues === undefined ? undefined : new Set(span.queues)
  const cells = new Map<string, { -readonly [K in keyof ServiceLevelCell]: ServiceLevelCell[K] }>()
  for (const r of records) {
    if (r.kind !== "call" || r.direction !== "inbound") continue
    if (r.arrivedAt < span.from || r.arrivedAt >= span.to) continue
    if (queues !== undefined && !queues.has(r.queueId)) continue
    const start = span.from + Math.floor((r.arrivedAt - span.from) / span.intervalMs) * span.intervalMs
    const key = `${r.queueId}\u0000${start}`
    let cell = cells.get(key)
    if (cell === undefined) {
      cell = { queueId: r.queueId, start, calls: 0, answered: 0, answeredInTime: 0, abandoned: 0 }
      cells.set(key, cell)
    }
    cell.calls += 1
    if (r.answeredAt !== null) {
      cell.answered += 1
      if (r.answeredAt - r.arrivedAt <= span.thresholdMs) cell.answeredInTime += 1
    }
    if (r.outcome === "abandoned") cell.abandoned += 1
  }
  return [...cells.values()].sort(byQueueThenStart)
}

/** The same sums as one `GROUP BY` over `call_history` (its arrival index serves the range). */
export const serviceLevelStatement = (span: ServiceLevelSpan): InStatement => {
  const queues =
    span.queues === undefined ? "" : ` AND queue_id IN (${span.queues.map(() => "?").join(", ") || "NULL"})`
  return {
    sql:
      // JS numbers bind as REAL: cast them so the slot is an integer division.
      "SELECT queue_id, (arrived_at - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS slot, count(*), count(answered_at), " +
      "coalesce(sum(answered_at - arrived_at <= ?), 0), coalesce(sum(outcome = 'abandoned'), 0) " +
      `FROM call_history WHERE kind = 'call' AND direction = 'inbound' AND arrived_at >= ? AND arrived_at < ?${queues} ` +
      "GROUP BY queue_id, slot ORDER BY queue_id, slot",
    args: [
      span.from,
      span.intervalMs,
      span.thresholdMs,
      span.from,
      span.to,
      ...(span.queues ?? []),
    ] as InArgs,
  }
}

const cellOfRow =
  (span: ServiceLevelSpan) =>
  (row: Row): ServiceLevelCell => ({
    queueId: String(row[0]),
    start: span.from + Number(row[1]) * span.intervalMs,
    calls: Number(row[2]),
    answered: Number(row[3]),
    answeredInTime: Number(row[4]),
    abandoned: Number(row[5]),
  })

/** The service level read from call history's table (kept by the history projector). */
export class ServiceLevelReadModel extends Context.Service<
  ServiceLevelReadModel,
  { readonly cells: (span: ServiceLevelSpan) => Effect.Effect<ServiceLevelCell[], StoreUnavailable> }
>()("lifeline/ServiceLevelReadModel") {}

export const makeLibsqlServiceLevel = (client: Client): ServiceLevelReadModel["Service"] => ({
  cells: (span) =>
    Effect.map(
      run("read the service level", () => client.execute(serviceLevelStatement(span))),
      (result) => result.rows.map(cellOfRow(span)),
    ),
})

/** The read model on its own connection to the store's database (history's table projected there). */
export const LibsqlServiceLevelLive = (url: string, options: LibsqlStoreOptions = {}) =>
  Layer.effect(ServiceLevelReadModel, Effect.map(openDatabase(url, options), makeLibsqlServiceLevel))
