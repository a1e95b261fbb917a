import { spawnSync } from "node:child_process"
import { request as httpRequest } from "node:http"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildApp } from "./app"
import { DEMO_API_KEYS, keysAtStart, parseApiKeys } from "./auth/keys"
import { makeAuthFailureLimiter } from "./auth/limit"
import { makeGate } from "./ops/gate"
import { effectLoggerLayer, makeLogger, scrub } from "./ops/log"
import { listen, type RunningServer } from "./server"
import { type ApiHarness, apiHarness, KEYS } from "./test-kit"

/** Issue 16, safe by default: fail-closed keys, the auth-failure limit, CORS off, JSON logs. */

let h: ApiHarness
beforeAll(async () => {
  h = await apiHarness()
})
afterAll(() => h.dispose())

/** What @hono/node-server hands the app for a request from `address` (its socket). */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } })

const get = (app: ReturnType<typeof buildApp>, key: string, address?: string, headers = {}) =>
  app.request(
    "/api/queues",
    { headers: { authorization: `Bearer ${key}`, ...headers } },
    address === undefined ? undefined : from(address),
  )

describe("keys at start: fail closed (issue 16, N4)", () => {
  it("no keys and no demo: refused, naming LIFELINE_API_KEYS and LIFELINE_DEMO", () => {
    const decided = keysAtStart({ configured: undefined, demo: false, hostname: "127.0.0.1" })
    expect(decided._tag).toBe("refused")
    const problems = decided._tag === "refused" ? decided.problems.join("\n") : ""
    expect(problems).toContain("LIFELINE_API_KEYS")
    expect(problems).toContain("LIFELINE_DEMO=true")
    // Set empty, as `LIFELINE_API_KEYS=` in a compose file: the same.
    expect(keysAtStart({ configured: "  ", demo: false, hostname: "127.0.0.1" })._tag).toBe("refused")
  })

  it("the demo asked for explicitly: the demo keys, on loopback addresses only", () => {
    for (const hostname of ["127.0.0.1", "::1", "localhost", "127.0.0.2"]) {
      const decided = keysAtStart({ configured: undefined, demo: true, hostname })
      expect(decided).toMatchObject({ _tag: "keys", demoKeys: true })
      if (decided._tag === "keys") expect(decided.keys.size).toBe(parseApiKeys(DEMO_API_KEYS).size)
    }
    for (const hostname of ["0.0.0.0", "::", "10.1.2.3", "lifeline.example"]) {
      const decided = keysAtStart({ configured: undefined, demo: true, hostname })
      expect(decided._tag).toBe("refused")
      if (decided._tag === "refused") {
        expect(decided.problems[0]).toContain("HOST")
        expect(decided.problems[0]).toContain("LIFELINE_API_KEYS")
        // Named, never quoted ("::" is inside the message's own "::1").
        if (hostname !== "::") expect(decided.problems[0]).not.toContain(hostname)
      }
    }
  })

  it("configured keys work on any host; a public demo key among them only on loopback; a bad entry names its place, not the key", () => {
    const mine = "k-7f3a9c2e=admin:alice,k-91c2d4e0=rep:ana"
    expect(keysAtStart({ configured: mine, demo: false, hostname: "0.0.0.0" })).toMatchObject({
      _tag: "keys",
      demoKeys: false,
    })
    const copied = `${mine},demo-admin-key=admin`
    expect(keysAtStart({ configured: copied, demo: false, hostname: "127.0.0.1" })).toMatchObject({
      _tag: "keys",
      demoKeys: true,
    })
    expect(keysAtStart({ configured: copied, demo: false, hostname: "0.0.0.0" })).toMatchObject({
      _tag: "refused",
      problems: [expect.stringContaining("demo key")],
    })
    const bad = keysAtStart({ configured: "k-7f3a9c2e=admin,s3cret-key-value", demo: false, hostname: "::" })
    expect(bad).toMatchObject({ _tag: "refused", problems: [expect.stringContaining("entry 2")] })
    expect(JSON.stringify(bad)).not.toContain("s3cret")
    expect(keysAtStart({ configured: ",,", demo: false, hostname: "::" })._tag).toBe("refused")
  })

  const APP = fileURLToPath(new URL("..", import.meta.url))
  /** main.ts as `node` runs it, with only the settings given (none inherited from this process). */
  const runMain = (env: Readonly<Record<string, string>>) => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: APP,
      env: { PATH: process.env.PATH ?? "", PORT: "0", LIFELINE_DB_URL: "file::memory:", ...env },
      encoding: "utf8",
      timeout: 30_000,
    })
    const lines = run.stdout
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    return { status: run.status, lines, stderr: run.stderr }
  }

  it("main.ts without keys or LIFELINE_DEMO=true exits 2 before listening, each problem on a JSON line", () => {
    const run = runMain({})
    expect(run.status).toBe(2)
    expect(run.lines).toContainEqual(
      expect.objectContaining({
        level: "error",
        msg: "configuration",
        problem: expect.stringContaining("LIFELINE_API_KEYS"),
      }),
    )
    expect(run.lines.some((l) => l.msg === "listening")).toBe(false)
    expect(run.stderr).toBe("")
  }, 40_000)

  it("main.ts with the demo keys on HOST=0.0.0.0 exits 2 naming HOST", () => {
    const run = runMain({ LIFELINE_DEMO: "true", HOST: "0.0.0.0" })
    expect(run.status).toBe(2)
    expect(run.lines).toContainEqual(
      expect.objectContaining({
        msg: "configuration",
        problem: expect.stringContaining("invalid setting HOST"),
      }),
    )
    expect(run.lines.some((l) => l.msg === "listening")).toBe(false)
  }, 40_000)
})

describe("failed authentications are limited per client address (issue 16, N4)", () => {
  it("30 bad keys in a row from one address: 401 up to the limit, then 429 with Retry-After; a good key from another address works", async () => {
    const app = buildApp(h.runtime, { keys: parseApiKeys(DEMO_API_KEYS), hub: h.hub })
    const statuses: number[] = []
    const retryAfter: (string | null)[] = []
    for (let i = 0; i < 30; i++) {
      const res = await get(app, `not-a-key-${i}`, "203.0.113.7")
      statuses.push(res.status)
      if (res.status === 429) retryAfter.push(res.headers.get("retry-after"))
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401))
    expect(statuses.slice(10)).toEqual(Array(20).fill(429))
    for (const value of retryAfter) {
      expect(Number(value)).toBeGreaterThanOrEqual(1)
      expect(Number(value)).toBeLessThanOrEqual(60)
    }
    const refused = await get(app, "not-a-key", "203.0.113.7")
    expect(await refused.json()).toMatchObject({ error: { code: "TooManyAuthFailures" } })
    // Another address with a good key: served.
    expect((await get(app, KEYS.admin, "203.0.113.8")).status).toBe(200)
    // The blocked address is refused whatever key it presents, so guessing gets no faster.
    expect((await get(app, KEYS.admin, "203.0.113.7")).status).toBe(429)
    // Good keys never count: many requests from one address, none limited.
    for (let i = 0; i < 30; i++) expect((await get(app, KEYS.supervisor, "203.0.113.9")).status).toBe(200)
  })

  it("the window ends: an address may try again; failures of an old window are forgotten", () => {
    let now = 1_000_000
    const limiter = makeAuthFailureLimiter({ maxFailures: 3, windowMs: 60_000 }, () => now)
    expect(limiter.fail("a")).toBe(false)
    expect(limiter.fail("a")).toBe(false)
    expect(limiter.blockedFor("a")).toBe(0)
    expect(limiter.fail("a")).toBe(true)
    now += 15_000
    expect(limiter.blockedFor("a")).toBe(45_000)
    expect(limiter.blockedFor("b")).toBe(0)
    now += 45_000
    expect(limiter.blockedFor("a")).toBe(0)
    expect(limiter.fail("a")).toBe(false) // a new window
  })

  it("on a real port the socket's address is what counts (server and gate hand it on); settings set the limit", async () => {
    const lines: string[] = []
    const app = buildApp(h.runtime, {
      keys: parseApiKeys(DEMO_API_KEYS),
      hub: h.hub,
      authFailures: { maxFailures: 3, windowMs: 60_000 },
      log: makeLogger((line) => lines.push(line)),
    })
    const gate = makeGate()
    const server: RunningServer = await listen(gate, { port: 0, hostname: "127.0.0.1" })
    gate.open(app, async () => ({}))
    try {
      const port = Number(new URL(server.url).port)
      /** GET /api/queues from a chosen local address (127.0.0.0/8 is all loopback on Linux). */
      const getFrom = (localAddress: string, key: string) =>
        new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
          const req = httpRequest(
            {
              host: "127.0.0.1",
              port,
              path: "/api/queues",
              localAddress,
              headers: { authorization: `Bearer ${key}` },
            },
            (res) => {
              res.resume()
              res.on("end", () => {
                const retry = res.headers["retry-after"]
                resolve({
                  status: res.statusCode ?? 0,
                  retryAfter: typeof retry === "string" ? retry : undefined,
                })
              })
            },
          )
          req.on("error", reject)
          req.end()
        })
      const answers = []
      for (let i = 0; i < 5; i++) answers.push(await getFrom("127.0.0.1", "wrong-key-123"))
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 429, 429])
      expect(answers[3]?.retryAfter).toMatch(/^\d+$/)
      expect((await getFrom("127.0.0.2", KEYS.admin)).status).toBe(200)
      expect((await getFrom("127.0.0.1", KEYS.admin)).status).toBe(429)
      const warned = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.level === "warn")
      expect(warned).toContainEqual(expect.objectContaining({ maxFailures: 3, windowSeconds: 60 }))
      expect(lines.join("\n")).not.toContain('127.0.0.1"') // no address in the log
      expect(lines.join("\n")).not.toContain("wrong-key-123")
    } finally {
      server.closeConnections()
      await server.close()
    }
  })
})

describe("CORS is off unless origins are configured (issue 16)", () => {
  const ORIGIN = "https://ops.lifeline.example"
  const preflight = (app: ReturnType<typeof buildApp>, origin: string) =>
    app.request("/api/queues", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    })

  it("unset: no CORS header on any answer, and a preflight finds nothing", async () => {
    const res = await get(h.app, KEYS.admin, undefined, { origin: ORIGIN })
    expect(res.status).toBe(200)
    expect([...res.headers.keys()].filter((k) => k.startsWith("access-control-"))).toEqual([])
    const pre = await preflight(h.app, ORIGIN)
    expect(pre.status).toBe(404)
    expect(pre.headers.get("access-control-allow-origin")).toBeNull()
  })

  it("configured: a preflight from an allowed origin is answered 204, from another refused 403; answers carry the origin only for allowed ones", async () => {
    const app = buildApp(h.runtime, { keys: parseApiKeys(DEMO_API_KEYS), hub: h.hub, corsOrigins: [ORIGIN] })
    const ok = await preflight(app, ORIGIN)
    expect(ok.status).toBe(204)
    expect(ok.headers.get("access-control-allow-origin")).toBe(ORIGIN)
    expect(ok.headers.get("access-control-allow-methods")).toContain("GET")
    expect(ok.headers.get("access-control-allow-headers")).toContain("authorization")
    expect(ok.headers.get("vary")).toContain("Origin")

    const evil = await preflight(app, "https://evil.example")
    expect(evil.status).toBe(403)
    expect(evil.headers.get("access-control-allow-origin")).toBeNull()
    expect(await evil.json()).toMatchObject({ error: { code: "CorsOriginNotAllowed" } })

    const read = await get(app, KEYS.admin, undefined, { origin: ORIGIN })
    expect(read.status).toBe(200)
    expect(read.headers.get("access-control-allow-origin")).toBe(ORIGIN)
    const other = await get(app, KEYS.admin, undefined, { origin: "https://evil.example" })
    expect(other.headers.get("access-control-allow-origin")).toBeNull()
    // An error answer carries it too, so the page can read why.
    const unauth = await get(app, "not-a-key-0", undefined, { origin: ORIGIN })
    expect(unauth.status).toBe(401)
    expect(unauth.headers.get("access-control-allow-origin")).toBe(ORIGIN)
  })
})

describe("every log line is JSON, internal errors included (issue 16)", () => {
  it("an internal error is one JSON line with the stack, without numbers, addresses or keys; the client learns nothing more", async () => {
    const lines: string[] = []
    const app = buildApp(h.runtime, {
      keys: parseApiKeys(DEMO_API_KEYS),
      hub: h.hub,
      log: makeLogger((line) => lines.push(line)),
    })
    app.get("/api/test-defect", () => {
      throw new Error("cannot reach +14155550123 for ana@lifeline.example with Bearer demo-admin-key")
    })
    const res = await app.request("/api/test-defect", { headers: { "x-request-id": "req-defect-1" } })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: { code: "Internal", message: "internal error" } })
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    const line = logged.find((l) => l.msg === "internal error")
    expect(line).toMatchObject({
      level: "error",
      requestId: "req-defect-1",
      method: "GET",
      route: "/api/test-defect",
      error: "Error",
      stack: expect.stringContaining("safe-defaults.test.ts"),
    })
    const text = lines.join("\n")
    for (const secret of ["+14155550123", "4155550123", "ana@lifeline.example", "demo-admin-key"])
      expect(text).not.toContain(secret)
    expect(String(line?.message)).toContain("[number]")
  })

  it("Effect's own log calls (core, adapters) become JSON lines of the node's logger, not logfmt", () => {
    const lines: string[] = []
    const log = makeLogger((line) => lines.push(line))
    Effect.runSync(
      Effect.logWarning("timer command failed", { timerId: "t-1", caller: "+14155550123" }).pipe(
        Effect.provide(effectLoggerLayer(log)),
      ),
    )
    Effect.runSync(
      Effect.logError("outbox delivery not recorded").pipe(
        Effect.andThen(Effect.die(new Error("boom"))),
        Effect.catchCause((cause) => Effect.logError("outbox delivery not recorded", cause)),
        Effect.provide(effectLoggerLayer(log)),
      ),
    )
    expect(lines.length).toBe(3)
    const [first, , third] = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(first).toMatchObject({ level: "warn", msg: "timer command failed", source: "effect" })
    expect(String(first?.detail)).toContain("t-1")
    // A failure's cause: pretty-printed with its stack, in the same JSON line.
    expect(third).toMatchObject({ level: "error", msg: "outbox delivery not recorded" })
    expect(String(third?.cause)).toContain("boom")
    expect(String(third?.cause)).toContain("safe-defaults.test.ts")
    expect(lines.join("\n")).not.toContain("4155550123")
  })

  it("scrub keeps what an operator needs and drops numbers, e-mail addresses and secrets", () => {
    expect(scrub("call c-42 to +1 415 555 0123 failed at store.ts:120:7")).toBe(
      "call c-42 to [number] failed at store.ts:120:7",
    )
    expect(scrub("mail to bo@example.org; accesskey=a2V5c2VjcmV0")).toBe(
      "mail to [email]; accesskey=[redacted]",
    )
  })
})
