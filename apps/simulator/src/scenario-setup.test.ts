import { join } from "node:path"
import { numberProblem } from "@lifeline/core/callback"
import { describe, expect, it } from "vitest"
import { centerDomain } from "./engine/domains"
import { FastDriver } from "./engine/driver"
import type { Scenario } from "./scenario"
import { loadScenarioFile } from "./scenario-file"
import { callerNumber, presenceAt, presenceChanges, SIM_DAY, setupCommands } from "./scenario-setup"

const HOUR = 3_600_000
const MIN = 60_000
const example = (name: string): Scenario =>
  loadScenarioFile(join(import.meta.dirname, "..", "examples", name))

describe("B7 scenario set-up through the real center", () => {
  it("small-center: every set-up command is accepted by the core; shifts, breaks, overflow, emergency set-up in place", () => {
    const s = example("small-center.json")
    const driver = new FastDriver(centerDomain)
    const start = SIM_DAY + (s.simulation?.startMs ?? 0)
    for (const command of setupCommands(s)) driver.execute(command, start) // a refusal throws
    const state = driver.state
    expect(state.routing.reps.size).toBe(12)
    // at 07:00 the early reps are on shift, the late ones and support are not yet
    expect(state.routing.reps.get("billing-early-1")?.presenceId).toBe("available")
    expect(state.routing.reps.get("billing-late-1")?.presenceId).toBe("offline")
    expect(state.routing.reps.get("support-1")?.presenceId).toBe("offline")
    expect(state.routing.queues.get("billing")?.members.size).toBe(9)
    expect(state.callback.queues.get("billing")?.settings.rules[0]?.action._tag).toBe("DirectCallback")
    expect(state.callback.queues.get("support")?.settings.rules[0]?.action._tag).toBe("TransferToQueue")
  })

  it("the schedule's presence changes are accepted in order, and an emergency dial goes through (E1, E4)", () => {
    const s = example("small-center.json")
    const sim = s.simulation ?? { startMs: 0, endMs: 24 * HOUR }
    const driver = new FastDriver(centerDomain)
    for (const command of setupCommands(s)) driver.execute(command, SIM_DAY + sim.startMs)
    for (const change of presenceChanges(s, sim.startMs, sim.endMs))
      driver.execute(
        { _tag: "SetPresence", repId: change.repId, presenceId: change.presenceId },
        SIM_DAY + change.atMs,
      )
    // just before 19:00: only the late shift (to 19:00) is still on
    const on = [...driver.state.routing.reps.values()]
      .filter((r) => r.presenceId !== "offline")
      .map((r) => r.repId)
    expect(on).toEqual(["billing-late-1", "billing-late-2", "billing-late-3", "billing-late-4"])
    const at = SIM_DAY + 10 * HOUR
    const dial = driver.execute(
      {
        _tag: "DialEmergency",
        repId: "ana",
        dialString: s.emergency?.dialString ?? "",
        location: { region: "US" },
      },
      at,
    )
    expect(dial.map((e) => e._tag)).toContain("EmergencyDialled")
    expect(driver.state.routing.reps.get("ana")?.presenceId).toBe("busy_dnd")
    expect(driver.state.emergency.leaseByRep.has("ana")).toBe(true) // E5: a pool number leased
    const end = driver.execute({ _tag: "EndEmergency", repId: "ana" }, at + 5 * MIN)
    expect(end.map((e) => e._tag)).toContain("EmergencyEnded")
  })

  it("big-day: 1,000 reps and 100 queues set up; no schedule means no presence change", () => {
    const s = example("big-day.json")
    const driver = new FastDriver(centerDomain)
    for (const command of setupCommands(s)) driver.execute(command, SIM_DAY)
    expect(driver.state.routing.reps.size).toBe(1000)
    expect(driver.state.routing.queues.size).toBe(100)
    expect(presenceChanges(s, 0, 24 * HOUR)).toEqual([])
  })

  it("an inbound call from callerNumber(n) is routed through its queue's workstream", () => {
    const s = example("small-center.json")
    const driver = new FastDriver(centerDomain)
    const at = SIM_DAY + 9 * HOUR
    for (const command of setupCommands(s)) driver.execute(command, at)
    const events = driver.execute(
      {
        _tag: "InboundCall",
        callId: "c1",
        eventId: "e1",
        from: callerNumber(0),
        to: "+12025550199",
        workstreamId: "billing",
      },
      at,
    )
    expect(events.some((e) => e._tag === "ItemQueued" || e._tag === "OfferMade")).toBe(true)
  })
})

describe("B7 rep schedules", () => {
  const rep = {
    repId: "r",
    queues: ["q"],
    shift: { startMs: 8 * HOUR, endMs: 16 * HOUR },
    breaks: [
      { atMs: 10 * HOUR, durationMs: 15 * MIN, presenceId: "break" },
      { atMs: 12 * HOUR, durationMs: 30 * MIN, presenceId: "lunch" },
    ],
  }
  const scenario: Scenario = { name: "s", queues: [], reps: [rep, { repId: "always", queues: ["q"] }] }

  it("presence by clock time: offline, available, break, available, lunch, available, offline", () => {
    const at = (h: number) => presenceAt(rep, h * HOUR)
    expect([7.99, 8, 10, 10.2, 10.25, 12.1, 12.5, 15.99, 16].map(at)).toEqual([
      "offline",
      "available",
      "break",
      "break",
      "available",
      "lunch",
      "available",
      "available",
      "offline",
    ])
    expect(presenceAt({ repId: "a", queues: [] }, 3 * HOUR)).toBe("available")
  })

  it("the changes over two days, in time order, each day the same; a rep with no schedule has none", () => {
    const changes = presenceChanges(scenario, 0, 48 * HOUR)
    const day = [
      [8 * HOUR, "available"],
      [10 * HOUR, "break"],
      [10.25 * HOUR, "available"],
      [12 * HOUR, "lunch"],
      [12.5 * HOUR, "available"],
      [16 * HOUR, "offline"],
    ] as const
    expect(changes.map((c) => [c.atMs, c.presenceId])).toEqual([
      ...day,
      ...day.map(([at, p]) => [at + 24 * HOUR, p]),
    ])
    expect(changes.every((c) => c.repId === "r")).toBe(true)
    // a window that starts mid-shift: no change at its own start, only the later ones
    expect(presenceChanges(scenario, 11 * HOUR, 13 * HOUR).map((c) => c.presenceId)).toEqual([
      "lunch",
      "available",
    ])
  })

  it("a night shift past midnight covers the next morning", () => {
    const night = { repId: "n", queues: ["q"], shift: { startMs: 22 * HOUR, endMs: 30 * HOUR } }
    expect(presenceAt(night, 2 * HOUR)).toBe("available")
    expect(presenceAt(night, 7 * HOUR)).toBe("offline")
    const changes = presenceChanges({ name: "n", queues: [], reps: [night] }, 0, 24 * HOUR)
    expect(changes.map((c) => [c.atMs / HOUR, c.presenceId])).toEqual([
      [6, "offline"],
      [22, "available"],
    ])
  })

  it("B2 caller numbers are distinct and dialable", () => {
    const numbers = [0, 1, 9_999, 10_000, 7_999_999, 8_000_000, 123_456_789].map(callerNumber)
    expect(new Set(numbers).size).toBe(numbers.length)
    expect(numbers.map(numberProblem)).toEqual(numbers.map(() => undefined))
  })
})
