import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { type ApiSettings, apiLayer, boot, makeLogger, type Node, parseApiKeys } from "@lifeline/api/testing"
import { afterAll, describe, expect, it } from "vitest"
import { mulberry32 } from "../../apps/simulator/src/random"
import { type ReplayResult, replayDay } from "../../apps/simulator/src/replay"
import { readDayFromStore } from "../../apps/simulator/src/replay-store"
import { loadScenarioFile } from "../../apps/simulator/src/scenario-file"
import type { QueueSummary } from "../../apps/simulator/src/stats"

/**
 * Issue 17 Must show, SPEC P3: a day driven through the API with the simulated provider, then
 * replayed by the simulator (`lifeline-sim replay`, a real process reading the node's libSQL
 * file) with the same staffing, gives the same arrivals and the same waits.
 *
 * The test plays the day's callers and reps over HTTP on the node's test clock (I5): callers ring
 * a line, wait, and hang up when their patience runs out; reps accept every offer the moment it
 * is made (as the simulator's reps do) and complete the work after the call's handle time. The
 * replay is deterministic and the simulator runs the same core with the same reps, queues and
 * assignment, fed the recorded arrival times, handle times and abandons: so each call's wait is
 * expected equal to the millisecond, not merely close. (With other staffing, a caller the day saw
 * answered has no recorded patience; the same staffing never asks for it.)
 */

const T0 = Date.UTC(2025, 0, 6, 8, 0)
const DAY = "2025-01-06"
const MIN = 60_000
const BILLING_LINE = "+15550103001"
const SUPPORT_LINE = "+15550103002"
const REPS = { billing: ["b1", "b2"], support: ["s1"] } as const
const ADMIN = "replay-admin-key"
const repKey = (repId: string) => `replay-rep-${repId}`
const KEYS = `${ADMIN}=admin:planner,${[...REPS.billing, ...REPS.support].map((r) => `${repKey(r)}=rep:${r}`).join(",")}`
const SIMULATOR = fileURLToPath(new URL("../../apps/simulator", import.meta.url))

interface DayCall {
  readonly at: number
  readonly queueId: "billing" | "support"
  readonly handleMs: number
  readonly patienceMs: number
}

/** A small day: 36 calls over three hours, billing busier, support short-staffed and impatient. */
const dayCalls = (): DayCall[] => {
  const random = mulberry32(2025)
  const exp = (mean: number) => Math.max(1_000, Math.round(-mean * Math.log(1 - random())))
  return Array.from({ length: 36 }, (_, i) => {
    const queueId = i % 3 === 2 ? "support" : "billing"
    return {
      // Distinct milliseconds: no two things happen at the same instant (the test moves the clock).
      at: T0 + Math.floor(random() * 3 * 60 * MIN),
      queueId,
      handleMs: exp(queueId === "billing" ? 8 * MIN : 10 * MIN),
      patienceMs: exp(queueId === "billing" ? 30 * MIN : 5 * MIN),
    } as const
  }).sort((a, b) => a.at - b.at)
}

const dirs: string[] = []
let node: Node | undefined
afterAll(async () => {
  await node?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const api = (url: string) => async (key: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return (text === "" ? null : JSON.parse(text)) as Record<string, unknown> & unknown[]
}

type Api = ReturnType<typeof api>

/** The center of the day: two queues, three reps, one line each, as an admin sets them up. */
const setUp = async (call: Api) => {
  for (const repId of [...REPS.billing, ...REPS.support])
    await call(ADMIN, "POST", "/api/reps", {
      repId,
      name: repId,
      presenceId: "available",
      capacity: { voice: 1 },
    })
  await call(ADMIN, "POST", "/api/queues", {
    queueId: "billing",
    name: "Billing",
    assignment: "most_idle",
    members: REPS.billing,
  })
  await call(ADMIN, "POST", "/api/queues", {
    queueId: "support",
    name: "Support",
    assignment: "round_robin",
    members: REPS.support,
  })
  await call(ADMIN, "POST", "/api/workstreams", {
    workstreamId: "replay-lines",
    name: "The day's lines",
    rules: [
      { ruleId: "support", conditions: [{ attribute: "to", oneOf: [SUPPORT_LINE] }], queueId: "support" },
    ],
    fallbackQueueId: "billing",
  })
}

type Happening =
  | { readonly at: number; readonly _tag: "ring"; readonly i: number }
  | { readonly at: number; readonly _tag: "complete"; readonly i: number; readonly repId: string }
  | { readonly at: number; readonly _tag: "hangUp"; readonly i: number }

/**
 * Play the day over HTTP: ring each call at its time, let callers hang up when their patience
 * ends, have reps accept each offer at once and complete each call after its handle time. Returns
 * each call's item id and the waits the test saw (null: hung up; the API's own clock is the judge).
 */
const playDay = async (call: Api, calls: readonly DayCall[]) => {
  const agenda: Happening[] = calls.map((c, i) => ({ at: c.at, _tag: "ring", i }))
  const itemOf: string[] = []
  const answered = new Set<number>()
  let now = T0
  /** The reps an event may have made an offer to: the queue's after a ring, the freed rep after a completion. */
  const acceptOffers = async (reps: readonly string[]) => {
    for (const repId of reps) {
      for (const offer of (await call(ADMIN, "GET", `/api/reps/${repId}/offers`)) as {
        offerId: string
        itemId: string
      }[]) {
        await call(repKey(repId), "POST", `/api/offers/${encodeURIComponent(offer.offerId)}/accept`)
        const i = itemOf.indexOf(offer.itemId)
        answered.add(i)
        agenda.push({ at: now + (calls[i] as DayCall).handleMs, _tag: "complete", i, repId })
      }
    }
  }
  for (;;) {
    agenda.sort((a, b) => a.at - b.at)
    const next = agenda.shift()
    if (next === undefined) break
    if (next.at > now)
      await call(ADMIN, "POST", "/api/clock/advance", { to: new Date(next.at).toISOString() })
    now = next.at
    const c = calls[next.i] as DayCall
    if (next._tag === "ring") {
      const rung = await call(ADMIN, "POST", "/api/simulator/calls", {
        from: `+1415555${String(1000 + next.i)}`,
        to: c.queueId === "support" ? SUPPORT_LINE : BILLING_LINE,
      })
      itemOf[next.i] = String(rung.callId)
      agenda.push({ at: now + c.patienceMs, _tag: "hangUp", i: next.i })
      await acceptOffers(REPS[c.queueId])
    } else if (next._tag === "complete") {
      await call(
        repKey(next.repId),
        "POST",
        `/api/items/${encodeURIComponent(itemOf[next.i] ?? "")}/complete`,
        {},
      )
      await acceptOffers([next.repId])
    } else if (!answered.has(next.i)) {
      await call(ADMIN, "POST", `/api/simulator/calls/${encodeURIComponent(itemOf[next.i] ?? "")}/hangup`)
    }
  }
  return itemOf
}

const runSim = promisify(execFile)
const replay = async (args: readonly string[]) => {
  const { stdout } = await runSim(process.execPath, ["--import", "tsx", "src/main.ts", "replay", ...args], {
    cwd: SIMULATOR,
    encoding: "utf8",
  })
  return stdout
}

/** The same staffing as a scenario file: the queues' assignment, the reps and their queues. */
const SCENARIO = {
  name: "the day's staffing",
  queues: [
    {
      id: "billing",
      name: "Billing",
      assignment: "most_idle",
      arrivals: { callsPerHour: 8 },
      handleTime: { type: "exponential", mean: 480 },
    },
    {
      id: "support",
      name: "Support",
      assignment: "round_robin",
      arrivals: { callsPerHour: 4 },
      handleTime: { type: "exponential", mean: 600 },
    },
  ],
  reps: [
    { id: "b1", queues: ["billing"] },
    { id: "b2", queues: ["billing"] },
    { id: "s1", queues: ["support"] },
  ],
}

interface CallLine {
  readonly arrivedAt: string
  readonly queueId: string
  readonly recordedOutcome: string
  readonly recordedWaitMs: string
  readonly replayedOutcome: string
  readonly replayedWaitMs: string
}

const callLines = (path: string): CallLine[] => {
  const [header = "", ...lines] = readFileSync(path, "utf8").trim().split("\r\n")
  const names = header.split(",")
  return lines.map(
    (line) => Object.fromEntries(line.split(",").map((v, i) => [names[i], v])) as unknown as CallLine,
  )
}

describe("replay a real day (issue 17 Must show, P3)", () => {
  it("P3 a day driven through the API, replayed by lifeline-sim with the same staffing: the same arrivals, the same waits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeline-replay-"))
    dirs.push(dir)
    const db = join(dir, "lifeline.db")
    const settings: ApiSettings = {
      db: { url: `file:${db}`, options: {} },
      telephony: { _tag: "simulated", defaultWorkstream: "replay-lines" },
      mail: { _tag: "recording" },
      clock: { _tag: "virtual", startAt: T0 },
    }
    node = await boot({
      port: 0,
      hostname: "127.0.0.1",
      demo: false,
      keys: parseApiKeys(KEYS),
      settings,
      layer: apiLayer(settings),
      log: makeLogger(() => {}),
    })
    const call = api(node.url)
    await setUp(call)
    const calls = dayCalls()
    await playDay(call, calls)
    // The API's call history holds the day (its projector follows the log within a beat).
    const recordedCalls = async () =>
      ((await call(ADMIN, "GET", `/api/history?from=${DAY}T00:00:00.000Z&limit=1000`)) as unknown[]).length
    for (let tries = 0; (await recordedCalls()) < calls.length && tries < 100; tries++)
      await new Promise((r) => setTimeout(r, 20))
    expect(await recordedCalls()).toBe(calls.length)
    await node.stop()
    node = undefined

    const scenario = join(dir, "staffing.json")
    writeFileSync(scenario, JSON.stringify(SCENARIO))
    const out = join(dir, "calls.csv")
    const report = JSON.parse(
      await replay([scenario, "--store", `file:${db}`, "--day", DAY, "--calls", out, "--json"]),
    ) as Pick<ReplayResult, "recorded" | "replayed">
    const lines = callLines(out)

    // The same arrivals: count, times (to the ms) and queues, in order.
    expect(lines.map((l) => [Date.parse(l.arrivedAt), l.queueId])).toEqual(
      calls.map((c) => [c.at, c.queueId]),
    )
    // The day had both outcomes, so the comparison means something.
    const abandoned = lines.filter((l) => l.recordedOutcome === "abandoned").length
    expect(abandoned).toBeGreaterThan(0)
    expect(
      lines.filter((l) => l.recordedOutcome === "answered" && Number(l.recordedWaitMs) > 0).length,
    ).toBeGreaterThan(3)
    // The same waits, call for call: the replay is deterministic and runs the same core.
    expect(lines.map((l) => [l.replayedOutcome, l.replayedWaitMs])).toEqual(
      lines.map((l) => [l.recordedOutcome, l.recordedWaitMs]),
    )
    // And the same figures per queue (the EWT error is the replay's own: the record has no estimate).
    const pick = ({ ewtMeanErrorMs: _e, ewtMeanAbsErrorMs: _a, ...figures }: QueueSummary) => figures
    expect(report.replayed.map(pick)).toEqual(report.recorded.map(pick))
    expect(report.recorded.reduce((n, q) => n + q.offered, 0)).toBe(calls.length)

    // Another staffing (P3's question), through the library this time: a second support rep. The
    // same arrivals; fewer support callers hang up, and those answered wait less.
    const day = await readDayFromStore(`file:${db}`, DAY)
    const staffing = loadScenarioFile(scenario)
    const more = replayDay(day, {
      scenario: { ...staffing, reps: [...staffing.reps, { repId: "s2", queues: ["support"] }] },
      seed: 1,
      answeredPatience: "fitted",
    })
    const support = (r: Pick<ReplayResult, "replayed">) => r.replayed.find((q) => q.queueId === "support")
    expect(support(more)?.offered).toBe(support(report)?.offered)
    expect(support(more)?.abandoned ?? 0).toBeLessThan(support(report)?.abandoned ?? 0)
    expect(support(more)?.asaMs ?? 0).toBeLessThan(support(report)?.asaMs ?? 0)
  }, 60_000)
})
