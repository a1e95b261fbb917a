import { describe, expect, it } from "vitest"
import { runSimulation, SIM_START } from "../run"
import { SIM_DAY } from "../scenario-setup"
import { busy } from "./busy-scenario"
import { effectCore } from "./effect-driver"
import { memorySink } from "./event-log"

describe("B7 scenarios through the whole center", () => {
  it("C3-C6 B1 callers press 1, are called back and served; E1 reps dial the emergency number", () => {
    const summary = runSimulation({ seed: 42, hours: 6, scenario: busy() })
    const billing = summary.queues.find((q) => q.queueId === "billing")
    expect(billing?.callbacksRequested).toBeGreaterThan(10)
    expect(billing?.callbacksCompleted).toBeGreaterThan(0)
    expect(billing?.callbacksCompleted ?? 0).toBeLessThanOrEqual(billing?.callbacksRequested ?? 0)
    for (const q of summary.queues)
      expect(
        q.answered + q.abandoned + (q.callbacksRequested ?? 0) + (q.closedByRule ?? 0),
      ).toBeLessThanOrEqual(q.offered)
    expect(summary.emergency?.dialled).toBeGreaterThan(0)
    expect(summary.timersFired).toBeGreaterThan(50)
  })

  it("B7 the fast driver and the Effect engine agree event for event on callbacks, overflow, shifts and emergencies", () => {
    const fast = memorySink()
    const effect = memorySink()
    const a = runSimulation({ seed: 7, hours: 3, scenario: busy(), events: fast })
    const b = runSimulation({
      seed: 7,
      hours: 3,
      scenario: busy(),
      core: effectCore(SIM_DAY),
      events: effect,
    })
    const tags = new Set(fast.lines.map((l) => (JSON.parse(l).core ?? JSON.parse(l).sim)._tag))
    for (const tag of [
      "CallbackRequested",
      "CallbackConnected",
      "ItemTransferred",
      "EmergencyDialled",
      "PresenceChanged",
    ])
      expect({ tag, seen: tags.has(tag) }).toEqual({ tag, seen: true })
    expect(effect.lines).toEqual(fast.lines)
    expect(b).toEqual(a)
  })

  it("B7 the plots' interval statistics add up to the summary, and waiting counts follow the core", () => {
    const summary = runSimulation({ seed: 3, hours: 6, scenario: busy(), intervalMs: 900_000 })
    const rows = summary.intervals?.rows() ?? []
    expect(rows.length).toBe(2 * 24)
    for (const q of summary.queues) {
      const mine = rows.filter((r) => r.queueId === q.queueId)
      expect(mine.reduce((n, r) => n + r.offered, 0)).toBe(q.offered)
      expect(mine.reduce((n, r) => n + r.answered, 0)).toBe(q.answered)
      expect(mine.reduce((n, r) => n + r.abandoned, 0)).toBe(q.abandoned)
    }
    expect(Math.max(...rows.map((r) => r.maxWaiting))).toBeGreaterThan(2)
  })

  it("B7 the built-in scenario still starts at 08:00 and a file's window is its own", () => {
    const log = memorySink()
    runSimulation({ seed: 1, hours: 0.5, events: log })
    expect(JSON.parse(log.lines[0] ?? "{}").at).toBe(SIM_START)
    expect(runSimulation({ seed: 1, scenario: busy() }).hours).toBe(12)
  })
})
