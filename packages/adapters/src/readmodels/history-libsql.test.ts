import { it } from "@effect/vitest"
import { CENTER_STREAM, type CenterEvent } from "@lifeline/core/center"
import {
  type HistoryQuery,
  type HistoryReadModel,
  type HistoryRecord,
  historyAnalytics,
  historyRecords,
  matchesHistoryQuery,
  projectHistory,
} from "@lifeline/core/history"
import { Effect, Stream } from "effect"
import { describe, expect } from "vitest"
import { openDatabase } from "../store/libsql/open"
import { appendAll, tempDbUrl } from "../store/libsql/test-db"
import { makeMemoryStore } from "../store/memory-store"
import { makeLibsqlHistory } from "./history-libsql"
import { makeMemoryHistory } from "./history-memory"

const T0 = Date.UTC(2026, 11, 1, 9, 0)
const QUEUES = ["billing", "sales", "support"]
const REPS = ["ana", "ben", "caro", "dan"]

/**
 * A day of `n` items in the center's stream, each with its own fate: answered and completed,
 * declined then abandoned, answered and still talking, or still waiting. Several items arrive in
 * the same millisecond (pages must order them by id). Interleaved, as a center writes them.
 */
const day = (n: number, first = 0): CenterEvent[] => {
  const out: CenterEvent[] = []
  for (let i = first; i < first + n; i++) {
    const itemId = `item-${String(i).padStart(4, "0")}`
    const at = T0 + Math.floor(i / 3) * 1_000
    const repId = REPS[i % REPS.length] as string
    const offerId = `offer-${i}`
    out.push({
      _tag: "ItemQueued",
      itemId,
      queueId: QUEUES[i % QUEUES.length] as string,
      priority: i % 2,
      attributes: { from: `+1555010${String(i).padStart(4, "0")}`, to: "+15550100000" },
      at,
      via: null,
    })
    out.push({ _tag: "OfferMade", offerId, itemId, repId, at: at + 10, expiresAt: at + 30_000 })
    switch (i % 4) {
      case 0:
        out.push({ _tag: "OfferAccepted", offerId, itemId, repId, at: at + 500 })
        out.push({ _tag: "WorkCompleted", itemId, repId, handleMs: 60_000 + i, at: at + 60_500 + i })
        break
      case 1:
        out.push({ _tag: "OfferDeclined", offerId, itemId, repId, at: at + 200 })
        out.push({ _tag: "ItemAbandoned", itemId, at: at + 9_000 })
        break
      case 2:
        out.push({ _tag: "OfferAccepted", offerId, itemId, repId, at: at + 700 })
        break
      default:
        out.push({ _tag: "OfferExpired", offerId, itemId, repId, at: at + 30_000 })
    }
    // Something history does not read, between an item's events.
    out.push({ _tag: "ProviderEventHandled", eventId: `ev-${i}`, at })
  }
  return out
}

/** Append events to the center's stream of the file, in appends of `size`. */
const everyPage = (model: HistoryReadModel["Service"], query: HistoryQuery, limit: number) =>
  Effect.gen(function* () {
    const pages: (readonly HistoryRecord[])[] = []
    let after = null as Parameters<typeof model.page>[2]
    for (;;) {
      const page = yield* model.page(query, limit, after)
      pages.push(page.records)
      if (page.next === null) return pages
      after = page.next
    }
  })

const positionOf = (url: string) =>
  Effect.scoped(
    Effect.flatMap(openDatabase(url), (client) =>
      Effect.promise(() => client.execute("SELECT position FROM projections WHERE name = 'history'")),
    ),
  ).pipe(Effect.map((r) => Number(r.rows[0]?.[0] ?? 0)))

describe("call history in libSQL (issue 22, E8, N1)", () => {
  it.live(
    "N1 the checkpoint is durable: a restarted projector resumes after it and applies nothing twice",
    () =>
      Effect.gen(function* () {
        const url = yield* tempDbUrl
        const first = day(120)
        yield* appendAll(url, first)
        const projected = yield* Effect.scoped(
          Effect.flatMap(openDatabase(url), (client) =>
            Effect.flatMap(makeLibsqlHistory(client, { batchEvents: 50 }), (m) => m.catchUp),
          ),
        )
        expect(projected).toBe(first.length)
        expect(yield* positionOf(url)).toBe(first.length)

        const later = day(40, 120)
        yield* appendAll(url, later)
        // A new life: a new connection and a new read model on the same file.
        const [resumed, records] = yield* Effect.scoped(
          Effect.gen(function* () {
            const model = yield* makeLibsqlHistory(yield* openDatabase(url), { batchEvents: 50 })
            const position = yield* model.catchUp
            const pages = yield* everyPage(model, {}, 1_000)
            return [position, pages.flat()] as const
          }),
        )
        expect(resumed).toBe(first.length + later.length)
        // Counters (offers, refusals) would be doubled by an event applied twice.
        expect(records).toEqual(historyRecords(projectHistory([...first, ...later])))
        expect(records.reduce((sum, r) => sum + r.offers, 0)).toBe(160)
      }),
  )

  it.live("N1 two projectors on one database, racing batch for batch, apply every event exactly once", () =>
    Effect.gen(function* () {
      const url = yield* tempDbUrl
      const events = day(200)
      let lost = 0
      const [a, b] = yield* Effect.all(
        [1, 2].map(() =>
          Effect.flatMap(openDatabase(url), (client) =>
            makeLibsqlHistory(client, { batchEvents: 13, onLostRace: () => lost++ }),
          ),
        ),
      )
      if (a === undefined || b === undefined) throw new Error("two read models")
      // Both project while the log grows, each on its own connection.
      const writer = Effect.gen(function* () {
        for (let i = 0; i < events.length; i += 150) {
          yield* appendAll(url, events.slice(i, i + 150), 50)
          yield* Effect.yieldNow
        }
      })
      yield* Effect.all([writer, a.catchUp, b.catchUp, a.catchUp, b.catchUp], { concurrency: "unbounded" })
      yield* Effect.all([a.catchUp, b.catchUp], { concurrency: "unbounded" })
      expect(lost, "the projectors did race").toBeGreaterThan(0)
      const expected = historyRecords(projectHistory(events))
      expect((yield* everyPage(a, {}, 1_000)).flat()).toEqual(expected)
      expect((yield* everyPage(b, {}, 1_000)).flat()).toEqual(expected)
      expect(yield* positionOf(url)).toBe(events.length)
    }),
  )

  it.live("E8 pages by cursor and filters: the libSQL and the in-memory read models answer the same", () =>
    Effect.gen(function* () {
      const url = yield* tempDbUrl
      const events = day(150)
      yield* appendAll(url, events)
      const sql = yield* makeLibsqlHistory(yield* openDatabase(url))
      yield* sql.catchUp
      const store = makeMemoryStore()
      yield* store.append(CENTER_STREAM, 0, events, [])
      const memory = yield* makeMemoryHistory(store)
      const all = historyRecords(projectHistory(events))
      const queries: HistoryQuery[] = [
        {},
        { queueId: "sales" },
        { repId: "ben" },
        { outcome: "completed" },
        { outcome: "abandoned", queueId: "billing" },
        { from: T0 + 10_000, to: T0 + 30_000 },
        { from: T0 + 10_000, queues: ["billing", "support"] },
        { queues: [] },
        { queueId: "nope" },
      ]
      for (const query of queries) {
        const wanted = all.filter((r) => matchesHistoryQuery(r, query))
        for (const limit of [1, 7, 100]) {
          const pages = yield* everyPage(sql, query, limit)
          expect(pages.flat(), JSON.stringify({ query, limit })).toEqual(wanted)
          expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true)
          expect(yield* everyPage(memory, query, limit)).toEqual(pages)
        }
        const analytics = yield* sql.analytics(query)
        expect(analytics).toEqual(historyAnalytics(wanted))
        expect(yield* memory.analytics(query)).toEqual(analytics)
        expect(yield* Stream.runCollect(sql.exportRows(query))).toEqual(wanted)
      }
      expect(all.length).toBe(150)
      expect(new Set(all.map((r) => r.outcome))).toEqual(
        new Set(["completed", "abandoned", "answered", "waiting"]),
      )
    }),
  )
})
