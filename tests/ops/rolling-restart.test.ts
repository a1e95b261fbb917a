import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { lifelineClient } from "@lifeline/api/client"
import { isRoutingEvent } from "@lifeline/core/routing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadCenter, notificationsMissing, sessionViolations } from "../durability/center-invariants"
import { bundleChild, type Child, migrationsFolder, startChild } from "../durability/processes"
import { routingViolations } from "../durability/routing-invariants"
import { type Sqld, startSqld } from "../durability/sqld"

/**
 * Issue 9, rolling restart: two API nodes (the real bundled main) share one sqld. Under a load of
 * durable commands spread over both, like a load balancer that retries the other node, each node
 * in turn gets SIGTERM, exits and is started again. No acknowledged call may be missing from the
 * shared log, and the offer timers keep firing while a node is down (the other one fires them).
 */
let dir = ""
let bundle = ""
let sqld: Sqld | undefined
const children: Child[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-rolling-"))
  const [built, server] = await Promise.all([bundleChild("../../apps/api/src/main.ts"), startSqld(dir)])
  bundle = built
  sqld = server
})
afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill("SIGKILL")
  await sqld?.stop()
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
  if (bundle !== "") rmSync(bundle, { force: true })
})

/** Boot's JSON `ready` line (issue 16: every log line is JSON) carries the node's URL. */
const LISTENING = /^\{.*"msg":"ready","url":"(http:\/\/[^"]+)"/
const ADMIN = "demo-admin-key"
const INTEGRATOR = "demo-integrator-key"
const OFFER_TIMEOUT_MS = 1_000

interface Life {
  readonly child: Child
  readonly url: string
}

const life = async (): Promise<Life> => {
  const child = startChild(
    bundle,
    {},
    {
      PORT: "0",
      LIFELINE_DEMO: "true", // the demo keys (issue 16: no keys is no start otherwise)
      LIFELINE_DB_URL: sqld?.url ?? "",
      LIFELINE_MIGRATIONS_DIR: migrationsFolder,
    },
  )
  children.push(child)
  const line = await child.waitFor((l) => LISTENING.test(l), 20_000)
  const url = LISTENING.exec(line)?.[1] ?? ""
  await expect.poll(async () => (await fetch(`${url}/readyz`)).status, { timeout: 20_000 }).toBe(200)
  return { child, url }
}

const stopLife = async (node: Life) => {
  node.child.process.kill("SIGTERM")
  const code = await node.child.exited
  const stopped = node.child.lines.find((l) => l.includes('"msg":"stopped"'))
  return {
    code,
    stopped: stopped === undefined ? undefined : (JSON.parse(stopped) as Record<string, unknown>),
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("rolling restart of two nodes on sqld (issue 9)", () => {
  it("N1 each node in turn is stopped and started again under load: no acknowledged call is lost, every offer timer fires, only 201 or 503 answers", async () => {
    // One node first: it seeds the demo; the second finds the center in the store.
    const first = await life()
    const second = await life()
    const admin = lifelineClient(first.url, ADMIN)
    for (const repId of ["roll-1", "roll-2"])
      await admin.registerRep({ repId, name: repId, presenceId: "available", capacity: { voice: 1 } })
    // Nobody answers: each offer rings OFFER_TIMEOUT_MS, expires by its timer, and the call is offered again.
    await admin.createQueue({
      queueId: "rolling",
      name: "Rolling",
      members: ["roll-1", "roll-2"],
      offerTimeoutMs: OFFER_TIMEOUT_MS,
      declineLimit: 100,
    })

    const nodes: string[] = [first.url, second.url]
    const acked: string[] = []
    const statuses = new Map<number, number>()
    let unreachable = 0
    let running = true
    /** A load balancer: try a node; on 503 or a closed port, the other one. */
    const enqueue = async (itemId: string, turn: number) => {
      for (let attempt = 0; attempt < 20 && running; attempt++) {
        const url = nodes[(turn + attempt) % nodes.length]
        try {
          const response = await fetch(`${url}/api/items`, {
            method: "POST",
            headers: { authorization: `Bearer ${INTEGRATOR}`, "content-type": "application/json" },
            body: JSON.stringify({ itemId, queueId: "rolling" }),
          })
          await response.arrayBuffer()
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
          if (response.status === 201) return void acked.push(itemId)
          if (response.status !== 503) return
        } catch {
          unreachable += 1
        }
        await sleep(20)
      }
    }
    const worker = async (w: number) => {
      for (let n = 0; running; n++) {
        await enqueue(`roll-${w}-${n}`, w + n)
        await sleep(15)
      }
    }
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)))

    /** Stop node `i` (SIGTERM) and start it again; the load balancer sends to the new life. */
    const restart = async (i: number, old: Life) => {
      await sleep(1_200)
      const down = Date.now()
      const stopped = await stopLife(old)
      const next = await life()
      nodes[i] = next.url
      return { stopped, next, down, up: Date.now() }
    }
    const a = await restart(0, first)
    const b = await restart(1, second)
    await sleep(1_200)
    running = false
    await load
    // Let the offers made last ring out, then read the shared log on its own.
    await sleep(OFFER_TIMEOUT_MS + 1_500)
    const settled = Date.now() - OFFER_TIMEOUT_MS - 1_000
    const log = await loadCenter(sqld?.url ?? "")
    const finals = await Promise.all([stopLife(a.next), stopLife(b.next)])

    expect([a.stopped.code, b.stopped.code, ...finals.map((f) => f.code)]).toEqual([0, 0, 0, 0])
    expect(a.stopped.stopped?.outboxFlushed).toBe(true)
    expect(b.stopped.stopped?.outboxFlushed).toBe(true)
    expect([...statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([])

    expect(routingViolations(log.events.filter(isRoutingEvent)).violations).toEqual([])
    expect(sessionViolations(log.events).violations).toEqual([])
    expect(notificationsMissing(log.events)).toEqual([])

    // No call dropped: every acknowledged enqueue is in the shared log.
    const queued = new Set(log.events.flatMap((e) => (e._tag === "ItemQueued" ? [e.itemId] : [])))
    expect(acked.length).toBeGreaterThan(50)
    expect(acked.filter((id) => !queued.has(id))).toEqual([])

    // No timer dropped: every offer that should have rung out did, and some did while a node was down.
    const closed = new Set(
      log.events.flatMap((e) =>
        e._tag === "OfferExpired" ||
        e._tag === "OfferAccepted" ||
        e._tag === "OfferDeclined" ||
        e._tag === "OfferWithdrawn"
          ? [e.offerId]
          : [],
      ),
    )
    const due = log.events.flatMap((e) =>
      e._tag === "OfferMade" && e.expiresAt <= settled ? [e.offerId] : [],
    )
    expect(due.length).toBeGreaterThan(4)
    expect(due.filter((id) => !closed.has(id))).toEqual([])
    const expiredAt = log.events.flatMap((e) => (e._tag === "OfferExpired" ? [e.at] : []))
    expect(
      expiredAt.filter((at) => at >= a.down && at <= a.up).length,
      "offers expired while A was down",
    ).toBeGreaterThan(0)
    expect(
      expiredAt.filter((at) => at >= b.down && at <= b.up).length,
      "offers expired while B was down",
    ).toBeGreaterThan(0)
    console.log(
      `rolling restart: ${acked.length} calls acknowledged, none lost; statuses ${JSON.stringify([...statuses])}, ` +
        `${unreachable} tries found a port closed; ${due.length} offers rang out, ${expiredAt.length} expired by timer; ` +
        `A down ${a.up - a.down} ms, B down ${b.up - b.down} ms`,
    )
  }, 120_000)
})
