import { createClient } from "@libsql/client"
import { CENTER_STREAM } from "@lifeline/core/center"
import { describe, expect, it } from "vitest"
import { startSqld } from "../durability/sqld"
import { apiCall, openEvents, opsKit, type SseMessage } from "./kit"

/**
 * Issue 22 (SPEC N1), "Must show": three API nodes on one sqld. Items, callbacks and
 * configuration are changed through two of them (A and B); the third never writes. Within 1 s of
 * the last write every read answers the same on all three nodes: history (every page), its
 * analytics and export, the audit trail, notification deliveries, the emergency operator log and
 * notifications, queue views and waiting positions, reps and presences, callbacks, and the live
 * streams (SSE): the idle node's supervisor views, and on every node the reps' own streams, which
 * must carry every event about the rep that any node stored. Each read is polled on its own until
 * the nodes agree and the answer holds what was written (the last writes go through A and B at
 * once, touching every read); the time it took is printed per read.
 */
const { tempDir, start, stop } = opsKit("nodes-converge")

const ADMIN = "demo-admin-key"
const INTEGRATOR = "demo-integrator-key"
const repKey = (repId: string) => `demo-rep-${repId}`
const CONVERGE_MS = 1_000
/** How long a read is polled at most: past CONVERGE_MS only to say by how much it missed. */
const GIVE_UP_MS = 5_000
/**
 * Between two rounds of one read. The nodes share this process with the pollers (some 25 reads
 * on three nodes at once): polling harder would slow the nodes it measures.
 */
const POLL_MS = 50

const getJson = async (url: string, path: string, key = ADMIN): Promise<unknown> =>
  JSON.parse((await apiCall(url, key, "GET", path)).text) as unknown

/** Every page of a cursor-paged read: `page` answers the rows and the next cursor (or null). */
const allPages = async <R>(page: (cursor: string | null) => Promise<{ rows: R[]; next: string | null }>) => {
  const rows: R[] = []
  let cursor: string | null = null
  do {
    const answer: { rows: R[]; next: string | null } = await page(cursor)
    rows.push(...answer.rows)
    cursor = answer.next
  } while (cursor !== null)
  return rows
}

interface HistoryRow {
  readonly itemId: string
  readonly queueId: string
  readonly outcome: string
  readonly repId: string | null
}

/** GET /api/history, every page (a small page size, so paging itself is compared too). */
const history = (url: string) =>
  allPages<HistoryRow>(async (cursor) => {
    const res = await apiCall(
      url,
      ADMIN,
      "GET",
      `/api/history?limit=7${cursor === null ? "" : `&cursor=${cursor}`}`,
    )
    return { rows: JSON.parse(res.text) as HistoryRow[], next: res.headers.get("x-next-cursor") }
  })

interface AuditRow {
  readonly target: string
  readonly kind: string
}

/** GET /api/audit, every page oldest first (`next` is the following page's `after`). */
const audit = (url: string) =>
  allPages<AuditRow>(async (cursor) => {
    const page = (await getJson(url, `/api/audit?limit=5${cursor === null ? "" : `&after=${cursor}`}`)) as {
      entries: AuditRow[]
      next: number | null
    }
    return { rows: page.entries, next: page.next === null ? null : String(page.next) }
  })

/** JSON with object keys sorted: the same event decoded by two paths compares equal. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  )

/** A read that must converge: the answers to compare, and what the agreed answer must hold. */
interface Read {
  readonly name: string
  readonly answers: () => Promise<readonly unknown[]>
  readonly holds: (answer: unknown) => boolean
}

interface Converged {
  readonly name: string
  /** From the last write to the asking of the round that agreed; null: not within GIVE_UP_MS. */
  readonly ms: number | null
  readonly last: readonly unknown[]
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Poll one read until its answers are alike and hold what was written, or GIVE_UP_MS passed. */
const converge = async (read: Read, since: number): Promise<Converged> => {
  for (;;) {
    const asked = Date.now()
    // A read that fails (a 500, say) is a read that has not converged: the others go on.
    const answered = await read.answers().then(
      (answers) => ({ ok: true as const, answers }),
      (error: unknown) => ({ ok: false as const, answers: [`failed: ${String(error)}`] }),
    )
    const last = answered.answers
    const [first] = last
    if (answered.ok && last.every((a) => canonical(a) === canonical(first)) && read.holds(first))
      return { name: read.name, ms: asked - since, last }
    if (Date.now() - since > GIVE_UP_MS) return { name: read.name, ms: null, last }
    await sleep(POLL_MS)
  }
}

/** What differs when a read did not converge: the size or the start of each node's answer. */
const describeMiss = (c: Converged) => {
  const sizes = c.last
    .map((a) => (Array.isArray(a) ? `${a.length} rows` : canonical(a).slice(0, 160)))
    .join(" | ")
  const [first, second] = c.last
  if (!Array.isArray(first) || !Array.isArray(second)) return `${c.name}: ${sizes}`
  // The rows the first answer lacks, and those it has that the second lacks (first few of each).
  const lacks = (x: unknown[], y: unknown[]) => {
    const have = new Set(x.map(canonical))
    return y
      .map(canonical)
      .filter((row) => !have.has(row))
      .slice(0, 3)
      .map((row) => row.slice(0, 200))
  }
  return `${c.name}: ${sizes}; first lacks ${JSON.stringify(lacks(first, second))}, has more ${JSON.stringify(lacks(second, first))}`
}

const QUEUES = ["billing", "support", "sales", "conv-q"] as const
/** Reps whose own live streams are followed: both make an emergency call (E7: their own events). */
const REPS = ["ana", "ben"] as const

interface QueueView {
  readonly queueId: string
  readonly repsByPresence: { readonly available: number }
}

/** A GET that may answer 404 while the node has not seen the entity yet: null then. */
const getKnown = async (url: string, path: string): Promise<unknown> => {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })
  if (res.status === 404) return null
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as unknown
}

/** A dial through a node, as the rep; answers the HTTP status (201 started, 422 refused). */
const dial = async (url: string, repId: string, region: string) => {
  const res = await fetch(`${url}/api/reps/${repId}/emergency`, {
    method: "POST",
    headers: { authorization: `Bearer ${repKey(repId)}`, "content-type": "application/json" },
    body: JSON.stringify({ dialString: "911", location: { region } }),
  })
  return { status: res.status, body: (await res.json()) as { sessionId?: string } }
}

/**
 * The last writes, all at once through A and B, so that every read has something written last
 * to show: an item and a callback into conv-q, an overflow rule and a presence (the audit trail,
 * presences), dan signing in (queue views, reps), ben's emergency call (a delivery, the summary)
 * and caro's refused one (the operator log). Answers when the last of them was answered.
 */
const lastWrites = async (a: string, b: string) => {
  const started = await Promise.all([
    apiCall(a, INTEGRATOR, "POST", "/api/items", { itemId: "conv-last", queueId: "conv-q" }),
    apiCall(b, ADMIN, "PUT", "/api/queues/sales/overflow", {
      rules: [{ condition: { _tag: "OwnWaitAbove", ms: 900_000 }, action: { _tag: "EndCall" } }],
    }),
    apiCall(a, INTEGRATOR, "POST", "/api/callbacks", {
      callbackId: "cb-conv-last",
      number: "+15557650201",
      queueId: "conv-q",
    }),
    apiCall(b, ADMIN, "POST", "/api/presences", { presenceId: "meeting", label: "Meeting", base: "away" }),
    apiCall(b, repKey("dan"), "PUT", "/api/reps/dan/presence", { presenceId: "available" }),
    dial(b, "ben", "US"),
    dial(a, "caro", "FR"),
  ])
  const [benDial, caroDial] = started.slice(-2) as Awaited<ReturnType<typeof dial>>[]
  expect([benDial?.status, caroDial?.status]).toEqual([201, 422])
  return Date.now()
}

type Log = ReturnType<typeof createClient>

/** A copy of an object answer without one key. */
const withoutKey = (value: unknown, key: string): unknown => {
  const { [key]: _left, ...rest } = value as Record<string, unknown>
  return rest
}

/** The queue views of a supervisor stream's newest `queues` message. */
const newestViews = (messages: readonly SseMessage[]) => {
  const data = messages.filter((m) => m.event === "queues").at(-1)?.data
  return data === undefined
    ? undefined
    : (JSON.parse(data) as { queueId: string; callbacksPending: number }[])
}

/** The center stream's version as stored. */
const versionOf = async (log: Log) =>
  Number(
    (await log.execute({ sql: "SELECT version FROM streams WHERE stream = ?", args: [CENTER_STREAM] }))
      .rows[0]?.[0] ?? 0,
  )

/** The events of a rep stream's `events` messages, of the batches after `version`. */
const receivedAfter = (messages: readonly SseMessage[], version: number) =>
  messages
    .filter((m) => m.event === "events" && Number(m.id) > version)
    .flatMap((m) => JSON.parse(m.data) as unknown[])

/** The stored events after `version` that a rep's stream carries (those naming the rep). */
const storedAbout = async (log: Log, repId: string, version: number) =>
  (
    await log.execute({
      sql: "SELECT payload FROM events WHERE stream = ? AND version > ? ORDER BY version",
      args: [CENTER_STREAM, version],
    })
  ).rows
    .map((row) => JSON.parse(String(row[0])) as { repId?: unknown })
    .filter((e) => e.repId === repId)

describe("every read converges on three nodes, the idle one included (issue 22, N1)", () => {
  it("N1 items, callbacks, configuration and an emergency changed through two nodes: within 1 s every read and every live stream answers the same, the idle node's included", async () => {
    const sqld = await startSqld(tempDir())
    const log = createClient({ url: sqld.url })
    const streams: Awaited<ReturnType<typeof openEvents>>[] = []
    const nodes: Awaited<ReturnType<typeof start>>[] = []
    try {
      const [a, b, idle] = [await start(sqld.url), await start(sqld.url), await start(sqld.url)]
      nodes.push(a, b, idle)
      const onAll = (ask: (url: string) => Promise<unknown>) => () =>
        Promise.all(nodes.map((n) => ask(n.url)))

      // Live streams, open before anything is written: the idle node's supervisor views, and the
      // reps' own streams on every node (a writer's must show the other writer's events too).
      const views = await openEvents(idle.url, ADMIN)
      const named = { A: a, B: b, idle } as const
      const repStreams = new Map<string, Awaited<ReturnType<typeof openEvents>>>()
      for (const [name, node] of Object.entries(named))
        for (const repId of REPS)
          repStreams.set(`${repId} on ${name}`, await openEvents(node.url, repKey(repId)))
      streams.push(views, ...repStreams.values())
      await sleep(600)
      const before = await versionOf(log)

      // Configuration (the audit trail): a queue through A, a member through B, an overflow rule
      // through A, a rep's emergency contacts through B.
      await apiCall(a.url, ADMIN, "POST", "/api/queues", {
        queueId: "conv-q",
        name: "Converge",
        members: ["dan"],
      })
      await apiCall(b.url, ADMIN, "POST", "/api/queues/conv-q/members", { repId: "eve" })
      await apiCall(a.url, ADMIN, "PUT", "/api/queues/conv-q/overflow", {
        rules: [
          {
            condition: { _tag: "OwnWaitAbove", ms: 600_000 },
            action: { _tag: "TransferToQueue", queueId: "support" },
          },
        ],
      })
      await apiCall(b.url, ADMIN, "PUT", "/api/reps/caro/emergency-contacts", {
        contacts: "floor@example.com",
      })

      // E9, B6: ana's emergency call through A emails her two contacts (a delivery to read);
      // E1: ben's from an unsupported region through B is refused and logged for the operator.
      const anaDial = await dial(a.url, "ana", "US")
      expect([anaDial.status, (await dial(b.url, "ben", "FR")).status]).toEqual([201, 422])
      await apiCall(b.url, repKey("ana"), "POST", "/api/reps/ana/emergency/end", {
        sessionId: anaDial.body.sessionId,
      })

      // Items through both nodes into staffed and unstaffed queues.
      const itemIds: string[] = []
      for (let i = 0; i < 24; i++) {
        const itemId = `conv-${i}`
        itemIds.push(itemId)
        await apiCall(i % 3 === 2 ? b.url : a.url, INTEGRATOR, "POST", "/api/items", {
          itemId,
          queueId: ["billing", "support", "sales", "conv-q"][i % 4],
        })
      }
      // The demo's calls in progress are completed through B; their reps get the waiting items next.
      const talking = (await history(a.url)).filter((r) => r.outcome === "answered")
      expect(talking.length).toBeGreaterThan(0)
      for (const r of talking) {
        await apiCall(b.url, ADMIN, "POST", `/api/items/${r.itemId}/complete`, { repId: r.repId })
      }
      // ana accepts her next offer through A (made by B's completion) and completes it through B.
      let anaOffer: { offerId: string; itemId: string } | undefined
      const offerDeadline = Date.now() + 5_000
      while (anaOffer === undefined && Date.now() < offerDeadline) {
        anaOffer = (
          (await getJson(a.url, "/api/reps/ana/offers", repKey("ana"))) as {
            offerId: string
            itemId: string
          }[]
        )[0]
        if (anaOffer === undefined) await sleep(50)
      }
      expect(anaOffer, "an offer to ana after her call was completed").toBeDefined()
      const taken = anaOffer as { offerId: string; itemId: string }
      await apiCall(a.url, repKey("ana"), "POST", `/api/offers/${encodeURIComponent(taken.offerId)}/accept`)
      await apiCall(b.url, repKey("ana"), "POST", `/api/items/${encodeURIComponent(taken.itemId)}/complete`)

      // Callbacks (C7, B3): one through A; the same number through B joins it; a scheduled one through B.
      const number = "+15557650199"
      const first = JSON.parse(
        (
          await apiCall(a.url, INTEGRATOR, "POST", "/api/callbacks", {
            callbackId: "cb-conv",
            number,
            queueId: "sales",
          })
        ).text,
      ) as { callbackId: string; joined: boolean }
      const again = JSON.parse(
        (
          await apiCall(b.url, INTEGRATOR, "POST", "/api/callbacks", {
            callbackId: "cb-conv-again",
            number,
            queueId: "sales",
          })
        ).text,
      ) as { callbackId: string; joined: boolean }
      expect(first).toEqual({ callbackId: "cb-conv", joined: false })
      expect(again, "B3 through the other node").toEqual({ callbackId: "cb-conv", joined: true })
      const hour = 60 * 60_000
      const startsAt = Date.now() + hour
      await apiCall(b.url, INTEGRATOR, "POST", "/api/callbacks", {
        callbackId: "cb-conv-later",
        number: "+15557650200",
        queueId: "support",
        window: { start: startsAt, end: startsAt + hour },
      })
      // The last writes, at once through A and B (their appends race): one that every read shows.
      const began = Date.now()
      const wrote = await lastWrites(a.url, b.url)

      const callbackIds = ["cb-conv", "cb-conv-later", "cb-conv-last"]
      const convQueue = [...itemIds.filter((_, i) => i % 4 === 3), "conv-last", "cb-conv-last"]
      const danAvailable = (views: unknown) =>
        (views as QueueView[]).find((q) => q.queueId === "conv-q")?.repsByPresence.available === 1
      const reads: Read[] = [
        {
          name: "history (all pages)",
          answers: onAll(history),
          holds: (rows) => {
            const byId = new Map((rows as HistoryRow[]).map((r) => [r.itemId, r]))
            return (
              [...itemIds, ...callbackIds, "conv-last"].every((id) => byId.has(id)) &&
              talking.every((t) => byId.get(t.itemId)?.outcome === "completed") &&
              byId.get(taken.itemId)?.outcome === "completed" &&
              byId.get("cb-conv-later")?.outcome === "scheduled" &&
              (rows as HistoryRow[]).filter((r) => r.queueId === "conv-q").length === convQueue.length
            )
          },
        },
        {
          name: "history analytics",
          answers: onAll((url) => getJson(url, "/api/history/analytics")),
          holds: (list) =>
            (list as { queueId: string; calls: number }[]).find((q) => q.queueId === "conv-q")?.calls ===
            convQueue.length,
        },
        {
          name: "history export.csv",
          answers: onAll(async (url) => (await apiCall(url, ADMIN, "GET", "/api/history/export.csv")).text),
          holds: (csv) =>
            [...itemIds, ...callbackIds, "conv-last"].every((id) => (csv as string).includes(id)),
        },
        {
          name: "audit trail (all pages)",
          answers: onAll(audit),
          holds: (rows) =>
            [
              "queues/conv-q",
              "queues/conv-q/members",
              "queues/conv-q/overflow",
              "reps/caro/emergency-contacts",
              "queues/sales/overflow",
            ].every((target) => (rows as AuditRow[]).some((r) => r.target === target)),
        },
        {
          // ana's two contacts, then ben's one.
          name: "deliveries",
          answers: onAll((url) => getJson(url, "/api/deliveries")),
          holds: (list) => (list as unknown[]).length === 3,
        },
        {
          name: "emergency notifications",
          answers: onAll((url) => getJson(url, "/api/emergency/notifications")),
          holds: (list) => (list as unknown[]).length === 3,
        },
        {
          name: "emergency operator log",
          answers: onAll((url) => getJson(url, "/api/emergency/log")),
          holds: (list) =>
            ["ben", "caro"].every((repId) =>
              (list as { _tag: string; repId?: string }[]).some(
                (r) => r._tag === "EmergencyDialRefused" && r.repId === repId,
              ),
            ),
        },
        {
          name: "emergency summary",
          answers: onAll((url) => getJson(url, "/api/emergency/summary")),
          holds: (summary) => (summary as { activeEmergencies: number }).activeEmergencies === 1,
        },
        { name: "queue views", answers: onAll((url) => getJson(url, "/api/queues")), holds: danAvailable },
        {
          name: "queue details",
          answers: onAll((url) => Promise.all(QUEUES.map((q) => getJson(url, `/api/queues/${q}`)))),
          holds: danAvailable,
        },
        {
          // Without the effective priority: it ages with the clock (R3), not with what was written.
          name: "waiting positions",
          answers: onAll((url) =>
            Promise.all(
              [...itemIds, "conv-last"].map(async (id) => {
                const view = await getKnown(url, `/api/items/${id}/position`)
                return view === null ? null : withoutKey(view, "effectivePriority")
              }),
            ),
          ),
          holds: (list) => (list as unknown[]).every((v) => v !== null),
        },
        {
          name: "reps (presence)",
          answers: onAll((url) => getJson(url, "/api/reps")),
          holds: (list) =>
            (list as { repId: string; presenceId: string }[]).some(
              (r) => r.repId === "dan" && r.presenceId === "available",
            ),
        },
        {
          name: "presences",
          answers: onAll((url) => getJson(url, "/api/presences")),
          holds: (list) => canonical(list).includes('"meeting"'),
        },
        {
          name: "callbacks",
          answers: onAll((url) =>
            Promise.all(callbackIds.map((id) => getKnown(url, `/api/callbacks/${id}`))),
          ),
          holds: (list) => (list as unknown[]).every((v) => v !== null),
        },
        {
          // The idle node's supervisor stream: its newest queue views are the views every node
          // answers (the stream's also count pending callbacks, C5: checked apart).
          name: "SSE queue views (idle node)",
          answers: async () => [
            (newestViews(views.messages) ?? []).map((v) => withoutKey(v, "callbacksPending")),
            await getJson(a.url, "/api/queues"),
            await getJson(b.url, "/api/queues"),
          ],
          holds: danAvailable,
        },
        {
          name: "SSE pending callbacks (idle node)",
          answers: async () => [
            (newestViews(views.messages) ?? []).map((v) => [v.queueId, v.callbacksPending]),
            [
              ["billing", 0],
              ["support", 1],
              ["sales", 1],
              ["conv-q", 1],
            ],
          ],
          holds: () => true,
        },
        ...[...repStreams].map(
          ([name, stream]): Read => ({
            // A rep's own stream: every event about the rep stored since it opened, whoever wrote it.
            name: `SSE ${name}`,
            answers: async () => [
              receivedAfter(stream.messages, before),
              await storedAbout(log, name.split(" ")[0] ?? "", before),
            ],
            holds: (events) =>
              (events as { _tag: string }[]).some((e) => e._tag === "EmergencySessionOpened"),
          }),
        ),
      ]

      const results = await Promise.all(reads.map((read) => converge(read, wrote)))
      console.log(
        `nodes-converge: ${await versionOf(log)} events; the last writes took ${wrote - began} ms; ` +
          `each read alike on 3 nodes this long after they were answered:\n${results
            .map(
              (r) => `  ${r.name.padEnd(34)} ${r.ms === null ? `not within ${GIVE_UP_MS} ms` : `${r.ms} ms`}`,
            )
            .join("\n")}`,
      )
      const missed = results.filter((r) => r.ms === null || r.ms >= CONVERGE_MS)
      expect(missed.map(describeMiss)).toEqual([])
    } finally {
      for (const s of streams) await s.close()
      log.close()
      for (const n of nodes) await stop(n)
      await sqld.stop()
    }
  }, 90_000)
})
