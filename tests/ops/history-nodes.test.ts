import { describe, expect, it } from "vitest"
import { startSqld } from "../durability/sqld"
import { opsKit } from "./kit"

/**
 * Issue 22 (SPEC N1): call history is a read model in SQL, so every node on one sqld answers the
 * same history, analytics and export within a second of a write, whether it wrote or not. Before,
 * each node kept its own projection, fed by what it wrote or caught up, and two nodes listed 48
 * and 38 records after the same 40 calls.
 */
const { tempDir, start, stop } = opsKit("history-nodes")

const ADMIN = "demo-admin-key"
const INTEGRATOR = "demo-integrator-key"
const CONVERGE_MS = 1_000

const call = async (url: string, key: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return { headers: res.headers, text }
}

interface Row {
  readonly itemId: string
  readonly outcome: string
  readonly repId: string | null
}

/** Every page of GET /api/history, following X-Next-Cursor. */
const allHistory = async (url: string, limit = 13) => {
  const pages: Row[][] = []
  let cursor: string | null = null
  do {
    const res = await call(
      url,
      ADMIN,
      "GET",
      `/api/history?limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`,
    )
    pages.push(JSON.parse(res.text) as Row[])
    cursor = res.headers.get("x-next-cursor")
  } while (cursor !== null)
  return pages.flat()
}

/** What a node answers: all of history, its analytics, and the export. */
const reads = async (url: string) => ({
  history: await allHistory(url),
  analytics: JSON.parse((await call(url, ADMIN, "GET", "/api/history/analytics")).text) as unknown,
  export: (await call(url, ADMIN, "GET", "/api/history/export.csv")).text,
})

describe("call history on several nodes (issue 22, N1)", () => {
  it("N1 items enqueued, answered and completed through two nodes: within 1 s all three nodes, the idle one included, answer the same history, analytics and export", async () => {
    const sqld = await startSqld(tempDir())
    try {
      const a = await start(sqld.url)
      const b = await start(sqld.url)
      const idle = await start(sqld.url)
      const ids: string[] = []
      // 30 items through A and 10 through B, interleaved, into staffed and unstaffed queues.
      for (let i = 0; i < 40; i++) {
        const node = i % 4 === 3 ? b : a
        const itemId = `conv-${i}`
        ids.push(itemId)
        await call(node.url, INTEGRATOR, "POST", "/api/items", {
          itemId,
          queueId: ["billing", "support", "sales"][i % 3],
        })
      }
      // The demo's calls in progress are completed through B: their reps take waiting items next.
      let talking: Row[] = []
      await expect
        .poll(async () => {
          talking = (await allHistory(a.url)).filter((r) => r.outcome === "answered")
          return talking.length
        })
        .toBeGreaterThan(0)
      for (const r of talking) {
        await call(b.url, ADMIN, "POST", `/api/items/${r.itemId}/complete`, { repId: r.repId })
      }
      const wrote = Date.now()

      let same = false
      let last: Awaited<ReturnType<typeof reads>>[] = []
      // When the reads that first agreed were asked (each round of reads takes a while itself).
      let asked = wrote
      while (!same && Date.now() - wrote < 5_000) {
        asked = Date.now()
        last = await Promise.all([a, b, idle].map((n) => reads(n.url)))
        same =
          last.every((r) => JSON.stringify(r) === JSON.stringify(last[0])) &&
          ids.every((id) => last[0]?.history.some((r) => r.itemId === id)) &&
          talking.every((t) => last[0]?.history.find((r) => r.itemId === t.itemId)?.outcome === "completed")
        if (!same) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const took = asked - wrote
      expect(same, JSON.stringify(last.map((r) => r.history.length))).toBe(true)
      expect(took).toBeLessThan(CONVERGE_MS)
      const [answer] = last
      expect(new Set(answer?.history.map((r) => r.itemId)).size).toBe(answer?.history.length)
      expect(answer?.export.split("\r\n").length).toBe((answer?.history.length ?? 0) + 2)
      console.log(
        `history-nodes: ${answer?.history.length} records alike on 3 nodes ${took} ms after the last write`,
      )
      for (const n of [a, b, idle]) await stop(n)
    } finally {
      await sqld.stop()
    }
  }, 60_000)
})
