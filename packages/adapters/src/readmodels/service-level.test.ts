import { it } from "@effect/vitest"
import type { HistoryRecord } from "@lifeline/core/history"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { openDatabase } from "../store/libsql/open"
import { tempDbUrl } from "../store/libsql/test-db"
import { upsertRecords } from "./history-sql"
import { run } from "./projector"
import {
  makeLibsqlServiceLevel,
  SERVICE_LEVEL_INTERVAL_MS,
  type ServiceLevelSpan,
  serviceLevelCells,
  serviceLevelOf,
} from "./service-level"

const DAY = Date.UTC(2026, 11, 1)
const Q = SERVICE_LEVEL_INTERVAL_MS

const record = (
  itemId: string,
  queueId: string,
  arrivedAt: number,
  fate: { answeredAfterMs?: number; abandoned?: true; callback?: true; outbound?: true },
): HistoryRecord => ({
  itemId,
  queueId,
  workstreamId: null,
  priority: 0,
  from: null,
  to: null,
  arrivedAt,
  outcome: fate.answeredAfterMs !== undefined ? "completed" : fate.abandoned ? "abandoned" : "waiting",
  repId: fate.answeredAfterMs === undefined ? null : "ana",
  offers: 0,
  refusals: 0,
  answeredAt: fate.answeredAfterMs === undefined ? null : arrivedAt + fate.answeredAfterMs,
  endedAt: null,
  handleMs: null,
  kind: fate.callback ? "callback" : "call",
  endReason: null,
  attempts: 0,
  joinedInto: null,
  transferredFrom: null,
  direction: fate.outbound ? "outbound" : "inbound",
  disposition: null,
})

/**
 * Billing's first interval: 3 answered in time (20 s exactly counts), 1 late, 1 abandoned, 1
 * still waiting, 1 callback (left out) -> 3 / 5. Its third interval: one late answer -> 0.
 * Sales: one call answered in time in the second interval. One call of the day before.
 */
const RECORDS: HistoryRecord[] = [
  record("b1", "billing", DAY + 1_000, { answeredAfterMs: 5_000 }),
  record("b2", "billing", DAY + 2_000, { answeredAfterMs: 20_000 }),
  record("b3", "billing", DAY + 3_000, { answeredAfterMs: 1_000 }),
  record("b4", "billing", DAY + 4_000, { answeredAfterMs: 20_001 }),
  record("b5", "billing", DAY + 5_000, { abandoned: true }),
  record("b6", "billing", DAY + Q - 1, {}),
  record("b7", "billing", DAY + 6_000, { answeredAfterMs: 90_000, callback: true }),
  record("b8", "billing", DAY + 2 * Q, { answeredAfterMs: 60_000 }),
  record("s1", "sales", DAY + Q + 10, { answeredAfterMs: 3_000 }),
  record("y1", "billing", DAY - 1, { answeredAfterMs: 3_000 }),
]

const SPAN: ServiceLevelSpan = { from: DAY, to: DAY + 86_400_000, intervalMs: Q, thresholdMs: 20_000 }

const EXPECTED = [
  { queueId: "billing", start: DAY, calls: 6, answered: 4, answeredInTime: 3, abandoned: 1 },
  { queueId: "billing", start: DAY + 2 * Q, calls: 1, answered: 1, answeredInTime: 0, abandoned: 0 },
  { queueId: "sales", start: DAY + Q, calls: 1, answered: 1, answeredInTime: 1, abandoned: 0 },
]

/** The records in a fresh libSQL file's `call_history`, and its service level read model. */
const libsqlWith = (records: readonly HistoryRecord[]) =>
  Effect.gen(function* () {
    const client = yield* openDatabase(yield* tempDbUrl)
    yield* run("seed call history", () => client.batch(upsertRecords(records), "write"))
    return makeLibsqlServiceLevel(client)
  })

describe("service level per interval from call history (issue 19, E8)", () => {
  it("issue 19: SL = answered within the threshold / (answered + abandoned), calls only, per 15-minute interval", () => {
    expect(serviceLevelCells(RECORDS, SPAN)).toEqual(EXPECTED)
    expect(serviceLevelOf(EXPECTED[0] as (typeof EXPECTED)[0])).toBe(3 / 5)
    expect(serviceLevelOf({ answered: 0, answeredInTime: 0, abandoned: 0 })).toBeNull()
  })

  it.live("issue 19, W1: an outbound call changes no queue's SL (memory fold and SQL alike)", () =>
    Effect.gen(function* () {
      // As projected (queue ""), and one naming billing's queue: the direction leaves both out.
      const outbound = [
        record("o1", "", DAY + 7_000, { answeredAfterMs: 60_000, outbound: true }),
        record("o2", "billing", DAY + 8_000, { answeredAfterMs: 60_000, outbound: true }),
        record("o3", "billing", DAY + 9_000, { abandoned: true, outbound: true }),
      ]
      const withOutbound = [...RECORDS, ...outbound]
      expect(serviceLevelCells(withOutbound, SPAN)).toEqual(EXPECTED)
      const model = yield* libsqlWith(withOutbound)
      expect(yield* model.cells(SPAN)).toEqual(EXPECTED)
    }).pipe(Effect.scoped),
  )

  it.live("issue 19: the SQL GROUP BY over call_history answers the same cells as the memory fold", () =>
    Effect.gen(function* () {
      const model = yield* libsqlWith(RECORDS)
      expect(yield* model.cells(SPAN)).toEqual(EXPECTED)
      const billingOnly = { ...SPAN, queues: ["billing"] }
      expect(yield* model.cells(billingOnly)).toEqual(serviceLevelCells(RECORDS, billingOnly))
      const noQueues = { ...SPAN, queues: [] }
      expect(yield* model.cells(noQueues)).toEqual([])
      const strict = { ...SPAN, thresholdMs: 4_999 }
      expect(yield* model.cells(strict)).toEqual(serviceLevelCells(RECORDS, strict))
    }).pipe(Effect.scoped),
  )
})
