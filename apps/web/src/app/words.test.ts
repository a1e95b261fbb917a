import { LifelineApiError } from "@lifeline/client"
import { describe, expect, it } from "vitest"
import { queueName } from "../rep/words"
import { Unreachable } from "./connection"
import { parseBlock } from "./live"
import { presenceLabel, presenceWords } from "./presence"
import { fieldInWords, homeOf, mayOpen, reasonOf } from "./session"
import { formatDuration } from "./time"

describe("issue 19: what the web app says, in words", () => {
  it("names an API field path as a person reads it", () => {
    expect(fieldInWords("rules[0].condition.count")).toBe("Rule 1 threshold")
    expect(fieldInWords("rules[2].action.queueId")).toBe("Rule 3 queue")
    expect(fieldInWords("offerText")).toBe("Callback offer text")
    expect(fieldInWords("someNewField")).toBe("Some new field")
  })

  it("says a failure in words: never 'Failed to fetch', never a bare path", () => {
    expect(reasonOf(new Unreachable())).toMatch(/^The Lifeline server cannot be reached/)
    expect(reasonOf(new TypeError("Failed to fetch"))).not.toContain("Failed to fetch")
    const refused = new LifelineApiError(
      400,
      "InvalidField",
      "rules[0].condition.count: Expected a value between 1 and 100, got -1",
      "rules[0].condition.count",
    )
    expect(reasonOf(refused)).toBe("Rule 1 threshold: Expected a value between 1 and 100, got -1")
    expect(reasonOf(new LifelineApiError(401, "Unauthenticated", "an API key is required", undefined))).toBe(
      "Your session has ended; sign in again.",
    )
  })

  it("R1 shows presences as people say them", () => {
    expect(presenceWords("busy_dnd")).toBe("Do not disturb")
    expect(presenceLabel("Busy DND", "busy_dnd")).toBe("Do not disturb")
    expect(presenceLabel("Lunch", "away")).toBe("Lunch (Away)")
    expect(presenceLabel("Available", "available")).toBe("Available")
  })

  it("formats durations and queue ids", () => {
    expect(formatDuration(0)).toBe("0:00")
    expect(formatDuration(29_400)).toBe("0:29")
    expect(formatDuration(-5_000)).toBe("0:00")
    expect(formatDuration(3_723_000)).toBe("1:02:03")
    expect(queueName("tier-2_support")).toBe("Tier 2 support")
  })

  it("issue 21, N4: a person opens only their own pages, and lands on their home", () => {
    const ana = { role: "rep", name: "Ana Lima", repId: "ana" } as const
    const sam = { role: "supervisor", name: "Sam", queues: ["billing"] } as const
    const ada = { role: "admin", name: "Ada" } as const
    expect(homeOf(ana)).toBe("#/rep/ana")
    expect(homeOf(sam)).toBe("#/supervisor")
    expect(homeOf(ada)).toBe("#/admin")
    expect(mayOpen(ana, { page: "rep", repId: "ana" })).toBe(true)
    expect(mayOpen(ana, { page: "rep", repId: "ben" })).toBe(false)
    expect(mayOpen(ana, { page: "supervisor" })).toBe(false)
    expect(mayOpen(sam, { page: "supervisor" })).toBe(true)
    expect(mayOpen(sam, { page: "admin" })).toBe(false)
    expect(mayOpen(ada, { page: "admin" })).toBe(true)
    expect(mayOpen(ada, { page: "supervisor" })).toBe(true)
    expect(mayOpen(ada, { page: "rep", repId: "ana" })).toBe(false)
  })

  it("reads a server-sent event block; a comment is no message", () => {
    expect(parseBlock('id: 7\nevent: events\ndata: [{"a":1}]')).toEqual({
      event: "events",
      data: '[{"a":1}]',
      id: "7",
    })
    expect(parseBlock("data: one\ndata: two")).toEqual({ event: "message", data: "one\ntwo", id: undefined })
    expect(parseBlock(": keep-alive")).toBeUndefined()
  })
})
