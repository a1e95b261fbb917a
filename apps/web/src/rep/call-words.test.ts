import type { CallView } from "@lifeline/client"
import { describe, expect, it } from "vitest"
import { callTitle, checkDial, DISPOSITIONS, endedWords, knownAttributes, otherParty } from "./call-words"

const call = (over: Partial<CallView> = {}): CallView => ({
  callId: "c1",
  itemId: "c1",
  direction: "inbound",
  from: "+14155550100",
  to: "+15550100500",
  queueId: "support",
  queueName: "Technical support",
  attributes: { from: "+14155550100", to: "+15550100500", topic: "outage" },
  waitedMs: 42_000,
  state: "connected",
  muted: false,
  since: 0,
  connectedAt: 0,
  endedAt: null,
  endedBy: null,
  transferredTo: null,
  wrapUp: null,
  ...over,
})

describe("issue 19 W1: a call in words", () => {
  it("titles a routed call by its queue's name and an outbound call by the number", () => {
    expect(callTitle(call())).toBe("Call · Technical support")
    expect(callTitle(call({ queueName: null }))).toBe("Call · Support")
    expect(callTitle(call({ direction: "outbound", itemId: null, queueId: null, to: "+14155550123" }))).toBe(
      "Outbound call · +14155550123",
    )
    expect(otherParty(call({ from: "" }))).toBe("Number withheld")
    expect(knownAttributes(call())).toEqual([["topic", "outage"]])
  })

  it("says why a call ended: the caller, the rep, a failure, a transfer by name", () => {
    const names = (id: string) => ({ billing: "Billing", ben: "Ben Okafor" })[id]
    expect(endedWords(call({ state: "ended", endedBy: "caller" }), names)).toBe("The caller hung up.")
    expect(endedWords(call({ state: "ended", endedBy: "rep" }), names)).toBe("You ended the call.")
    expect(
      endedWords(call({ state: "ended", endedBy: "transfer", transferredTo: { queueId: "billing" } }), names),
    ).toBe("Transferred to the queue Billing.")
    expect(
      endedWords(call({ state: "ended", endedBy: "transfer", transferredTo: { repId: "ben" } }), names),
    ).toBe("Transferred to Ben Okafor.")
    expect(
      endedWords(call({ state: "ended", endedBy: "transfer", transferredTo: { queueId: "tier-2" } }), names),
    ).toBe("Transferred to the queue Tier 2.")
    expect(
      endedWords(call({ state: "ended", endedBy: "transfer", transferredTo: { queueId: "support" } }), names),
    ).toBe("Transferred to the queue Technical support.")
  })

  it("lists the contract's five dispositions, in words", () => {
    expect(DISPOSITIONS.map((d) => d.value)).toEqual([
      "resolved",
      "follow_up",
      "escalated",
      "wrong_number",
      "other",
    ])
  })

  it("checks the number as the rep types: E.164 calls a customer, short numbers are emergency dials", () => {
    expect(checkDial("")).toEqual({ kind: "empty" })
    expect(checkDial("+1 (415) 555-0123")).toEqual({ kind: "customer", to: "+14155550123" })
    expect(checkDial("911")).toEqual({ kind: "short", dialString: "911" })
    expect(checkDial("+1415").kind).toBe("partial")
    const wrong = checkDial("+1415abc")
    expect(wrong.kind).toBe("invalid")
    expect(wrong.kind === "invalid" && wrong.message).toMatch(/^Number to dial: .*E\.164/)
    expect(checkDial("4155550123").kind).toBe("invalid")
    expect(checkDial("+0123456789").kind).toBe("invalid")
    expect(checkDial("+1234567890123456").kind).toBe("invalid")
  })
})
