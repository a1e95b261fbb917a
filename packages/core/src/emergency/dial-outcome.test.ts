import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { executeCenterReplied } from "../center/execute"
import { Refusal } from "../kernel/module"
import { EmergencyUnavailable } from "./errors"
import { dial, emergencyCenter } from "./test-kit"
import { dialOutcome } from "./views"

/** Issue 18: a decision returns events and a reply; nobody rebuilds the answer from the events. */
const replied = (command: ReturnType<typeof dial>) => {
  const h = emergencyCenter()
  const done = executeCenterReplied(h.state, command, h.now)
  if (Result.isFailure(done)) throw new Error(`expected a decision, got ${String(done.failure)}`)
  return done.success
}

describe("E1 the emergency dial answers with a reply (issue 18)", () => {
  it("E1 a started dial replies with the facts the rep's browser needs, the same its events record", () => {
    const { events, reply } = replied(dial("ann"))
    expect(reply).toMatchObject({ _tag: "Started", test: false, notification: expect.any(String) })
    expect(reply).toEqual(dialOutcome(events))
  })

  it("E1 a refused dial replies with the typed error, and the refusal is still logged for the operator", () => {
    const { events, reply } = replied(dial("ann", "911", null))
    expect(events.map((e) => e._tag)).toEqual(["EmergencyDialRefused"])
    if (!(reply instanceof Refusal)) throw new Error(`expected a refusal, got ${JSON.stringify(reply)}`)
    expect(reply.error).toBeInstanceOf(EmergencyUnavailable)
    expect(reply.error).toMatchObject({ field: "location", reason: "location_unknown" })
    expect(reply).toEqual(dialOutcome(events))
  })

  it("a command nobody answers (a lease expiry from its timer) is answered with its events only", () => {
    const h = emergencyCenter()
    const done = executeCenterReplied(h.state, { _tag: "ExpireCallbackLease", leaseId: "none" }, h.now)
    expect(Result.isSuccess(done) && done.success.reply).toBeUndefined()
  })
})
