import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { openDatabase } from "@lifeline/adapters"
import { ROUTES } from "@lifeline/client"
import { Effect, ManagedRuntime, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildApp, liveHubOf } from "../app"
import { DEMO_API_KEYS, parseApiKeys } from "../auth/keys"
import { seedDemo } from "../demo"
import { apiLayer } from "../layers"
import type { ApiSettings } from "../settings"
import { KEYS, T0 } from "../test-kit"

/**
 * Issue 20 (SPEC I2, C7, C8): callbacks as integrators expect them, over HTTP on a node whose
 * store and read models are a real libSQL file: the list (filters, cursor), cancel (idempotent,
 * refused while dialled), reschedule (C7's window rules), and old ids with '/' still accepted.
 */
const dir = mkdtempSync(join(tmpdir(), "lifeline-callbacks-"))
const settings: ApiSettings = {
  db: { url: `file:${join(dir, "lifeline.db")}`, options: {} },
  telephony: { _tag: "simulated" },
  mail: { _tag: "recording" },
  clock: { _tag: "virtual", startAt: T0 },
}

/** The demo's keys and two reps' of the tests' own, each alone in a queue of its own (`soloQueue`). */
const SOLO_REPS = ["solo-1", "solo-2"] as const
const KEYS_WITH_SOLO_REPS = [DEMO_API_KEYS, ...SOLO_REPS.map((r) => `${r}-key=rep:${r}`)].join(",")

const startNode = async (seed: boolean) => {
  const runtime = ManagedRuntime.make(apiLayer(settings))
  if (seed) await runtime.runPromise(seedDemo)
  const app = buildApp(runtime, { keys: parseApiKeys(KEYS_WITH_SOLO_REPS), hub: await liveHubOf(runtime) })
  const request = (key: string, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  /** The sandbox's test clock (SPEC I5), as an integrator moves it. */
  const advance = (ms: number) => ok(request(KEYS.admin, "POST", "/api/clock/advance", { by: ms }))
  return { runtime, request, advance }
}

let node: Awaited<ReturnType<typeof startNode>>
beforeAll(async () => {
  node = await startNode(true)
  // A callback queue staffed by dan alone (offline until a test signs him in).
  await ok(node.request(KEYS.admin, "DELETE", "/api/queues/support/members/dan"))
  await ok(
    node.request(KEYS.admin, "POST", "/api/queues", { queueId: "cbq", name: "Callbacks", members: ["dan"] }),
  )
})
afterAll(async () => {
  await node.runtime.dispose()
  rmSync(dir, { recursive: true, force: true })
})

const HOUR = 3_600_000
const ok = async (response: Response | Promise<Response>) => {
  const res = await response
  if (res.status >= 300) throw new Error(`${res.status} ${await res.text()}`)
  return res
}
const body = async (res: Response) => (await res.json()) as Record<string, unknown>
const now = async () => {
  const clock = await body(await ok(node.request(KEYS.admin, "GET", "/api/clock")))
  return Date.parse(String(clock.now))
}

const request = (callbackId: string, number: string, extra: Record<string, unknown> = {}) =>
  ok(
    node.request(KEYS.integrator, "POST", "/api/callbacks", { callbackId, number, queueId: "cbq", ...extra }),
  )

/** A new rep, signed in, alone in a new queue: a callback there is offered to it at once. */
const soloQueue = async (repId: (typeof SOLO_REPS)[number], queueId: string) => {
  await ok(node.request(KEYS.admin, "POST", "/api/reps", { repId, name: repId, capacity: { voice: 1 } }))
  await ok(node.request(KEYS.admin, "POST", "/api/queues", { queueId, name: queueId, members: [repId] }))
  await ok(node.request(KEYS.admin, "PUT", `/api/reps/${repId}/presence`, { presenceId: "available" }))
}
const callbackTo = (callbackId: string, queueId: string) =>
  ok(node.request(KEYS.integrator, "POST", "/api/callbacks", { callbackId, number: "+14155550299", queueId }))
const offeredTo = async (repId: string, callbackId: string) => {
  const res = await ok(node.request(KEYS.admin, "GET", `/api/reps/${repId}/offers`))
  const offers = (await res.json()) as { offerId: string; itemId: string }[]
  return offers.find((o) => o.itemId === callbackId)?.offerId ?? ""
}
/** The rep accepts; the id goes in the path encoded, as a client sends an id it was handed. */
const acceptAs = (repId: string, offerId: string) =>
  node.request(`${repId}-key`, "POST", `/api/offers/${encodeURIComponent(offerId)}/accept`)

/** Every page of a list, following X-Next-Cursor; the ids in order. */
const everyPage = async (query: string, limit: number) => {
  const ids: string[] = []
  let cursor: string | null = null
  for (let pages = 0; pages < 50; pages++) {
    const path: string = `/api/callbacks?${query}&limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`
    const res = await ok(node.request(KEYS.integrator, "GET", path))
    ids.push(...documented(ROUTES.callbacks, await res.json()).map((r) => r.callbackId))
    cursor = res.headers.get("x-next-cursor")
    if (cursor === null) return ids
    expect(res.headers.get("link")).toContain('rel="next"')
  }
  throw new Error("the pages never ended")
}

/** Issue 20: the answer decodes with the route's documented reply, held closed (no field it does not state). */
const documented = <A>(route: { readonly reply: Schema.Codec<A, unknown> }, value: unknown): A =>
  Schema.decodeUnknownSync(route.reply, { onExcessProperty: "error" })(value)

const expectBadInput = async (res: Response, field: string) => {
  expect(res.status).toBe(400)
  expect(await body(res)).toMatchObject({ error: { code: "InvalidField", field } })
}

describe("I2 GET /api/callbacks (issue 20)", () => {
  it("I2 open and closed callbacks, newest first, filtered by queue, status, number and time, a cursor page at a time", async () => {
    const start = await now()
    await request("list-1", "+14155550101")
    await node.advance(1_000)
    await request("list-2", "+14155550102", { window: { start: start + HOUR, end: start + 2 * HOUR } })
    await node.advance(1_000)
    await request("list-3", "+14155550103")
    await ok(node.request(KEYS.integrator, "POST", "/api/callbacks/list-3/cancel"))
    await node.advance(1_000)
    await request("list-4", "+14155550104")
    await request("list-5", "+14155550105")
    const since = new Date(start).toISOString()
    const all = ["list-5", "list-4", "list-3", "list-2", "list-1"]
    expect(await everyPage(`queueId=cbq&from=${since}`, 2)).toEqual(all)
    expect(await everyPage(`queueId=cbq&from=${since}`, 100)).toEqual(all)
    expect(await everyPage(`from=${since}&status=closed`, 2)).toEqual(["list-3"])
    expect(await everyPage(`from=${since}&status=scheduled`, 2)).toEqual(["list-2"])
    expect(await everyPage(`from=${since}&status=open`, 3)).toEqual(["list-5", "list-4", "list-2", "list-1"])
    expect(await everyPage("number=%2B14155550104", 2)).toEqual(["list-4"])
    const to = new Date(start + 1_500).toISOString()
    expect(await everyPage(`from=${since}&to=${to}`, 2)).toEqual(["list-2", "list-1"])
    expect(await everyPage("queueId=billing&status=closed", 2)).not.toContain("list-3")
    const [closed] = (await (
      await ok(node.request(KEYS.admin, "GET", `/api/callbacks?status=closed&number=%2B14155550103`))
    ).json()) as Record<string, unknown>[]
    expect(closed).toMatchObject({
      callbackId: "list-3",
      status: "closed",
      outcome: "cancelled",
      attempts: 0,
    })
  })

  it("N3 a bad filter is a 400 naming it, an unknown one too", async () => {
    const get = (query: string) => node.request(KEYS.integrator, "GET", `/api/callbacks?${query}`)
    await expectBadInput(await get("status=lost"), "status")
    await expectBadInput(await get("number=12345"), "number")
    await expectBadInput(await get("from=yesterday"), "from")
    await expectBadInput(await get("from=2025-01-06T10:00:00Z&to=2025-01-06T09:00:00Z"), "to")
    await expectBadInput(await get("cursor=nope"), "cursor")
    await expectBadInput(await get("limit=0"), "limit")
    await expectBadInput(await get("colour=red"), "colour")
  })

  it("N4 a rep may not list callbacks", async () => {
    expect((await node.request(KEYS.dan, "GET", "/api/callbacks")).status).toBe(403)
  })
})

describe("C7 B3 POST /api/callbacks answers the callback (issue 20, replies not events)", () => {
  it("C7 a new request is a 201 naming it; its repeat a 200 naming it again; B3 another request for the number joins it (200)", async () => {
    const send = (callbackId: string) =>
      node.request(KEYS.integrator, "POST", "/api/callbacks", {
        callbackId,
        number: "+14155550301",
        queueId: "cbq",
      })
    const answered = async (res: Response, status: number) => {
      expect(res.status).toBe(status)
      return documented(ROUTES.requestCallback, await res.json())
    }
    expect(await answered(await send("asked"), 201)).toEqual({ callbackId: "asked", joined: false })
    expect(await answered(await send("asked"), 200)).toEqual({ callbackId: "asked", joined: false })
    expect(await answered(await send("asked-again"), 200)).toEqual({ callbackId: "asked", joined: true })
    const view = await body(await ok(node.request(KEYS.integrator, "GET", "/api/callbacks/asked")))
    expect(view.joined).toBe(1)
    expect((await node.request(KEYS.integrator, "GET", "/api/callbacks/asked-again")).status).toBe(404)
  })
})

describe("I2 cancel and reschedule (issue 20)", () => {
  it("I2 cancel twice: the same 200 both times, and the callback reads afterwards as closed, outcome cancelled", async () => {
    await request("cancel-me", "+14155550201")
    const first = await node.request(KEYS.integrator, "POST", "/api/callbacks/cancel-me/cancel")
    expect(first.status).toBe(200)
    const cancelled = await body(first)
    documented(ROUTES.cancelCallback, cancelled)
    expect(cancelled).toMatchObject({
      callbackId: "cancel-me",
      status: "closed",
      outcome: "cancelled",
      attempts: 0,
    })
    const again = await node.request(KEYS.integrator, "POST", "/api/callbacks/cancel-me/cancel")
    expect(again.status).toBe(200)
    expect(await body(again)).toEqual(cancelled)
    const read = await ok(node.request(KEYS.integrator, "GET", "/api/callbacks/cancel-me"))
    expect(await body(read)).toEqual(cancelled)
  })

  it("I2 cancelling a callback being dialled is a 409 naming why; an unknown one is a 404", async () => {
    await soloQueue("solo-1", "dialq")
    await callbackTo("dialled", "dialq")
    expect((await acceptAs("solo-1", await offeredTo("solo-1", "dialled"))).status).toBe(200)
    const res = await node.request(KEYS.integrator, "POST", "/api/callbacks/dialled/cancel")
    expect(res.status).toBe(409)
    expect(await body(res)).toMatchObject({
      error: { code: "InvalidState", field: "callbackId", message: expect.stringContaining("being dialled") },
    })
    const view = await body(await ok(node.request(KEYS.integrator, "GET", "/api/callbacks/dialled")))
    expect(view.status).toBe("dialing")
    expect((await node.request(KEYS.integrator, "POST", "/api/callbacks/nobody/cancel")).status).toBe(404)
  })

  it("C7 reschedule: a bad window is a 400 naming the field and changes nothing; a good one answers the callback", async () => {
    const start = await now()
    const window = { start: start + HOUR, end: start + 2 * HOUR }
    await request("later", "+14155550203", { window })
    const move = (w: unknown) =>
      node.request(KEYS.integrator, "POST", "/api/callbacks/later/reschedule", { window: w })
    await expectBadInput(await move({ start: start + 3 * HOUR, end: start + 2 * HOUR }), "window.end")
    await expectBadInput(await move({ start: start - 2 * HOUR, end: start - HOUR }), "window.end")
    await expectBadInput(await move({ start: "soon", end: start + HOUR }), "window.start")
    const unchanged = await body(await ok(node.request(KEYS.integrator, "GET", "/api/callbacks/later")))
    expect(unchanged.window).toEqual(window)
    const moved = await move({ start: start + 3 * HOUR, end: start + 4 * HOUR })
    expect(moved.status).toBe(200)
    expect(documented(ROUTES.rescheduleCallback, await body(moved))).toMatchObject({
      callbackId: "later",
      status: "scheduled",
      window: { start: start + 3 * HOUR, end: start + 4 * HOUR },
      deadline: start + 4 * HOUR,
    })
    expect((await move({ start: start + HOUR, end: start + 2 * HOUR })).status).toBe(200)
    expect(
      (await node.request(KEYS.integrator, "POST", "/api/callbacks/nobody/reschedule", { window })).status,
    ).toBe(404)
  })
})

describe("issue 20 (Build 5): ids with '/' issued before still resolve", () => {
  it("an offer id from a log an older build wrote (cb/1) is accepted through its encoded path", async () => {
    await soloQueue("solo-2", "oldq")
    await callbackTo("old-ids", "oldq")
    const offerId = await offeredTo("solo-2", "old-ids")
    expect(offerId).toMatch(/^old-ids~\d+$/)
    const oldId = offerId.replace("~", "/")
    // Stop the node and write the log, the timers and no snapshot as a build before issue 20 did.
    await node.runtime.dispose()
    await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(openDatabase(settings.db.url), (client) =>
          Effect.promise(() =>
            client.batch(
              [
                {
                  sql: "UPDATE events SET payload = replace(payload, ?, ?)",
                  args: [`"${offerId}"`, `"${oldId}"`],
                },
                {
                  sql: "UPDATE timers SET command = replace(command, ?, ?)",
                  args: [`"${offerId}"`, `"${oldId}"`],
                },
                { sql: "UPDATE timers SET timer_id = replace(timer_id, ?, ?)", args: [offerId, oldId] },
                "DELETE FROM snapshot_chunks",
                "DELETE FROM snapshots",
              ],
              "write",
            ),
          ),
        ),
      ),
    )
    node = await startNode(false)
    expect(await offeredTo("solo-2", "old-ids")).toBe(oldId)
    const accepted = await acceptAs("solo-2", oldId)
    expect(accepted.status).toBe(200)
    const view = await body(await ok(node.request(KEYS.integrator, "GET", "/api/callbacks/old-ids")))
    expect(view.status).toBe("dialing")
  })
})
