import { Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { projectAudit } from "../audit/trail"
import { RoutingCommand } from "./commands"
import { evolve } from "./evolve"
import { DEFAULT_SERVICE_LEVEL_TARGET, repOf, serviceLevelTargetOf } from "./reads"
import { emptyState } from "./state"
import { queueOfReps, routingHarness, voiceRep } from "./test-kit"

const decode = Schema.decodeUnknownResult(RoutingCommand)
const admin = { role: "admin", name: "Ada" } as const

describe("issue 19 R1: a rep's presence since when (the supervisor's time in state)", () => {
  it("R1 presenceSince is the registration's time, then each presence change's; an unchanged SetPresence keeps it", () => {
    const h = routingHarness(1_000)
    h.run(voiceRep("ann", 1, "offline"))
    expect(repOf(h.state, "ann")?.presenceSince).toBe(1_000)
    h.now = 5_000
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    expect(repOf(h.state, "ann")?.presenceSince).toBe(5_000)
    h.now = 9_000
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "available" })
    expect(repOf(h.state, "ann")?.presenceSince).toBe(5_000)
    h.run({ _tag: "SetPresence", repId: "ann", presenceId: "away" })
    expect(repOf(h.state, "ann")?.presenceSince).toBe(9_000)
  })

  it("R1 taking and finishing work does not move it (only the presence does), and a replay of the events rebuilds it", () => {
    const h = queueOfReps(["ann"])
    h.now = 2_000
    h.run({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
    const [offer] = h.offersTo("ann")
    h.now = 3_000
    h.run({ _tag: "AcceptOffer", offerId: offer?.offerId ?? "", repId: "ann" })
    h.now = 8_000
    h.run({ _tag: "CompleteWork", itemId: "c1", repId: "ann" })
    expect(repOf(h.state, "ann")?.presenceSince).toBe(0)
    const replayed = emptyState()
    for (const event of h.log) evolve(replayed, event)
    expect(repOf(replayed, "ann")?.presenceSince).toBe(repOf(h.state, "ann")?.presenceSince)
  })
})

describe("issue 19: a queue's service-level target, set by an admin", () => {
  it("a queue without one reads the default, 80 % within 20 s; an unknown queue reads nothing", () => {
    const h = queueOfReps(["ann"])
    expect(serviceLevelTargetOf(h.state, "q")).toEqual({ share: 0.8, thresholdMs: 20_000 })
    expect(serviceLevelTargetOf(h.state, "q")).toBe(DEFAULT_SERVICE_LEVEL_TARGET)
    expect(serviceLevelTargetOf(h.state, "nope")).toBeUndefined()
  })

  it("SetQueueServiceLevelTarget stores the queue's own target, stamped, and replays to the same", () => {
    const h = queueOfReps(["ann"])
    h.now = 4_000
    const events = h.run({
      _tag: "SetQueueServiceLevelTarget",
      queueId: "q",
      share: 0.9,
      thresholdMs: 30_000,
      actor: admin,
    })
    expect(events).toEqual([
      {
        _tag: "QueueServiceLevelTargetSet",
        queueId: "q",
        share: 0.9,
        thresholdMs: 30_000,
        at: 4_000,
        actor: admin,
      },
    ])
    expect(serviceLevelTargetOf(h.state, "q")).toEqual({ share: 0.9, thresholdMs: 30_000 })
    const replayed = emptyState()
    for (const event of h.log) evolve(replayed, event)
    expect(serviceLevelTargetOf(replayed, "q")).toEqual({ share: 0.9, thresholdMs: 30_000 })
  })

  it("N3 an unknown queue is refused naming queueId, and nothing changes", () => {
    const h = queueOfReps(["ann"])
    const before = h.log.length
    expect(
      h.reject({ _tag: "SetQueueServiceLevelTarget", queueId: "nope", share: 0.5, thresholdMs: 10_000 }),
    ).toMatchObject({ _tag: "UnknownEntity", field: "queueId" })
    expect(h.log.length).toBe(before)
  })

  it("N3 a share outside 0..1 or a threshold under a second is refused by the command's schema, naming the field", () => {
    const problems = [
      { share: 1.5, thresholdMs: 20_000, field: "share" },
      { share: -0.1, thresholdMs: 20_000, field: "share" },
      { share: 0.8, thresholdMs: 10, field: "thresholdMs" },
      { share: 0.8, thresholdMs: 2.5e3 + 0.5, field: "thresholdMs" },
    ]
    for (const { field, ...target } of problems) {
      const decoded = decode({ _tag: "SetQueueServiceLevelTarget", queueId: "q", ...target })
      expect(Result.isFailure(decoded), field).toBe(true)
      if (Result.isFailure(decoded)) expect(String(decoded.failure)).toContain(field)
    }
    expect(
      Result.isSuccess(
        decode({ _tag: "SetQueueServiceLevelTarget", queueId: "q", share: 1, thresholdMs: 1_000 }),
      ),
    ).toBe(true)
  })

  it("the audit trail records the change at queues/{id}/service-level-target, from the default (null) to the new value", () => {
    const h = queueOfReps(["ann"])
    const set = (share: number) =>
      h.run({ _tag: "SetQueueServiceLevelTarget", queueId: "q", share, thresholdMs: 15_000, actor: admin })
    set(0.7)
    set(0.75)
    const entries = projectAudit(h.log as never)
      .entries.filter((e) => e.kind === "QueueServiceLevelTargetSet")
      .map(({ target, before, after, actor }) => ({ target, before, after, actor }))
    expect(entries).toEqual([
      {
        target: "queues/q/service-level-target",
        before: null,
        after: { share: 0.7, thresholdMs: 15_000 },
        actor: admin,
      },
      {
        target: "queues/q/service-level-target",
        before: { share: 0.7, thresholdMs: 15_000 },
        after: { share: 0.75, thresholdMs: 15_000 },
        actor: admin,
      },
    ])
  })
})
