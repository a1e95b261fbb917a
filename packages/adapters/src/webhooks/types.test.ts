import { describe, expect, it } from "vitest"
import { webhookPayload, webhookTypeOf } from "./types"

describe("SPEC I3 webhook types", () => {
  it("W1 I3 the customer of a connected callback hanging up is callback.call_ended, with the event's fields", () => {
    const event = {
      _tag: "CallbackCallEnded",
      callbackId: "cb-7",
      callId: "cb-7~dial~1",
      repId: "ana",
      at: Date.UTC(2026, 11, 5, 9, 0),
    } as const
    expect(webhookTypeOf(event)).toBe("callback.call_ended")
    expect(JSON.parse(webhookPayload("callback.call_ended", event))).toEqual({
      type: "callback.call_ended",
      timestamp: "2026-12-05T09:00:00.000Z",
      data: { callbackId: "cb-7", callId: "cb-7~dial~1", repId: "ana", at: Date.UTC(2026, 11, 5, 9, 0) },
    })
  })

  it("E8 no emergency event has a webhook type", () => {
    expect(
      webhookTypeOf({
        _tag: "EmergencyEnded",
        repId: "ana",
        sessionId: "s",
        reason: "ended",
        at: 0,
      } as never),
    ).toBe(undefined)
  })
})
