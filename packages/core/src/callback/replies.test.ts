import { Result } from "effect"
import { describe, expect, it } from "vitest"
import type { CenterCommand } from "../center/commands"
import { executeCenterReplied } from "../center/execute"
import type { CenterHarness } from "../center/test-kit"
import { CALLER, overflowCenter } from "./test-kit"
import { callbackView } from "./views"

/**
 * Issue 20 (Build 2, "replies, not events"): a callback command answers the callback it
 * scheduled, joined or moved (C7, B3, I2), so the API never scans the events for it.
 */

const HOUR = 3_600_000
const answer = (h: CenterHarness, command: CenterCommand) => {
  const done = executeCenterReplied(h.state, command, h.now)
  if (Result.isFailure(done)) throw new Error(`${command._tag} failed: ${done.failure.message}`)
  return done.success.reply
}
const request = (callbackId: string, extra: Record<string, unknown> = {}) =>
  ({ _tag: "RequestCallback", callbackId, number: CALLER, queueId: "q", ...extra }) as const

describe("issue 20 a callback command answers the callback", () => {
  it("C7 a new request answers its callback, created; B3 another for the same number and queue joins it", () => {
    const h = overflowCenter()
    expect(answer(h, request("cb-1"))).toEqual({ callbackId: "cb-1", joined: false, created: true })
    expect(answer(h, request("cb-2"))).toEqual({ callbackId: "cb-1", joined: true, created: false })
    expect(callbackView(h.state, "cb-1")?.joined).toBe(1)
  })

  it("C7 a repeat of the same request id names the same callback and created nothing", () => {
    const h = overflowCenter()
    answer(h, request("cb", { window: { start: HOUR, end: 2 * HOUR } }))
    const again = executeCenterReplied(h.state, request("cb", { window: { start: HOUR, end: 2 * HOUR } }), 0)
    expect(again).toEqual(
      Result.succeed({ events: [], reply: { callbackId: "cb", joined: false, created: false } }),
    )
  })

  it("I2 C7 a reschedule answers the callback as it reads after: a window that opened puts it in its queue", () => {
    const h = overflowCenter()
    answer(h, request("later", { window: { start: HOUR, end: 2 * HOUR } }))
    const moved = answer(h, {
      _tag: "RescheduleCallback",
      callbackId: "later",
      window: { start: 0, end: HOUR },
    })
    expect(moved).toEqual(callbackView(h.state, "later"))
    expect(moved).toMatchObject({
      status: "queued",
      position: 1,
      window: { start: 0, end: HOUR },
      deadline: HOUR,
    })
  })

  it("C1 setting a queue's overflow answers the settings as stored", () => {
    const h = overflowCenter()
    expect(answer(h, { _tag: "SetQueueOverflow", queueId: "q", rules: [] })).toMatchObject({ rules: [] })
  })
})
