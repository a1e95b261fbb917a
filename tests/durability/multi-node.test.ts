import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeLibsqlStore } from "@lifeline/adapters"
import type { RoutingCommand, RoutingEvent } from "@lifeline/core/routing"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { NodeChildConfig } from "./node-child"
import { bundleChild, type Child, migrationsFolder, startChild } from "./processes"
import { routingViolations } from "./routing-invariants"
import { type Sqld, startSqld } from "./sqld"

/**
 * ARCHITECTURE, Scale: two engine processes against one libSQL server (sqld on 127.0.0.1,
 * started and stopped here) fire conflicting commands at the same reps, items and offers. Their
 * appends race on the stream version; a loser reloads and decides again. Afterwards the shared
 * log is checked on its own: no item assigned twice, no rep over capacity, and every acceptance
 * a node acknowledged is in the log, each item acknowledged to one caller only.
 */
const LOAD_MS = 3_000

let dir = ""
let bundle = ""
let sqld: Sqld | undefined

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-nodes-"))
  const [built, server] = await Promise.all([bundleChild("./node-child.ts"), startSqld(dir)])
  bundle = built
  sqld = server
})
afterAll(async () => {
  await sqld?.stop()
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
  if (bundle !== "") rmSync(bundle, { force: true })
})

const acks = (child: Child, kind: string) =>
  child.lines.filter((l) => l.startsWith(`ack ${kind} `)).map((l) => l.split(" ").slice(2))

const statsOf = (child: Child) => {
  const line = child.lines.find((l) => l.startsWith("stats "))
  return JSON.parse(line?.slice("stats ".length) ?? "null") as {
    commands: number
    conflicts: number
    unavailable: number
  } | null
}

describe("durability: several nodes on one libSQL server", () => {
  it("N2 two nodes racing on one sqld never assign an item twice nor a rep past capacity (R2, R4)", async () => {
    const url = sqld?.url ?? ""
    const config = (node: string): NodeChildConfig => ({ url, migrationsFolder, node, durationMs: LOAD_MS })
    // Both open the fresh database at once: they race on the migrations too.
    const nodes = [startChild(bundle, config("A")), startChild(bundle, config("B"))]
    await Promise.all(nodes.map((n) => n.waitFor((l) => l === "ready", 15_000)))
    for (const n of nodes) n.process.stdin?.write("go\n")
    const codes = await Promise.all(nodes.map((n) => n.exited))
    expect(codes, nodes.map((n) => n.stderr()).join("\n")).toEqual([0, 0])

    const log = await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(makeLibsqlStore(url, { migrationsFolder }), (store) =>
          store.load<RoutingEvent, RoutingCommand>("routing"),
        ),
      ),
    )
    const checked = routingViolations(log.events)
    expect(checked.violations).toEqual([])

    // What the nodes told their callers is what the log holds, and no item went to two callers.
    const queued = new Set(log.events.flatMap((e) => (e._tag === "ItemQueued" ? [e.itemId] : [])))
    const enqueues = nodes.flatMap((n) => acks(n, "I").map(([itemId]) => itemId ?? ""))
    expect(enqueues.filter((id) => !queued.has(id))).toEqual([])
    const accepts = nodes.flatMap((n) => acks(n, "A"))
    const inLog = new Set(
      log.events.flatMap((e) => (e._tag === "OfferAccepted" ? [`${e.offerId} ${e.itemId}`] : [])),
    )
    expect(accepts.filter(([offerId, itemId]) => !inLog.has(`${offerId} ${itemId}`))).toEqual([])
    const acceptedItems = accepts.map(([, itemId]) => itemId)
    expect(new Set(acceptedItems).size).toBe(acceptedItems.length)

    // The race really happened: both nodes worked, and appends lost to the other node.
    const stats = nodes.map(statsOf)
    const conflicts = stats.reduce((sum, s) => sum + (s?.conflicts ?? 0), 0)
    console.log(
      `multi-node: ${log.version} events, ${enqueues.length} calls and ${accepts.length} acceptances ` +
        `acknowledged, ${conflicts} appends lost the race and were decided again; ` +
        `stats ${JSON.stringify(stats)}`,
    )
    expect(conflicts).toBeGreaterThan(10)
    for (const [i, node] of nodes.entries()) {
      expect(acks(node, "I").length, `node ${i} enqueued`).toBeGreaterThan(10)
      expect(acks(node, "A").length, `node ${i} accepted`).toBeGreaterThan(5)
      expect(stats[i]?.unavailable, `node ${i} store failures: ${node.stderr()}`).toBe(0)
    }
  }, 60_000)
})
