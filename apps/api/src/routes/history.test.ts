import { VirtualClock } from "@lifeline/adapters"
import type { HistoryRecord } from "@lifeline/core/history"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { buildApp } from "../app"
import { parseApiKeys } from "../auth/keys"
import { type ApiHarness, apiHarness, KEYS, T0 } from "../test-kit"

let h: ApiHarness
beforeEach(async () => {
  h = await apiHarness()
})
afterEach(() => h.dispose())

/** A supervisor key of the sales queue only. */
const SUP = "history-test-supervisor-sales-key"

const get = (path: string, key: string = KEYS.admin) => h.request(key, "GET", path)
const advance = (ms: number) => h.runtime.runPromise(Effect.flatMap(VirtualClock, (c) => c.advanceBy(ms)))

/** 24 more items, one a second, over the three demo queues. */
const enqueueDay = async () => {
  for (let i = 0; i < 24; i++) {
    await advance(1_000)
    const res = await h.request(KEYS.integrator, "POST", "/api/items", {
      itemId: `h-${String(i).padStart(2, "0")}`,
      queueId: ["billing", "support", "sales"][i % 3],
    })
    expect(res.status).toBe(201)
  }
}

/** Every page of a query, following X-Next-Cursor; and the Link headers seen. */
const pages = async (query: string, key: string = KEYS.admin) => {
  const out: HistoryRecord[][] = []
  const links: string[] = []
  let cursor: string | null = null
  do {
    const res = await get(`/api/history?${query}${cursor === null ? "" : `&cursor=${cursor}`}`, key)
    expect(res.status).toBe(200)
    out.push((await res.json()) as HistoryRecord[])
    cursor = res.headers.get("x-next-cursor")
    if (cursor !== null) links.push(res.headers.get("link") ?? "")
  } while (cursor !== null)
  return { pages: out, links }
}

const inOrder = (records: readonly HistoryRecord[]) =>
  [...records].sort((a, b) => a.arrivedAt - b.arrivedAt || (a.itemId < b.itemId ? -1 : 1))

describe("GET /api/history by cursor and filters (issue 22, E8)", () => {
  it("E8 N1 pages by an opaque cursor: every record once, in arrival order; the next page is named in X-Next-Cursor and Link", async () => {
    await enqueueDay()
    const whole = (await (await get("/api/history")).json()) as HistoryRecord[]
    expect(whole).toHaveLength(32) // the demo's 8 calls and 24 more: under the default page of 100
    expect(whole).toEqual(inOrder(whole))
    const { pages: paged, links } = await pages("limit=5")
    expect(paged.map((p) => p.length)).toEqual([5, 5, 5, 5, 5, 5, 2])
    expect(paged.flat()).toEqual(whole)
    expect(links[0]).toMatch(/^<\/api\/history\?limit=5&cursor=[\w-]+>; rel="next"$/)
    // The last page names no next one.
    const last = await get(`/api/history?limit=100`)
    expect(last.headers.get("x-next-cursor")).toBeNull()
  })

  it("E8 filters by queue, rep, outcome and arrival time, alone and together, page after page", async () => {
    await enqueueDay()
    const whole = (await (await get("/api/history?limit=1000")).json()) as HistoryRecord[]
    const from = new Date(T0 + 5_000).toISOString()
    const to = new Date(T0 + 15_000).toISOString()
    const cases: [string, (r: HistoryRecord) => boolean][] = [
      ["queueId=sales", (r) => r.queueId === "sales"],
      ["repId=ben", (r) => r.repId === "ben"],
      ["outcome=waiting", (r) => r.outcome === "waiting"],
      [`from=${from}&to=${to}`, (r) => r.arrivedAt >= T0 + 5_000 && r.arrivedAt < T0 + 15_000],
      [
        `queueId=billing&outcome=waiting&from=${from}`,
        (r) => r.queueId === "billing" && r.outcome === "waiting" && r.arrivedAt >= T0 + 5_000,
      ],
    ]
    for (const [query, keep] of cases) {
      const wanted = whole.filter(keep)
      expect(wanted.length, query).toBeGreaterThan(0)
      expect((await pages(`${query}&limit=3`)).pages.flat(), query).toEqual(wanted)
      // Analytics over the same filter count the same records.
      const analytics = (await (await get(`/api/history/analytics?${query}`)).json()) as { calls: number }[]
      expect(
        analytics.reduce((sum, a) => sum + a.calls, 0),
        query,
      ).toBe(wanted.length)
      // The export streams the same rows: a header, one line each, and the final line break.
      const csv = await (await get(`/api/history/export.csv?${query}`)).text()
      expect(
        csv
          .split("\r\n")
          .slice(1, -1)
          .map((line) => line.split(",")[0]),
        query,
      ).toEqual(wanted.map((r) => r.itemId))
    }
  })

  it("N4 a supervisor's pages, analytics and export hold their queues' records only", async () => {
    await enqueueDay()
    const app = buildApp(h.runtime, { keys: parseApiKeys(`${SUP}=supervisor:sales`), hub: h.hub })
    const as = (path: string) => app.request(path, { headers: { authorization: `Bearer ${SUP}` } })
    const records = (await (await as("/api/history?limit=1000")).json()) as HistoryRecord[]
    expect(records.length).toBeGreaterThan(0)
    expect(new Set(records.map((r) => r.queueId))).toEqual(new Set(["sales"]))
    expect(await (await as("/api/history?queueId=billing")).json()).toEqual([])
    const analytics = (await (await as("/api/history/analytics")).json()) as { queueId: string }[]
    expect(analytics.map((a) => a.queueId)).toEqual(["sales"])
    const csv = await (await as("/api/history/export.csv")).text()
    expect(csv.split("\r\n").length).toBe(records.length + 2)
  })

  it("N3 a bad parameter is a 400 naming it, on the page, the analytics and the export", async () => {
    const cases: [string, string][] = [
      ["limit=0", "limit"],
      ["limit=1001", "limit"],
      ["limit=ten", "limit"],
      ["cursor=not-a-cursor", "cursor"],
      ["from=yesterday", "from"],
      ["to=2026-02-31T00:00:00Z", "to"],
      ["from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to"],
      ["outcome=lost", "outcome"],
      ["queueId=", "queueId"],
      ["queue=sales", "queue"],
    ]
    for (const [query, field] of cases) {
      const res = await get(`/api/history?${query}`)
      expect(res.status, query).toBe(400)
      expect(await res.json(), query).toMatchObject({ error: { code: "InvalidField", field } })
    }
    for (const path of ["/api/history/analytics", "/api/history/export.csv"]) {
      for (const [query, field] of [
        ["outcome=lost", "outcome"],
        ["limit=5", "limit"],
      ] as const) {
        const res = await get(`${path}?${query}`)
        expect(res.status, `${path}?${query}`).toBe(400)
        expect(await res.json()).toMatchObject({ error: { field } })
      }
    }
  })
})
