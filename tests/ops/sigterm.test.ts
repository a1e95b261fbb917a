import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { lifelineClient } from "@lifeline/api/client"
import { SETTINGS } from "@lifeline/api/testing"
import { isRoutingEvent } from "@lifeline/core/routing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadCenter, notificationsMissing, sessionViolations } from "../durability/center-invariants"
import { bundleChild, type Child, migrationsFolder, startChild } from "../durability/processes"
import { routingViolations } from "../durability/routing-invariants"

/**
 * Issue 9, graceful stop: the API's own main (bundled) on an embedded file, under a load of
 * durable commands, is sent SIGTERM. It must stop taking work (503, never a 5xx of another
 * kind), answer what was in flight, flush the outbox, close the store and exit 0; a new life on
 * the same file must hold every command that was acknowledged, and the timers still due.
 */
let dir = ""
let bundle = ""
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-sigterm-"))
  bundle = await bundleChild("../../apps/api/src/main.ts")
})
afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
  if (bundle !== "") rmSync(bundle, { force: true })
})

const WORKERS = 24
const LOAD_MS = 700
/** Boot's JSON `ready` line (issue 16: every log line is JSON) carries the node's URL. */
const LISTENING = /^\{.*"msg":"ready","url":"(http:\/\/[^"]+)"/

const life = async (): Promise<{ child: Child; url: string }> => {
  const child = startChild(
    bundle,
    {},
    {
      PORT: "0",
      LIFELINE_DEMO: "true", // the demo keys (issue 16: no keys is no start otherwise)
      LIFELINE_DB_URL: `file:${join(dir, "lifeline.db")}`,
      LIFELINE_MIGRATIONS_DIR: migrationsFolder,
    },
  )
  const line = await child.waitFor((l) => LISTENING.test(l), 20_000)
  return { child, url: LISTENING.exec(line)?.[1] ?? "" }
}

const logOf = (child: Child) =>
  child.lines.flatMap((l) => (l.startsWith("{") ? [JSON.parse(l) as Record<string, unknown>] : []))

describe("graceful stop (issue 9)", () => {
  it("N1 SIGTERM under load: requests are answered 201 or 503 (never dropped with a 5xx), every acknowledged command survives, the outbox is flushed, exit 0", async () => {
    const first = await life()
    const ana = lifelineClient(first.url, "demo-rep-ana")
    const dialled = await ana.dialEmergency("ana", { dialString: "911", location: { region: "US" } })
    expect(dialled._tag).toBe("Started")

    const acked: string[] = []
    const statuses = new Map<number, number>()
    let refused = 0
    let stop = false
    const worker = async (w: number) => {
      for (let n = 0; !stop; n++) {
        const itemId = `sigterm-${w}-${n}`
        try {
          const res = await fetch(`${first.url}/api/items`, {
            method: "POST",
            headers: { authorization: "Bearer demo-admin-key", "content-type": "application/json" },
            body: JSON.stringify({ itemId, queueId: "support" }),
          })
          await res.arrayBuffer()
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
          if (res.status === 201) acked.push(itemId)
          if (res.status === 503) await new Promise((r) => setTimeout(r, 5))
        } catch {
          refused += 1 // the port closed: the process is going away
          return
        }
      }
    }
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))
    await new Promise((r) => setTimeout(r, LOAD_MS))
    const before = acked.length
    first.child.process.kill("SIGTERM")
    const code = await first.child.exited
    stop = true
    await load

    expect(code, first.child.stderr()).toBe(0)
    expect(before).toBeGreaterThan(20)
    expect([...statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([])
    const log = logOf(first.child)
    expect(log.find((l) => l.msg === "stopped")).toMatchObject({
      inFlightAnswered: true,
      outboxFlushed: true,
    })

    // The next life finds everything that was acknowledged, and the E5 lease timer still armed.
    const second = await life()
    const secondReadyAt = Date.now()
    const again = lifelineClient(second.url, "demo-admin-key")
    const lost: string[] = []
    for (const itemId of acked) await again.position(itemId).catch(() => lost.push(itemId))
    expect(lost).toEqual([])
    const ready = (await (await fetch(`${second.url}/readyz`)).json()) as { checks: { timersArmed: number } }
    expect(ready.checks.timersArmed).toBeGreaterThan(0)
    // E9: the emails the dial queued were delivered before the first life stopped.
    const notifications = await again.emergencyNotifications()
    expect(notifications.length).toBeGreaterThan(0)
    expect(notifications.filter((n) => n.status !== "sent")).toEqual([])
    second.child.process.kill("SIGTERM")
    expect(await second.child.exited).toBe(0)

    // The crash test's checks on the log alone: routing and session invariants, no dial without
    // its emails, and no timer left overdue (one due while the node was down fired in its next life).
    const stored = await loadCenter(`file:${join(dir, "lifeline.db")}`)
    expect(routingViolations(stored.events.filter(isRoutingEvent)).violations).toEqual([])
    expect(sessionViolations(stored.events).violations).toEqual([])
    expect(notificationsMissing(stored.events)).toEqual([])
    expect(stored.timers.filter((t) => t.dueAt <= secondReadyAt).map((t) => t.timerId)).toEqual([])
    console.log(
      `sigterm test: ${acked.length} items acknowledged (${before} before SIGTERM), statuses ${JSON.stringify([...statuses])}, ${refused} workers refused at close; none lost`,
    )
  }, 60_000)

  it("a bad setting stops start-up, naming the variable and not its value", async () => {
    const child = startChild(bundle, {}, { PORT: "70000", RESEND_API_KEY: "re_secret_do_not_print" })
    expect(await child.exited).toBe(2)
    const out = child.lines.join("\n")
    expect(out).toContain("PORT")
    expect(out).toContain("LIFELINE_MAIL_FROM")
    expect(out).not.toContain("re_secret_do_not_print")
    expect(out).not.toContain("listening")
  })

  it("a settings file is read under the environment; a name in it that is not a setting stops start-up, naming it", async () => {
    const good = join(dir, "lifeline.env")
    writeFileSync(
      good,
      // LIFELINE_DEMO from the file too: without keys a node starts only for the demo (issue 16).
      `PORT=70000\nLIFELINE_DEMO=true\nLIFELINE_DB_URL=file:${join(dir, "from-file.db")}\nLIFELINE_MIGRATIONS_DIR=${migrationsFolder}\n`,
    )
    // PORT from the environment wins over the file's bad one; the store is the file's.
    const child = startChild(bundle, {}, { LIFELINE_SETTINGS_FILE: good, PORT: "0" })
    const line = await child.waitFor((l) => LISTENING.test(l), 20_000)
    const url = LISTENING.exec(line)?.[1] ?? ""
    await expect.poll(async () => (await fetch(`${url}/readyz`)).status, { timeout: 15_000 }).toBe(200)
    expect(existsSync(join(dir, "from-file.db"))).toBe(true)
    child.process.kill("SIGTERM")
    expect(await child.exited).toBe(0)

    const typo = join(dir, "typo.env")
    writeFileSync(typo, "LIFELINE_DB_ULR=file:/tmp/nowhere.db\nRESEND_API_KEY=re_file_secret\n")
    const refused = startChild(bundle, {}, { LIFELINE_SETTINGS_FILE: typo, PORT: "0" })
    expect(await refused.exited).toBe(2)
    const out = refused.lines.join("\n")
    expect(out).toContain("LIFELINE_DB_ULR")
    expect(out).not.toContain("re_file_secret")
    expect(out).not.toContain("listening")
  }, 40_000)

  it("--help lists every setting and starts nothing", () => {
    const help = spawnSync(process.execPath, [bundle, "--help"], { encoding: "utf8", timeout: 15_000 })
    expect(help.status).toBe(0)
    for (const s of SETTINGS) expect(help.stdout).toContain(s.name)
    expect(help.stdout).not.toContain("listening")
  })
})
