import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { openDatabase } from "@lifeline/adapters"
import { CENTER_STREAM } from "@lifeline/core/center"
import { Store } from "@lifeline/core/ports"
import { Effect, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildApp, liveHubOf } from "./app"
import { DEMO_API_KEYS, parseApiKeys } from "./auth/keys"
import { seedDemo } from "./demo"
import { ABANDONED_AFTER_MS, IDEMPOTENCY_HEADER, makeIdempotencyKeys } from "./idempotency"
import { apiLayer } from "./layers"
import type { ApiSettings } from "./settings"
import { KEYS, T0 } from "./test-kit"

/**
 * Issue 20 (SPEC I4): POSTs honour an Idempotency-Key, kept in SQL (a real libSQL file) and so
 * shared by every node on the store.
 */
const dir = mkdtempSync(join(tmpdir(), "lifeline-idempotency-"))
const settings: ApiSettings = {
  db: { url: `file:${join(dir, "lifeline.db")}`, options: {} },
  telephony: { _tag: "simulated" },
  mail: { _tag: "recording" },
  // Time stands still, so no timer changes the center between two requests.
  clock: { _tag: "virtual", startAt: T0 },
}

const startNode = async (seed: boolean) => {
  const runtime = ManagedRuntime.make(apiLayer(settings))
  if (seed) await runtime.runPromise(seedDemo)
  const app = buildApp(runtime, { keys: parseApiKeys(DEMO_API_KEYS), hub: await liveHubOf(runtime) })
  const post = (key: string, path: string, body: unknown, idempotencyKey?: string) =>
    app.request(path, {
      method: "POST",
      headers: {
        authorization: `Bearer ${key}`,
        "content-type": "application/json",
        ...(idempotencyKey === undefined ? {} : { [IDEMPOTENCY_HEADER]: idempotencyKey }),
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    })
  const storedEvents = () =>
    runtime.runPromise(Effect.flatMap(Store, (store) => store.version(CENTER_STREAM)))
  return { runtime, post, storedEvents }
}

let node: Awaited<ReturnType<typeof startNode>>
beforeAll(async () => {
  node = await startNode(true)
})
afterAll(async () => {
  await node.runtime.dispose()
  rmSync(dir, { recursive: true, force: true })
})

const answerOf = async (res: Response) => ({
  status: res.status,
  contentType: res.headers.get("content-type"),
  body: await res.text(),
})

describe("Idempotency-Key on POSTs (issue 20, I4)", () => {
  it("I4 the same key and body from the same caller: the same answer again, and the command ran once", async () => {
    const item = { itemId: "idem-1", queueId: "support", priority: 2 }
    const first = await answerOf(await node.post(KEYS.integrator, "/api/items", item, "key-1"))
    expect(first.status).toBe(201)
    const stored = await node.storedEvents()
    const again = await node.post(KEYS.integrator, "/api/items", item, "key-1")
    expect(again.headers.get("idempotent-replayed")).toBe("true")
    expect(await answerOf(again)).toEqual(first)
    // The same fields in another order are the same request.
    const reordered = JSON.stringify({ priority: 2, queueId: "support", itemId: "idem-1" })
    expect(await answerOf(await node.post(KEYS.integrator, "/api/items", reordered, "key-1"))).toEqual(first)
    expect(await node.storedEvents()).toBe(stored)
    // Without a key the repeat runs again and is refused: the item exists already.
    expect((await node.post(KEYS.integrator, "/api/items", item)).status).toBe(409)
  })

  it("I4 N3 the same key with another body: 422 naming the header, nothing changed", async () => {
    expect(
      (await node.post(KEYS.integrator, "/api/items", { itemId: "idem-2", queueId: "support" }, "key-2"))
        .status,
    ).toBe(201)
    const stored = await node.storedEvents()
    for (const [path, body] of [
      ["/api/items", { itemId: "idem-3", queueId: "support" }],
      ["/api/items/route", { itemId: "idem-2", workstreamId: "inbound-voice" }],
    ] as const) {
      const res = await node.post(KEYS.integrator, path, body, "key-2")
      expect(res.status).toBe(422)
      expect(await res.json()).toMatchObject({
        error: { code: "IdempotencyKeyReused", field: IDEMPOTENCY_HEADER },
      })
    }
    expect(await node.storedEvents()).toBe(stored)
  })

  it("I4 keys are the caller's own: another caller's same key is another request", async () => {
    expect(
      (await node.post(KEYS.integrator, "/api/items", { itemId: "idem-4", queueId: "support" }, "shared"))
        .status,
    ).toBe(201)
    expect(
      (await node.post(KEYS.admin, "/api/items", { itemId: "idem-5", queueId: "support" }, "shared")).status,
    ).toBe(201)
  })

  it("I4 N3 bad input is not kept: the corrected request runs under the same key", async () => {
    const bad = await node.post(KEYS.integrator, "/api/items", { queueId: "support" }, "key-3")
    expect(bad.status).toBe(400)
    expect(
      (await node.post(KEYS.integrator, "/api/items", { itemId: "idem-6", queueId: "support" }, "key-3"))
        .status,
    ).toBe(201)
  })

  it("I4 N3 a key that is not 1 to 255 visible characters is refused naming the header, and nothing runs", async () => {
    const stored = await node.storedEvents()
    const res = await node.post(
      KEYS.integrator,
      "/api/items",
      { itemId: "idem-7", queueId: "support" },
      "k".repeat(256),
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { field: IDEMPOTENCY_HEADER } })
    expect(await node.storedEvents()).toBe(stored)
  })

  it("I4 the same request twice at once runs once: the other waits its turn (409, Retry-After) or gets the answer", async () => {
    const stored = await node.storedEvents()
    const item = { itemId: "idem-8", queueId: "support" }
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => node.post(KEYS.integrator, "/api/items", item, "key-4")),
    )
    const statuses = answers.map((r) => r.status)
    expect(statuses).toContain(201)
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
    for (const res of answers.filter((r) => r.status === 409))
      expect(res.headers.get("retry-after")).toBe("1")
    // One EnqueueItem: its events once.
    const once = (await node.storedEvents()) - stored
    expect((await node.post(KEYS.integrator, "/api/items", item, "key-4")).status).toBe(201)
    expect((await node.storedEvents()) - stored).toBe(once)
  })

  it("I4 shared by every node on the store: a retry reaching another node gets the first node's answer", async () => {
    const item = { itemId: "idem-9", queueId: "support" }
    const first = await answerOf(await node.post(KEYS.integrator, "/api/items", item, "key-5"))
    expect(first.status).toBe(201)
    const other = await startNode(false)
    try {
      const stored = await other.storedEvents()
      expect(await answerOf(await other.post(KEYS.integrator, "/api/items", item, "key-5"))).toEqual(first)
      expect(await other.storedEvents()).toBe(stored)
    } finally {
      await other.runtime.dispose()
    }
  })
})

describe("the idempotency keys table (issue 20, I4)", () => {
  const KEEP = 24 * 3600_000
  const withKeys = <A>(use: (keys: ReturnType<typeof makeIdempotencyKeys>) => Effect.Effect<A, unknown>) =>
    Effect.runPromise(
      Effect.scoped(
        // A file of its own: no node's purge runs on it meanwhile.
        Effect.flatMap(openDatabase(`file:${join(dir, "keys.db")}`), (client) =>
          use(makeIdempotencyKeys(client, KEEP)),
        ),
      ),
    )

  it("I4 a key is kept 24 hours: another request under it is refused until then, and runs after", () =>
    withKeys((keys) =>
      Effect.gen(function* () {
        expect(yield* keys.claim("s", "day", "a", T0)).toEqual({ _tag: "Claimed" })
        yield* keys.answer("s", "day", { status: 201, contentType: "application/json", body: "{}" })
        expect((yield* keys.claim("s", "day", "a", T0 + KEEP - 1))._tag).toBe("Answered")
        expect(yield* keys.claim("s", "day", "b", T0 + KEEP - 1)).toEqual({ _tag: "OtherRequest" })
        expect(yield* keys.claim("s", "day", "b", T0 + KEEP)).toEqual({ _tag: "Claimed" })
      }),
    ))

  it("I4 a request still running holds its key; one that died with its node is taken over by the same request only", () =>
    withKeys((keys) =>
      Effect.gen(function* () {
        expect(yield* keys.claim("s", "run", "a", T0)).toEqual({ _tag: "Claimed" })
        expect(yield* keys.claim("s", "run", "a", T0 + 1_000)).toEqual({ _tag: "InProgress" })
        expect(yield* keys.claim("s", "run", "b", T0 + ABANDONED_AFTER_MS)).toEqual({ _tag: "OtherRequest" })
        expect(yield* keys.claim("s", "run", "a", T0 + ABANDONED_AFTER_MS)).toEqual({ _tag: "Claimed" })
        // Released (bad input, a failure): free for the next request.
        yield* keys.release("s", "run")
        expect(yield* keys.claim("s", "run", "b", T0 + ABANDONED_AFTER_MS)).toEqual({ _tag: "Claimed" })
      }),
    ))

  it("I4 the purge deletes the keys past their time, and only those", () =>
    withKeys((keys) =>
      Effect.gen(function* () {
        yield* keys.claim("p", "old", "a", T0 - KEEP)
        yield* keys.claim("p", "new", "a", T0)
        expect(yield* keys.purge(T0)).toBe(1)
        // Gone: even a time before its end finds the key free; the other is still held.
        expect(yield* keys.claim("p", "old", "b", T0 - KEEP)).toEqual({ _tag: "Claimed" })
        expect(yield* keys.claim("p", "new", "b", T0)).toEqual({ _tag: "OtherRequest" })
      }),
    ))
})
