import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { expectedArrivals } from "./profile"
import type { Scenario } from "./scenario"
import { decodeScenario, loadScenarioFile, ScenarioFileError } from "./scenario-file"

const EXAMPLES = join(import.meta.dirname, "..", "examples")
const HOUR = 3_600_000
const MIDNIGHT = Date.UTC(2025, 0, 6)

const example = (name: string): Scenario => loadScenarioFile(join(EXAMPLES, name))

/** The issues a decode reports, as "path: message" lines. */
const problems = (input: unknown): string[] => {
  const result = decodeScenario(input)
  if (Result.isSuccess(result)) return []
  return result.failure.issues.map((i) => `${i.path}: ${i.message}`)
}

const queue = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  arrivals: { callsPerHour: 30 },
  handleTime: { type: "exponential", mean: 180 },
  ...extra,
})

const minimal = (extra: Record<string, unknown> = {}) => ({
  name: "t",
  queues: [queue("a"), queue("b"), queue("c")],
  reps: [{ id: "r1", queues: ["a", "b", "c"] }],
  ...extra,
})

/** The calls the scenario expects in its simulated window. */
const expectedCalls = (s: Scenario): number => {
  const sim = s.simulation
  if (sim === undefined) throw new Error("no simulation")
  return s.queues.reduce(
    (sum, q) =>
      sum +
      expectedArrivals(q.profile, 1 / q.meanInterArrivalMs, MIDNIGHT + sim.startMs, MIDNIGHT + sim.endMs),
    0,
  )
}

describe("B7 scenario files: the examples", () => {
  it("every example in apps/simulator/examples decodes", () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".json"))
    expect(files.sort()).toEqual([
      "big-day.json",
      "erlang-c.json",
      "realistic-center.json",
      "small-center.json",
    ])
    for (const file of files) expect(() => example(file), file).not.toThrow()
  })

  it("realistic-center (issue 17 Build 7): reps who decline or let ring, dropped emergency calls with PSAP callbacks, scheduled callbacks", () => {
    const s = example("realistic-center.json")
    expect(s.reps.filter((r) => r.offers !== undefined).map((r) => r.repId)).toEqual([
      "hesitant-1",
      "hesitant-2",
      "hesitant-3",
    ])
    expect(s.reps[3]?.offers).toEqual({
      declineProbability: 0.15,
      noAnswerProbability: 0.1,
      thinkTime: { _tag: "Uniform", min: 2_000, max: 8_000 },
    })
    expect(s.emergency?.dropProbability).toBe(0.5)
    expect(s.emergency?.psapCallback?.probability).toBe(0.8)
    expect(s.queues[0]?.scheduledCallbacks).toEqual({
      meanInterArrivalMs: 600_000,
      windowStart: { _tag: "Uniform", min: 0, max: 7_200_000 },
      windowLength: { _tag: "Deterministic", value: 1_800_000 },
      answerProbability: 0.8,
      ringTime: { _tag: "Uniform", min: 5_000, max: 20_000 },
    })
  })

  it("small-center: two queues, a profile, groups with shifts and breaks, callbacks and a transfer, emergencies", () => {
    const s = example("small-center.json")
    expect(s.queues.map((q) => q.queueId)).toEqual(["billing", "support"])
    expect(s.reps).toHaveLength(1 + 4 + 4 + 3)
    expect(s.reps.map((r) => r.repId)).toContain("billing-late-4")
    const late = s.reps.find((r) => r.repId === "billing-late-1")
    expect(late?.shift).toEqual({ startMs: 11 * HOUR, endMs: 19 * HOUR })
    expect(late?.breaks?.[0]).toEqual({ atMs: 14.75 * HOUR, durationMs: 15 * 60_000, presenceId: "break" })
    expect(s.presences).toEqual([
      { presenceId: "lunch", label: "Lunch", base: "away" },
      { presenceId: "break", label: "Break", base: "away" },
    ])
    const [billing, support] = s.queues
    expect(billing?.handleTime).toEqual({ _tag: "Lognormal", mean: 240_000, sd: 120_000 })
    expect(billing?.meanHandleMs).toBe(240_000)
    expect(billing?.overflow?.settings.rules[0]).toEqual({
      condition: { _tag: "EstimatedWaitAbove", ms: 120_000 },
      action: { _tag: "DirectCallback" },
    })
    expect(billing?.overflow?.pressOneProbability).toBe(0.35)
    expect(support?.profile?.factors).toHaveLength(24)
    expect(support?.overflow?.settings.rules[0]?.action).toEqual({
      _tag: "TransferToQueue",
      queueId: "billing",
    })
    expect(s.emergency).toMatchObject({ callsPerDay: 6, dialString: "911", region: "US" })
    expect(s.simulation).toEqual({ startMs: 7 * HOUR, endMs: 19 * HOUR, slThresholdMs: 20_000, seed: 42 })
  })

  it("big-day: 100 queues of 10 reps, 8.5 Erlang each, 1.53 million calls in 24 h (the benchmark's day, bench.ts bigDay)", () => {
    const s = example("big-day.json")
    expect(s.queues).toHaveLength(100)
    expect(s.reps).toHaveLength(1000)
    expect(new Set(s.reps.map((r) => r.repId)).size).toBe(1000)
    expect(s.simulation?.endMs).toBe(24 * HOUR)
    expect(expectedCalls(s)).toBeCloseTo(1_530_000, 0)
    const [q] = s.queues
    expect((q?.meanHandleMs ?? 0) / (q?.meanInterArrivalMs ?? 1)).toBeCloseTo(8.5, 9)
    expect(q?.handleTime).toEqual({ _tag: "Exponential", mean: 48_000 })
    expect(q?.patience).toEqual({ _tag: "Exponential", mean: 120_000 })
  })

  it("erlang-c: M/M/10 at 8.5 Erlang, exponential, no patience, about 2 million arrivals", () => {
    const s = example("erlang-c.json")
    const [q] = s.queues
    expect(q?.handleTime).toEqual({ _tag: "Exponential", mean: 180_000 })
    expect(q?.patience).toBeUndefined()
    expect(q?.profile).toBeUndefined()
    expect(s.reps).toHaveLength(10)
    expect((q?.meanHandleMs ?? 0) / (q?.meanInterArrivalMs ?? 1)).toBeCloseTo(8.5, 9)
    expect(expectedCalls(s)).toBeGreaterThan(2_000_000)
  })
})

describe("B7 scenario files: N3 a bad file is refused, naming every field, nothing loaded", () => {
  it("queues[2].handleTime.mean: must be > 0", () => {
    const bad = minimal({
      queues: [queue("a"), queue("b"), queue("c", { handleTime: { type: "lognormal", mean: 0, sd: 5 } })],
    })
    expect(problems(bad)).toEqual(["queues[2].handleTime.mean: must be > 0"])
  })

  it("every problem at once: a misspelt field, an unknown distribution, a bad clock time, a bad probability", () => {
    const bad = minimal({
      queues: [
        queue("a", { handletime: 3 }),
        queue("b", { patience: { type: "weibull", mean: 3 } }),
        queue("c", { overflow: { rules: [], pressOneProbability: 1.5 } }),
      ],
      reps: [{ id: "r1", queues: ["a"], shift: { start: "8:00", end: "16:00" } }],
    })
    const found = problems(bad)
    expect(found).toContain("queues[0].handletime: is not a field of a scenario file here")
    expect(found.some((p) => p.startsWith("queues[1].patience.type: "))).toBe(true)
    expect(found).toContain("queues[2].overflow.pressOneProbability: must be a probability from 0 to 1")
    expect(found).toContain("reps[0].shift.start: must be a clock time HH:MM from 00:00 to 48:00")
    expect(found).toHaveLength(4)
  })

  it("cross-field checks name their field", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ reps: [{ id: "r1", queues: ["a", "zz"] }] }, "reps[0].queues[1]: no queue 'zz' in the scenario"],
      [
        {
          reps: [
            { id: "r1", queues: ["a"] },
            { id: "r1", queues: ["b"] },
          ],
        },
        "reps[1]: duplicate rep id 'r1'",
      ],
      [
        { reps: [{ count: 3, queues: ["a"] }] },
        "reps[0]: must have an id (one rep) or a count and a prefix (a group)",
      ],
      [
        { reps: [{ id: "r1", queues: ["a"], shift: { start: "16:00", end: "08:00" } }] },
        "reps[0].shift.end: must be after the start",
      ],
      [
        {
          reps: [
            {
              id: "r1",
              queues: ["a"],
              shift: { start: "08:00", end: "16:00" },
              breaks: [{ at: "15:50", minutes: 15 }],
            },
          ],
        },
        "reps[0].breaks[0].at: the break must lie inside the shift",
      ],
      [
        { reps: [{ id: "r1", queues: ["a"], breaks: [{ at: "10:00", minutes: 15, presence: "nap" }] }] },
        "reps[0].breaks[0].presence: no presence 'nap': a base presence or one of presences",
      ],
      [
        {
          queues: [
            queue("a"),
            queue("b"),
            queue("c", {
              arrivals: { callsPerHour: 5, profile: { intervalMinutes: 60, factors: [1, 2, 3, 4, 5] } },
            }),
          ],
        },
        "queues[2].arrivals.profile.factors: 5 factors of 60 min do not make 24 h",
      ],
      [
        {
          queues: [queue("a"), queue("b"), queue("c", { arrivals: { callsPerHour: 5, profile: "weekend" } })],
        },
        "queues[2].arrivals.profile: unknown profile 'weekend'; built-in: flat, weekday-double-hump, business-hours",
      ],
      [
        {
          queues: [
            queue("a", {
              overflow: {
                rules: [
                  {
                    condition: { _tag: "WaitingAbove", count: 5 },
                    action: { _tag: "TransferToQueue", queueId: "x" },
                  },
                ],
                pressOneProbability: 0,
              },
            }),
            queue("b"),
            queue("c"),
          ],
        },
        "queues[0].overflow.rules[0].action.queueId: no queue 'x' in the scenario",
      ],
      [
        {
          queues: [
            queue("a"),
            queue("b"),
            queue("c", {
              overflow: {
                rules: [
                  { condition: { _tag: "WaitingAbove", count: 5 }, action: { _tag: "DirectCallback" } },
                ],
                pressOneProbability: 0.5,
              },
            }),
          ],
          reps: [{ id: "r1", queues: ["a"] }],
        },
        "queues[2].overflow.rules: a queue offering callbacks needs reps",
      ],
      [{ simulation: { hours: 5, end: "18:00" } }, "simulation.end: give hours or end, not both"],
      [{ name: " t" }, "name: must not be empty nor start or end with a space"],
      [
        { emergency: { callsPerDay: 1, duration: { type: "exponential", mean: 300 }, dialString: "999" } },
        "emergency.dialString: '999' is not an emergency or test number in US (E1)",
      ],
      [
        { queues: [queue("a"), queue("a"), queue("c")], reps: [{ id: "r1", queues: ["a"] }] },
        "queues[1].id: duplicate queue id 'a'",
      ],
    ]
    for (const [extra, problem] of cases) expect(problems(minimal(extra)), problem).toEqual([problem])
  })

  it("the core's own bounds apply to overflow rules (C1: an estimated wait of 30 s to 60 min)", () => {
    const bad = minimal({
      queues: [
        queue("a", {
          overflow: {
            rules: [
              { condition: { _tag: "EstimatedWaitAbove", ms: 1000 }, action: { _tag: "DirectCallback" } },
            ],
            pressOneProbability: 0.5,
          },
        }),
        queue("b"),
        queue("c"),
      ],
    })
    const found = problems(bad)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(/^queues\[0\]\.overflow\.rules\[0\]\.condition\.ms: /)
  })

  it("a good minimal file gets the defaults: 24 h from midnight, SL 20 s, seed 1, most idle, names from ids", () => {
    const result = decodeScenario(minimal())
    if (Result.isFailure(result)) throw result.failure
    expect(result.success.simulation).toEqual({
      startMs: 0,
      endMs: 24 * HOUR,
      slThresholdMs: 20_000,
      seed: 1,
    })
    expect(result.success.queues[0]).toMatchObject({
      queueId: "a",
      name: "a",
      assignment: "most_idle",
      meanInterArrivalMs: 120_000,
    })
    expect(result.success.presences).toBeUndefined()
  })

  it("loadScenarioFile throws a ScenarioFileError naming the file and the field; unreadable and non-JSON files too", () => {
    const dir = mkdtempSync(join(tmpdir(), "scenario-"))
    const bad = join(dir, "bad.json")
    const text = readFileSync(join(EXAMPLES, "small-center.json"), "utf8").replace(
      '"mean": 240',
      '"mean": -240',
    )
    writeFileSync(bad, text)
    expect(() => loadScenarioFile(bad)).toThrow(ScenarioFileError)
    expect(() => loadScenarioFile(bad)).toThrow(
      `${bad} is not valid:\n  queues[0].handleTime.mean: must be > 0`,
    )
    writeFileSync(join(dir, "broken.json"), "{ name: ")
    expect(() => loadScenarioFile(join(dir, "broken.json"))).toThrow(
      /broken\.json is not valid:\n {2}\(file\): is not JSON/,
    )
    expect(() => loadScenarioFile(join(dir, "missing.json"))).toThrow(
      /missing\.json is not valid:\n {2}\(file\): cannot be read/,
    )
  })
})
