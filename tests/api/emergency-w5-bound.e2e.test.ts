import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bundleChild, type Child, migrationsFolder, startChild, stop } from "../durability/processes"
import { apiCall, apiRequest, eventsSeen, openEvents } from "../ops/kit"
import { eventually } from "./harness"

/**
 * W5, E10 (issue 19) on a sandbox node as an integrator runs it: the API's own main, bundled,
 * LIFELINE_CLOCK=virtual on a libSQL file, driven over HTTP only. Ana dials 911 and then nobody
 * says anything (her browser is gone: no drop, no End call). The lease's end finds the call still
 * believed up, so the session is closing, and after the grace set on the callback pool her
 * presence is back to what it was, told on her stream both times.
 */
const T0 = Date.UTC(2025, 0, 6, 14, 0)
const MINUTE = 60_000
const LEASE = 60 * MINUTE
const GRACE_MINUTES = 20
const READY = /^\{.*"msg":"ready","url":"(http:\/\/[^"]+)"/
const KEYS = { admin: "demo-admin-key", ana: "demo-rep-ana" } as const

type Json = Record<string, unknown>

let dir = ""
let bundle = ""
let child: Child | undefined
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-w5-bound-"))
  bundle = await bundleChild("../../apps/api/src/main.ts")
})
afterAll(async () => {
  if (child !== undefined) await stop(child.process, child.exited)
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
  if (bundle !== "") rmSync(bundle, { force: true })
})

describe("W5 a silent emergency session ends after the bounded time (issue 19, sandbox node over HTTP)", () => {
  it("W5 E10 nobody reports anything: closing at the lease's end, presence restored after the pool's grace", async () => {
    child = startChild(
      bundle,
      {},
      {
        PORT: "0",
        LIFELINE_DEMO: "true",
        LIFELINE_DB_URL: `file:${join(dir, "node.db")}`,
        LIFELINE_MIGRATIONS_DIR: migrationsFolder,
        LIFELINE_CLOCK: "virtual",
        LIFELINE_CLOCK_START: new Date(T0).toISOString(),
      },
    )
    const url = READY.exec(await child.waitFor((l) => READY.test(l), 20_000))?.[1] ?? ""
    /** JSON over HTTP with a key, the status kept; `ok` throws on a status of 300 or more. */
    const api = async (key: string, method: string, path: string, body?: unknown) => {
      const { status, text } = await apiRequest(url, key, method, path, body)
      return { status, body: (text === "" ? null : JSON.parse(text)) as Json }
    }
    const ok = async (key: string, method: string, path: string, body?: unknown) =>
      JSON.parse((await apiCall(url, key, method, path, body)).text) as Json
    const advanceTo = (at: number) =>
      ok(KEYS.admin, "POST", "/api/clock/advance", { to: new Date(at).toISOString() })
    const presence = async () => (await ok(KEYS.ana, "GET", "/api/reps/ana")).presenceId

    // The admin sets the grace on the callback pool; one out of range is refused, naming the field.
    const pool = await ok(KEYS.admin, "GET", "/api/emergency/callback-pool")
    const body = {
      numbers: (pool.numbers as { number: string }[]).map((n) => n.number),
      overflowNumber: pool.overflowNumber,
      fallbackRepIds: pool.fallbackRepIds,
    }
    const refused = await api(KEYS.admin, "PUT", "/api/emergency/callback-pool", { ...body, graceMinutes: 0 })
    expect(refused.status).toBe(400)
    expect(JSON.stringify(refused.body)).toContain("graceMinutes")
    await ok(KEYS.admin, "PUT", "/api/emergency/callback-pool", { ...body, graceMinutes: GRACE_MINUTES })

    // E10: the presence before the emergency is what comes back.
    const before = "away"
    await ok(KEYS.ana, "PUT", "/api/reps/ana/presence", { presenceId: before })
    const stream = await openEvents(url, KEYS.ana)
    const dialled = await ok(KEYS.ana, "POST", "/api/reps/ana/emergency", {
      dialString: "911",
      location: { region: "US" },
    })
    expect(dialled.callbackUntil).toBe(T0 + LEASE)
    expect(await presence()).toBe("busy_dnd")

    // The lease's end: the call is still believed up, so the session is closing, not ended.
    await advanceTo(T0 + LEASE)
    const closing = await eventually(() =>
      eventsSeen(stream.messages).find((e) => e._tag === "EmergencySessionClosing"),
    )
    expect(closing).toMatchObject({ repId: "ana", closesAt: T0 + LEASE + GRACE_MINUTES * MINUTE })
    expect(await presence()).toBe("busy_dnd")

    // One millisecond before the bound nothing changes; at it the session ends and presence is back.
    await advanceTo(T0 + LEASE + GRACE_MINUTES * MINUTE - 1)
    await new Promise((r) => setTimeout(r, 150))
    expect(await presence()).toBe("busy_dnd")
    await advanceTo(T0 + LEASE + GRACE_MINUTES * MINUTE)
    const ended = await eventually(() => eventsSeen(stream.messages).find((e) => e._tag === "EmergencyEnded"))
    expect(ended).toMatchObject({ repId: "ana", reason: "no_word", restoredPresence: before })
    expect(await presence()).toBe(before)
    expect((await api(KEYS.ana, "GET", "/api/reps/ana/emergency")).body).toBeNull()

    // Word of the call that comes later changes nothing.
    const late = await ok(KEYS.ana, "POST", "/api/reps/ana/emergency/dropped", {
      sessionId: dialled.sessionId,
    })
    expect(late).toMatchObject({ dropped: false, sessionEnded: false })
    expect(await presence()).toBe(before)
    await stream.close()
  })
})
