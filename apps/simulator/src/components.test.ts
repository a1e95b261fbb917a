import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { effectCore } from "./engine/effect-driver"
import { memorySink } from "./engine/event-log"
import { componentSeed, partition } from "./partition"
import { runSimulation, SIM_START } from "./run"
import { BUILT_IN_SCENARIO } from "./scenario"
import { loadScenarioFile } from "./scenario-file"
import { SIM_DAY } from "./scenario-setup"
import { twoCentersFile } from "./two-centers"

const dir = mkdtempSync(join(tmpdir(), "lifeline-components-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const path = join(dir, "two-centers.json")
writeFileSync(path, JSON.stringify(twoCentersFile()))
const scenario = loadScenarioFile(path)

const parsed = (lines: readonly string[]) => lines.map((l) => JSON.parse(l))

describe("B7 a center of independent sub-centers runs as its components", () => {
  it("the test center is two components: billing + support, sales + retention", () => {
    expect(partition(scenario).map((p) => p.scenario.queues.map((q) => q.queueId))).toEqual([
      ["billing", "support"],
      ["sales", "retention"],
    ])
  })

  it("the same Summary one after another, in lockstep (event log, outcome or step callback), every time", () => {
    const alone = runSimulation({ seed: 5, scenario })
    expect(alone.queues.map((q) => q.queueId)).toEqual(["billing", "sales", "support", "retention"])
    for (const q of alone.queues) expect(q.offered).toBeGreaterThan(20)
    expect(alone.queues[0]?.callbacksRequested).toBeGreaterThan(0)
    expect(alone.timersFired).toBeGreaterThan(0)
    const outcomes: number[] = []
    let steps = 0
    const lockstep = [
      runSimulation({ seed: 5, scenario, events: memorySink() }),
      runSimulation({ seed: 5, scenario, onOutcome: (o) => void outcomes.push(o.arrivedAt + o.waitMs) }),
      runSimulation({
        seed: 5,
        scenario,
        onStep: () => {
          steps += 1
        },
      }),
      runSimulation({ seed: 5, scenario }),
    ]
    for (const s of lockstep) expect(s).toEqual(alone)
    // The step callback sees every simulator event of both components; outcomes come in time order.
    expect(steps).toBe(alone.events)
    expect(outcomes.length).toBe(alone.queues.reduce((n, q) => n + q.answered + q.abandoned, 0))
    for (let i = 1; i < outcomes.length; i++)
      expect(outcomes[i] as number).toBeGreaterThanOrEqual(outcomes[i - 1] as number)
    expect(runSimulation({ seed: 6, scenario })).not.toEqual(alone)
  })

  it("exact: each component's queues are what that component gives run alone on its seed", () => {
    const whole = runSimulation({ seed: 5, scenario })
    let calls = 0
    partition(scenario).forEach((part, k) => {
      const alone = runSimulation({ seed: componentSeed(5, k), scenario: part.scenario })
      calls += alone.calls
      for (const q of alone.queues) expect(whole.queues.find((w) => w.queueId === q.queueId)).toEqual(q)
    })
    expect(whole.calls).toBe(calls)
  })

  it("the lockstep event log: virtual time never goes back, ids are unique across components, byte-identical per seed", () => {
    const a = memorySink()
    const b = memorySink()
    runSimulation({ seed: 5, scenario, events: a })
    runSimulation({ seed: 5, scenario, events: b })
    expect(b.lines).toEqual(a.lines)
    const c = memorySink()
    runSimulation({ seed: 6, scenario, events: c })
    expect(c.lines).not.toEqual(a.lines)
    const lines = parsed(a.lines)
    expect(lines.length).toBeGreaterThan(1000)
    for (let i = 1; i < lines.length; i++) expect(lines[i].at).toBeGreaterThanOrEqual(lines[i - 1].at)
    const queued = lines.filter((l) => l.core?._tag === "ItemQueued").map((l) => l.core)
    const itemIds = queued.map((e) => e.itemId as string)
    expect(new Set(itemIds).size).toBe(itemIds.length)
    const componentOf = new Map([
      ["billing", "c1-"],
      ["support", "c1-"],
      ["sales", "c2-"],
      ["retention", "c2-"],
    ])
    for (const e of queued) expect(e.itemId.startsWith(componentOf.get(e.queueId))).toBe(true)
    // Both components run interleaved in time, not one after the other.
    const firstC2 = lines.findIndex((l) => l.core?.itemId?.startsWith("c2-"))
    const lastC1 = lines.findLastIndex((l) => l.core?.itemId?.startsWith("c1-"))
    expect(firstC2).toBeLessThan(lastC1)
    expect(lines.some((l) => l.core?._tag === "ItemTransferred" && l.core.itemId.startsWith("c2-"))).toBe(
      true,
    )
    expect(
      lines.some((l) => l.sim?._tag === "Provider" && l.sim.command.eventId?.startsWith("c1-sim-")),
    ).toBe(true)
  })

  it("interval statistics of a split run are merged per queue, in the scenario's order, and add up", () => {
    const summary = runSimulation({ seed: 5, scenario, intervalMs: 900_000 })
    expect(summary).toEqual({ ...runSimulation({ seed: 5, scenario }), intervals: summary.intervals })
    const rows = summary.intervals?.rows() ?? []
    expect([...new Set(rows.map((r) => r.queueId))]).toEqual(["billing", "sales", "support", "retention"])
    expect(rows.length).toBe(4 * 24)
    for (const q of summary.queues) {
      const mine = rows.filter((r) => r.queueId === q.queueId)
      expect(mine.reduce((n, r) => n + r.offered, 0)).toBe(q.offered)
      expect(mine.reduce((n, r) => n + r.answered, 0)).toBe(q.answered)
      expect(mine.reduce((n, r) => n + r.abandoned, 0)).toBe(q.abandoned)
    }
  })

  it("one Core object cannot drive two components; a core per component can", () => {
    expect(() =>
      runSimulation({
        seed: 5,
        scenario,
        core: { kind: "x", driver: undefined as never, router: undefined as never, dispose: () => {} },
      }),
    ).toThrow(/independent components/)
    const fast = memorySink()
    const effect = memorySink()
    const a = runSimulation({ seed: 5, hours: 2, scenario, events: fast })
    const b = runSimulation({ seed: 5, hours: 2, scenario, events: effect, core: () => effectCore(SIM_DAY) })
    expect(fast.lines.length).toBeGreaterThan(500)
    expect(effect.lines).toEqual(fast.lines)
    expect(b).toEqual(a)
  })

  it("a one-component scenario keeps its plain ids and the run's own seed", () => {
    const log = memorySink()
    runSimulation({ seed: 1, hours: 0.5, events: log, scenario: BUILT_IN_SCENARIO })
    const lines = parsed(log.lines)
    expect(lines[0].at).toBe(SIM_START)
    expect(lines.find((l) => l.core?._tag === "ItemQueued")?.core.itemId).toBe("call-1")
  })
})
