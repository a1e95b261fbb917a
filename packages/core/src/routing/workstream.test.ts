import { describe, expect, it } from "vitest"
import { routingHarness, voiceRep } from "./test-kit"

const withWorkstream = () => {
  const h = routingHarness()
  h.run(voiceRep("ann", 1, "offline"))
  for (const queueId of ["billing", "spanish", "general"]) {
    h.run({ _tag: "CreateQueue", queueId, name: queueId, members: ["ann"] })
  }
  h.run({
    _tag: "DefineWorkstream",
    workstreamId: "inbound",
    name: "Inbound voice",
    rules: [
      { ruleId: "es", conditions: [{ attribute: "language", oneOf: ["es"] }], queueId: "spanish" },
      {
        ruleId: "billing",
        conditions: [
          { attribute: "intent", oneOf: ["billing", "refund"] },
          { attribute: "language", oneOf: ["en"] },
        ],
        queueId: "billing",
      },
    ],
    fallbackQueueId: "general",
  })
  return h
}

describe("R6 workstreams", () => {
  it("R6 the first rule whose conditions all hold picks the queue", () => {
    const h = withWorkstream()
    const cases: [Record<string, string>, string, string | null][] = [
      [{ language: "es", intent: "billing" }, "spanish", "es"],
      [{ language: "en", intent: "refund" }, "billing", "billing"],
      [{ intent: "refund" }, "general", null],
      [{}, "general", null],
    ]
    for (const [i, [attributes, queueId, ruleId]] of cases.entries()) {
      const [queued] = h.run({ _tag: "RouteIncoming", itemId: `c${i}`, workstreamId: "inbound", attributes })
      expect(queued).toMatchObject({ _tag: "ItemQueued", queueId, via: { workstreamId: "inbound", ruleId } })
    }
  })

  it("R6 N3 a rule naming an unknown queue is rejected with its field; duplicate rule ids too", () => {
    const h = withWorkstream()
    const rule = { ruleId: "r", conditions: [], queueId: "nowhere" }
    expect(
      h.reject({
        _tag: "DefineWorkstream",
        workstreamId: "w2",
        name: "W",
        rules: [rule],
        fallbackQueueId: "general",
      }),
    ).toMatchObject({ _tag: "UnknownEntity", field: "rules[0].queueId" })
    const twice = [
      { ...rule, queueId: "general" },
      { ...rule, queueId: "billing" },
    ]
    expect(
      h.reject({
        _tag: "DefineWorkstream",
        workstreamId: "w2",
        name: "W",
        rules: twice,
        fallbackQueueId: "general",
      }),
    ).toMatchObject({ _tag: "InvalidField", field: "rules[1].ruleId" })
    expect(h.state.workstreams.has("w2")).toBe(false)
  })

  it("R6 an unknown workstream is rejected naming workstreamId", () => {
    const h = withWorkstream()
    expect(h.reject({ _tag: "RouteIncoming", itemId: "x", workstreamId: "nope" })).toMatchObject({
      field: "workstreamId",
    })
    expect(h.state.items.size).toBe(0)
  })
})
