import { it } from "@effect/vitest"
import type { Actor, AuditQuery } from "@lifeline/core/audit"
import { CENTER_STREAM, type CenterEvent } from "@lifeline/core/center"
import { NOTIFICATION_PURPOSE } from "@lifeline/core/emergency"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { openDatabase } from "../store/libsql/open"
import { appendAll, tempDbUrl } from "../store/libsql/test-db"
import { makeMemoryStore } from "../store/memory-store"
import { makeLibsqlReadModels, makeMemoryReadModels, type ReadModels } from "./read-models"

const T0 = Date.UTC(2026, 11, 1, 9, 0)
const ADMIN: Actor = { role: "admin", name: "key 1" }
const REPS = ["ana", "ben", "caro", "dan"]

/**
 * `n` rounds of what the audit trail, deliveries and the operator log read (issue 22): settings
 * changed by an admin or by nobody, members added and removed, emails queued then sent, failed
 * for good, retried or cancelled, dials (not recorded), refused emergency dials and unanswered
 * PSAP callbacks, with events no read model reads between them.
 */
const rounds = (n: number): CenterEvent[] => {
  const out: CenterEvent[] = []
  for (let i = 0; i < n; i++) {
    const at = T0 + i * 1_000
    const repId = REPS[i % REPS.length] as string
    const stamp = i % 3 === 0 ? { at } : { at, actor: ADMIN }
    out.push({ _tag: "EmergencyContactsSet", repId, contacts: [`p${i}@x.example`], ...stamp })
    out.push({ _tag: "QueueMemberAdded", queueId: `q${i % 2}`, repId, ...stamp })
    if (i % 4 === 3) out.push({ _tag: "QueueMemberRemoved", queueId: `q${i % 2}`, repId, ...stamp })
    if (i % 5 === 0) out.push({ _tag: "NotificationTemplateSet", subject: `S${i}`, body: "B", ...stamp })
    const messageId = `emergency/s${i}/notify/1`
    const mail = { to: [`p${i}@x.example`], subject: "s", text: "t" }
    out.push({
      _tag: "OutboxQueued",
      messageId,
      message: { _tag: "Email", mail },
      purpose: i % 2 === 0 ? NOTIFICATION_PURPOSE : "other",
      ref: `s${i}`,
      at,
    })
    out.push({
      _tag: "OutboxQueued",
      messageId: `callback/c${i}/dial/1`,
      message: { _tag: "Telephony", action: { _tag: "HangUp", callId: `c${i}` } },
      purpose: "callback-dial",
      ref: `c${i}`,
      at,
    })
    out.push({ _tag: "ProviderEventHandled", eventId: `ev-${i}`, at })
    switch (i % 4) {
      case 0:
        out.push({ _tag: "OutboxSent", messageId, providerId: `re_${i}`, attempt: 1, at: at + 10 })
        break
      case 1:
        out.push({
          _tag: "OutboxFailed",
          messageId,
          reason: "invalid",
          attempt: 1,
          retryAt: null,
          at: at + 10,
        })
        break
      case 2:
        out.push({
          _tag: "OutboxFailed",
          messageId,
          reason: "429",
          attempt: 1,
          retryAt: at + 30_000,
          at: at + 10,
        })
        out.push({ _tag: "OutboxRetryDue", messageId, at: at + 30_000 })
        out.push({ _tag: "OutboxSent", messageId, providerId: null, attempt: 2, at: at + 30_010 })
        break
      default:
        out.push({ _tag: "OutboxCancelled", messageId, reason: "not wanted", at: at + 10 })
    }
    out.push({ _tag: "OutboxSent", messageId: `callback/c${i}/dial/1`, providerId: null, attempt: 1, at })
    if (i % 7 === 0)
      out.push({
        _tag: "EmergencyDialRefused",
        repId,
        dialString: "911",
        region: null,
        reasons: ["location_unknown"],
        message: "Use a local phone",
        at,
      })
    if (i % 9 === 0) out.push({ _tag: "PsapCallbackUnanswered", callId: `psap-${i}`, at })
  }
  return out
}

const AUDIT_QUERIES: readonly AuditQuery[] = [
  { limit: 1_000 },
  { limit: 7 },
  { limit: 5, order: "newest" },
  { limit: 1_000, target: "reps/ana" },
  { limit: 3, target: "queues/q1/members", after: 20 },
  { limit: 10, target: "queues", order: "newest", before: 200 },
  { limit: 1_000, target: "reps/an" },
  { limit: 1_000, since: T0 + 30_000, after: 10, before: 300 },
]

/** What an admin reads of the three read models (issue 22): every answer, as JSON carries it. */
const answers = (models: ReadModels) =>
  Effect.gen(function* () {
    const audit = yield* Effect.forEach(AUDIT_QUERIES, (q) => models.audit.page(q))
    const deliveries = []
    for (const purpose of [undefined, NOTIFICATION_PURPOSE]) {
      const query = purpose === undefined ? {} : { purpose }
      let after = null as Parameters<typeof models.deliveries.page>[2]
      for (;;) {
        const page = yield* models.deliveries.page(query, 4, after)
        deliveries.push(page.records)
        if (page.next === null) break
        after = page.next
      }
    }
    const log = [yield* models.operatorLog.latest(1_000), yield* models.operatorLog.latest(3)]
    return JSON.parse(JSON.stringify({ audit, deliveries, log }))
  })

describe("the audit trail, deliveries and the operator log in libSQL (issue 22, B6, E1, N1)", () => {
  it.live("N1 two projectors racing on one database answer what the memory read models answer", () =>
    Effect.gen(function* () {
      const url = yield* tempDbUrl
      const events = rounds(60)
      let lost = 0
      const [a, b] = yield* Effect.all(
        [1, 2].map(() =>
          Effect.flatMap(openDatabase(url), (client) =>
            makeLibsqlReadModels(client, { batchEvents: 11, onLostRace: () => lost++ }),
          ),
        ),
      )
      if (a === undefined || b === undefined) throw new Error("two sets of read models")
      const catchUp = (m: ReadModels) =>
        Effect.all([m.audit.catchUp, m.deliveries.catchUp, m.operatorLog.catchUp], {
          concurrency: "unbounded",
        })
      yield* appendAll(url, events.slice(0, 600))
      const writer = Effect.gen(function* () {
        for (let i = 600; i < events.length; i += 120) {
          yield* appendAll(url, events.slice(i, i + 120), 40)
          yield* Effect.yieldNow
        }
      })
      yield* Effect.all([writer, catchUp(a), catchUp(b), catchUp(a), catchUp(b)], {
        concurrency: "unbounded",
      })
      // Both catch up at once on their own connections: a step of one loses its claim to the other.
      yield* Effect.all([catchUp(a), catchUp(b)], { concurrency: "unbounded" })
      expect(yield* catchUp(a)).toEqual([events.length, events.length, events.length])
      expect(yield* catchUp(b)).toEqual([events.length, events.length, events.length])
      expect(lost, "the projectors did race").toBeGreaterThan(0)

      const memory = makeMemoryStore()
      yield* memory.append(CENTER_STREAM, 0, events, [])
      const expected = yield* answers(yield* makeMemoryReadModels(memory))
      expect(yield* answers(a)).toEqual(expected)
      expect(yield* answers(b)).toEqual(expected)

      // The answers say what they should, not only the same thing twice.
      const [all, firstSeven] = expected.audit
      expect(firstSeven.entries).toHaveLength(7)
      expect(firstSeven.next).toBe(firstSeven.entries[6].seq)
      expect(
        all.entries.filter((e: { target: string }) => e.target === "reps/ana/emergency-contacts")[1],
      ).toMatchObject({ before: ["p0@x.example"], after: ["p4@x.example"] })
      expect(expected.audit[6].entries).toEqual([])
      const records = expected.deliveries.flat()
      // Every email once per listing (all, then the notifications only), never a dial.
      expect(records).toHaveLength(60 + 30)
      // Failed for good: i % 4 === 1, odd rounds, none of them a notification.
      expect(records.filter((r: { status: string }) => r.status === "failed")).toHaveLength(15)
      expect(records.find((r: { attempts: number; status: string }) => r.attempts === 2)?.status).toBe("sent")
      expect(records.some((r: { messageId: string }) => r.messageId.startsWith("callback/"))).toBe(false)
      expect(expected.log[0].map((r: { _tag: string }) => r._tag).slice(0, 2)).toEqual([
        "EmergencyDialRefused",
        "PsapCallbackUnanswered",
      ])
      expect(expected.log[1]).toEqual(expected.log[0].slice(-3))
    }),
  )
})
