import { it } from "@effect/vitest"
import {
  type CallbackListQuery,
  type CallbackListRecord,
  type CallbackReadModel,
  callbackListPageOf,
  DEFAULT_RETRY,
  projectCallbackList,
} from "@lifeline/core/callback"
import type { CenterEvent } from "@lifeline/core/center"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { openDatabase } from "../store/libsql/open"
import { appendAll, tempDbUrl } from "../store/libsql/test-db"
import { makeLibsqlCallbacks } from "./callbacks-libsql"

const T0 = Date.UTC(2026, 11, 1, 9, 0)
const QUEUES = ["billing", "support"]

/**
 * `n` callbacks in the center's stream, each with its own fate (I2, C7, C8, B1): waiting for its
 * window, queued, dialled and served, failed and retrying, cancelled, joined by a second request.
 * Several are requested in the same millisecond (pages must order them by id).
 */
const day = (n: number, first = 0): CenterEvent[] => {
  const out: CenterEvent[] = []
  for (let i = first; i < first + n; i++) {
    const callbackId = `cb-${String(i).padStart(4, "0")}`
    const at = T0 + Math.floor(i / 3) * 1_000
    const windowed = i % 6 === 0
    out.push({
      _tag: "CallbackRequested",
      callbackId,
      number: `+1555010${String(i % 50).padStart(4, "0")}`,
      from: "",
      queueId: QUEUES[i % QUEUES.length] as string,
      source: "scheduled",
      window: windowed ? { start: at + 3_600_000, end: at + 7_200_000 } : null,
      priority: 0,
      attributes: {},
      retry: DEFAULT_RETRY,
      deadline: at + 7_200_000,
      deadlineReason: "window_ended",
      at,
    })
    if (windowed) continue
    out.push({
      _tag: "ItemQueued",
      itemId: callbackId,
      queueId: "q",
      priority: 0,
      attributes: {},
      at,
      via: null,
    })
    const callId = `${callbackId}~dial~1`
    const dialled = {
      _tag: "CallbackDialed",
      callbackId,
      attempt: 1,
      callId,
      messageId: `callback~${callId}`,
      repId: "ana",
      offerId: `${callbackId}~1`,
      noAnswerAt: at + 60_000,
      at: at + 10,
    } as const
    switch (i % 6) {
      case 1:
        out.push(dialled, { _tag: "CallbackConnected", callbackId, callId, repId: "ana", at: at + 20 })
        out.push({ _tag: "CallbackClosed", callbackId, reason: "served", attempts: 0, at: at + 90_000 })
        break
      case 2:
        out.push(dialled, {
          _tag: "CallbackAttemptFailed",
          callbackId,
          attempt: 1,
          callId,
          reason: "busy",
          retryAt: at + 300_000,
          at: at + 30,
        })
        break
      case 3:
        out.push({ _tag: "CallbackCancelled", callbackId, at: at + 40 })
        out.push({ _tag: "CallbackClosed", callbackId, reason: "cancelled", attempts: 0, at: at + 40 })
        break
      case 4:
        out.push({
          _tag: "CallbackJoined",
          callbackId,
          requestId: `req-${i}`,
          source: "scheduled",
          at: at + 50,
        })
        break
      default:
        break
    }
    // Something the list does not read, between a callback's events.
    out.push({ _tag: "ProviderEventHandled", eventId: `ev-${i}`, at })
  }
  return out
}

const everyPage = (model: CallbackReadModel["Service"], query: CallbackListQuery, limit: number) =>
  Effect.gen(function* () {
    const records: CallbackListRecord[] = []
    let after = null as Parameters<typeof model.page>[2]
    for (;;) {
      const page = yield* model.page(query, limit, after)
      records.push(...page.records)
      if (page.next === null) return records
      after = page.next
    }
  })

/** What the memory read model answers: the same pure projection and filters. */
const expected = (events: readonly CenterEvent[], query: CallbackListQuery) => {
  const records = new Map<string, CallbackListRecord>()
  projectCallbackList(records, events)
  return callbackListPageOf(records.values(), query, Number.MAX_SAFE_INTEGER, null).records
}

describe("the callback list in libSQL (I2, issue 20)", () => {
  it.live("I2 every filter and page agrees with the pure projection; the checkpoint survives a restart", () =>
    Effect.gen(function* () {
      const url = yield* tempDbUrl
      const first = day(90)
      yield* appendAll(url, first)
      yield* Effect.scoped(
        Effect.flatMap(openDatabase(url), (client) =>
          Effect.flatMap(makeLibsqlCallbacks(client, { batchEvents: 40 }), (m) => m.catchUp),
        ),
      )
      const later = day(30, 90)
      yield* appendAll(url, later)
      const events = [...first, ...later]
      const queries: CallbackListQuery[] = [
        {},
        { status: "open" },
        { status: "closed" },
        { status: "retry_wait" },
        { queueId: "support" },
        { number: "+15550100007" },
        { from: T0 + 5_000, to: T0 + 20_000 },
        { queues: ["billing"], status: "scheduled" },
        { queues: [] },
      ]
      const results = yield* Effect.scoped(
        Effect.gen(function* () {
          // A new life: a new connection and read model on the same file resume at the checkpoint.
          const model = yield* makeLibsqlCallbacks(yield* openDatabase(url), { batchEvents: 40 })
          expect(yield* model.catchUp).toBe(events.length)
          return yield* Effect.forEach(queries, (q) => everyPage(model, q, 7))
        }),
      )
      queries.forEach((q, i) => {
        expect(results[i], JSON.stringify(q)).toEqual(expected(events, q))
      })
      expect(results[0]?.length).toBe(120)
      expect(results[0]?.[0]?.callbackId).toBe("cb-0119")
      expect(results[2]?.every((r) => r.outcome === "served" || r.outcome === "cancelled")).toBe(true)
      expect(results[3]?.every((r) => r.attempts === 1)).toBe(true)
    }),
  )
})
