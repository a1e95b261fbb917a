import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeLibsqlStore } from "@lifeline/adapters"
import type { RoutingCommand, RoutingEvent } from "@lifeline/core/routing"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CrashChildConfig } from "./crash-child"
import { LEDGER_STREAM, type LedgerCommand, type LedgerEvent, messageIdOf } from "./ledger"
import { bundleChild, migrationsFolder, startChild } from "./processes"
import { routingViolations } from "./routing-invariants"

/**
 * N1 under SIGKILL. A child process runs a command load against an embedded database file and
 * is killed at a random moment (during start-up, timer catch-up or load), again and again. After
 * every kill the file is opened as a restarted node would and every acknowledged command must
 * be there; at the end a last child finishes the work left over and the whole log is checked:
 * every timer fired exactly once, every outbox message was delivered and recorded exactly once
 * (sends repeated after a crash carry the same idempotency key, at most one per kill), and the
 * routing invariants hold.
 */
const CYCLES = 20
/** Most kills land during the load, within this long after the child is ready... */
const LOAD_KILL_MS = 700
/** ...and every fourth within this long after it was started (start-up, timer catch-up). */
const START_KILL_MS = 500
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let dir = ""
let bundle = ""

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-crash-"))
  bundle = await bundleChild("./crash-child.ts")
})
afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
  if (bundle !== "") rmSync(bundle, { force: true })
})

const loadLogs = (url: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* makeLibsqlStore(url, { migrationsFolder })
        return {
          ledger: yield* store.load<LedgerEvent, LedgerCommand>(LEDGER_STREAM),
          routing: yield* store.load<RoutingEvent, RoutingCommand>("routing"),
        }
      }),
    ),
  )

const countBy = <A>(items: readonly A[], key: (a: A) => string | undefined) => {
  const counts = new Map<string, number>()
  for (const item of items) {
    const k = key(item)
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  return counts
}

describe("durability: SIGKILL at random points", () => {
  it("N1 every acknowledged command survives SIGKILL; timers fire once; the outbox neither loses nor doubles", async () => {
    const url = `file:${join(dir, "lifeline.db")}`
    const providerLog = join(dir, "provider.log")
    const config = (cycle: number, mode: CrashChildConfig["mode"]): CrashChildConfig => ({
      url,
      migrationsFolder,
      providerLog,
      cycle,
      mode,
    })
    const acked = { deposits: new Set<string>(), items: new Set<string>() }
    let killedDuringLoad = 0

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const child = startChild(bundle, config(cycle, "load"))
      if (cycle % 4 === 3) await sleep(Math.random() * START_KILL_MS)
      else {
        await child.waitFor((line) => line === "ready", 15_000)
        await sleep(Math.random() * LOAD_KILL_MS)
      }
      child.process.kill("SIGKILL")
      expect(await child.exited, child.stderr()).toBeNull()
      if (child.lines.includes("ready")) killedDuringLoad += 1
      for (const line of child.lines) {
        const [ack, kind, id] = line.split(" ")
        if (ack !== "ack" || id === undefined) continue
        if (kind === "D") acked.deposits.add(id)
        if (kind === "I") acked.items.add(id)
      }

      // What a restarted node finds: everything acknowledged so far, nothing broken.
      const { ledger, routing } = await loadLogs(url)
      const deposited = new Set(ledger.events.flatMap((e) => (e._tag === "Deposited" ? [e.id] : [])))
      const queued = new Set(routing.events.flatMap((e) => (e._tag === "ItemQueued" ? [e.itemId] : [])))
      expect(
        [...acked.deposits].filter((id) => !deposited.has(id)),
        `cycle ${cycle}: lost deposits`,
      ).toEqual([])
      expect(
        [...acked.items].filter((id) => !queued.has(id)),
        `cycle ${cycle}: lost calls`,
      ).toEqual([])
      expect(routingViolations(routing.events).violations, `cycle ${cycle}`).toEqual([])
    }

    const last = startChild(bundle, config(CYCLES, "drain"))
    await last.waitFor((line) => line === "drained", 20_000)
    expect(await last.exited, last.stderr()).toBe(0)

    const { ledger, routing } = await loadLogs(url)
    const deposits = ledger.events.flatMap((e) => (e._tag === "Deposited" ? [e.id] : []))
    expect(new Set(deposits).size).toBe(deposits.length)
    for (const id of acked.deposits) expect(deposits).toContain(id)

    // Rule 4: every timer fired exactly once, and none is left.
    const reminded = countBy(ledger.events, (e) => (e._tag === "Reminded" ? e.id : undefined))
    expect(deposits.filter((id) => reminded.get(id) !== 1)).toEqual([])
    expect(reminded.size).toBe(deposits.length)
    expect(ledger.timers).toEqual([])

    // Rule 5: every queued message reached the provider and was recorded as sent once.
    const messages = deposits.map(messageIdOf)
    const sentEvents = countBy(ledger.events, (e) => (e._tag === "MessageSent" ? e.messageId : undefined))
    expect(messages.filter((m) => sentEvents.get(m) !== 1)).toEqual([])
    const received = existsSync(providerLog)
      ? readFileSync(providerLog, "utf8").split("\n").filter(Boolean)
      : []
    const distinct = new Set(received)
    expect(messages.filter((m) => !distinct.has(m))).toEqual([])
    expect(distinct.size).toBe(messages.length)
    // A message sent again after a crash is one whose send was not yet recorded: one at most per kill.
    expect(received.length - distinct.size).toBeLessThanOrEqual(CYCLES)

    // R2, R4 over the whole log; every offer resolved; every acknowledged call handled.
    const checked = routingViolations(routing.events)
    expect(checked.violations).toEqual([])
    expect(checked.openOffers).toEqual([])
    expect(routing.timers).toEqual([])
    const completed = new Set(routing.events.flatMap((e) => (e._tag === "WorkCompleted" ? [e.itemId] : [])))
    expect([...acked.items].filter((id) => !completed.has(id))).toEqual([])

    // The load was not trivial.
    expect(acked.deposits.size).toBeGreaterThan(CYCLES * 50)
    console.log(
      `crash test: ${CYCLES} kills (${killedDuringLoad} during load), ${acked.deposits.size} deposits and ` +
        `${acked.items.size} calls acknowledged, ${deposits.length} deposits stored, ` +
        `${received.length - distinct.size} repeated sends, ${ledger.version + routing.version} events`,
    )
  }, 90_000)
})
