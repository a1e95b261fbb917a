import type { TelephonyAction } from "@lifeline/core/ports"
import { Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type AcsHarness, CUSTOMER, startAcsHarness } from "./acs-harness"

/**
 * Issue 19, SPEC W1: the Azure adapter performs the rep's call actions (hold, unhold, mute,
 * transfer, hang-up) with the real Call Automation SDK, against the ACS stand-in that answers
 * per the published 2025-06-15 wire format.
 */
let h: AcsHarness
beforeAll(async () => {
  h = await startAcsHarness()
})
afterAll(() => h.close())

const bodyOf = (request: { readonly body: unknown } | undefined) => request?.body as Record<string, unknown>

/** A caller answered by Lifeline and bridged to ana: the leg a rep's actions act on. */
const connectedCall = async (callId: string) => {
  const adapter = h.adapter()
  await h.ring(adapter, callId)
  await h.perform(adapter, { _tag: "Answer", callId }, `answer-${callId}`)
  const cc = h.connectionOf(callId)
  await h.event(h.acs.callConnected(cc))
  await h.perform(adapter, { _tag: "Connect", callId, repId: "ana" }, `connect-${callId}`)
  await h.event(h.acs.participantAnswered(cc))
  return { adapter, cc, perform: (action: TelephonyAction, key: string) => h.perform(adapter, action, key) }
}

const ok = Result.succeed(undefined)
const ANA = "8:acs:rep-ana"

describe("W1 Azure call handling against the ACS stand-in (issue 19)", () => {
  it("W1 hold and unhold the caller (CallMedia hold/unhold); ParticipantsUpdated says who is on hold", async () => {
    const { cc, perform } = await connectedCall("w1-hold")
    expect(await perform({ _tag: "Hold", callId: "w1-hold" }, "hold-1")).toEqual(ok)
    expect(bodyOf(h.requestsTo(":hold").at(-1))).toMatchObject({
      targetParticipant: { rawId: `4:${CUSTOMER}` },
      operationContext: "hold-1",
    })
    expect(h.acs.calls.get(cc)?.held.has(`4:${CUSTOMER}`)).toBe(true)
    expect(await h.acs.participantsUpdated(cc)).toBe(200)
    const update = h.acs.deliveries.at(-1)?.body[0] as { data: { participants: { isOnHold: boolean }[] } }
    expect(update.data.participants.some((p) => p.isOnHold)).toBe(true)
    expect(await perform({ _tag: "Unhold", callId: "w1-hold" }, "unhold-1")).toEqual(ok)
    expect(h.performed("Unhold").map((p) => p.callConnectionId)).toContain(cc)
    expect(h.acs.calls.get(cc)?.held.size).toBe(0)
  })

  it("W1 mute the rep (participants:mute, repeatable); unmute is the rep's client's and asks ACS nothing", async () => {
    const { cc, perform } = await connectedCall("w1-mute")
    expect(await perform({ _tag: "Mute", callId: "w1-mute", repId: "ana" }, "mute-1")).toEqual(ok)
    const request = h.requestsTo("participants:mute").at(-1)
    expect(bodyOf(request)).toMatchObject({
      targetParticipants: [{ rawId: ANA }],
      operationContext: "mute-1",
    })
    expect(request?.headers["repeatability-request-id"]).toBeDefined()
    expect(h.acs.calls.get(cc)?.muted.has(ANA)).toBe(true)
    const before = h.acs.requests.length
    expect(await perform({ _tag: "Unmute", callId: "w1-mute", repId: "ana" }, "unmute-1")).toEqual(ok)
    expect(h.acs.requests.length).toBe(before)
  })

  it("W1 a transfer to a queue removes the rep's participant; the caller stays on Lifeline's connection", async () => {
    const { cc, perform } = await connectedCall("w1-queue")
    const to = { queueId: "billing" }
    expect(await perform({ _tag: "Transfer", callId: "w1-queue", repId: "ana", to }, "xfer-q")).toEqual(ok)
    expect(bodyOf(h.requestsTo("participants:remove").at(-1))).toMatchObject({
      participantToRemove: { rawId: ANA },
      operationContext: "xfer-q",
    })
    expect(await h.acs.participantRemoved(cc)).toBe(200)
    expect(h.acs.calls.get(cc)?.participants.map((p) => p.rawId)).toEqual([`4:${CUSTOMER}`])
    expect(h.acs.calls.get(cc)?.state).toBe("connected")
  })

  it("W1 a transfer to a rep is ACS's transferToParticipant with the caller as transferee", async () => {
    const { cc, perform } = await connectedCall("w1-rep")
    const to = { repId: "ben" }
    expect(await perform({ _tag: "Transfer", callId: "w1-rep", repId: "ana", to }, "xfer-r")).toEqual(ok)
    expect(bodyOf(h.requestsTo(":transferToParticipant").at(-1))).toMatchObject({
      targetParticipant: { rawId: "8:acs:rep-ben" },
      transferee: { rawId: `4:${CUSTOMER}` },
      operationContext: "xfer-r",
    })
    expect(await h.acs.transferAccepted(cc)).toBe(200)
  })

  it("W1 ACS refuses an action on a participant not in the call; the adapter reports it not retryable", async () => {
    const { perform } = await connectedCall("w1-bad")
    const refused = await perform({ _tag: "Mute", callId: "w1-bad", repId: "ben" }, "mute-ben")
    expect(refused).toMatchObject({
      failure: { _tag: "TelephonyFailed", operation: "Mute", retryable: false },
    })
  })

  it("W1 the rep ends the call: terminated for everyone", async () => {
    const { cc, perform } = await connectedCall("w1-end")
    expect(await perform({ _tag: "HangUp", callId: "w1-end" }, "end-1")).toEqual(ok)
    expect(h.performed("TerminateCall").map((p) => p.callConnectionId)).toContain(cc)
  })
})
