import { Result } from "effect"
import { describe, expect, it } from "vitest"
import type { CenterCommand } from "../center/commands"
import { executeCenterReplied, replayCenter } from "../center/execute"
import { emptyCenterState } from "../center/state"
import { historyAnalytics } from "../history/analytics"
import { historyRecords, projectHistory } from "../history/projection"
import { voiceRep } from "../routing/test-kit"
import { CallEventSchemas } from "./events"
import { legOf } from "./reads"
import { callsCenter, callsScript, connectedCall } from "./test-kit"
import { type CallView, repCallsView } from "./views"

/** Issue 19, SPEC W1: a rep handles a routed call (hold, mute, transfer, end, wrap-up) and places outbound calls. */
const center = callsCenter
const connected = (waitMs = 5_000) => connectedCall(callsCenter(), "c1", waitMs)

/** Run a command and return its reply (the call's view) beside its events. */
const replied = (h: ReturnType<typeof center>, command: CenterCommand) => {
  const result = executeCenterReplied(h.state, command, h.now)
  if (Result.isFailure(result)) throw new Error(`${command._tag}: ${result.failure.message}`)
  h.log.push(...result.success.events)
  return { events: result.success.events, view: result.success.reply as unknown as CallView }
}

const actions = (events: readonly { _tag: string }[]) =>
  events.flatMap((e) =>
    e._tag === "OutboxQueued" &&
    "message" in e &&
    (e as { message: { _tag: string } }).message._tag === "Telephony"
      ? [(e as unknown as { message: { action: { _tag: string } } }).message.action._tag]
      : [],
  )

const leg = { callId: "c1", repId: "ana" }

describe("W1 routed calls (issue 19)", () => {
  it("W1 an accepted call is connected with the caller, queue and time waited", () => {
    const h = connected(5_000)
    expect(h.eventsOf("CallConnected")).toHaveLength(1)
    const [view] = repCallsView(h.state, "ana")
    expect(view).toMatchObject({
      callId: "c1",
      itemId: "c1",
      direction: "inbound",
      from: "+15551230000",
      to: "+15559870000",
      queueId: "support",
      queueName: "Support",
      waitedMs: 5_000,
      state: "connected",
      muted: false,
      connectedAt: 6_000,
      endedBy: null,
      wrapUp: null,
    })
  })

  it("W1 hold, resume, mute and unmute change the state, reply the view and ask the provider", () => {
    const h = connected()
    const held = replied(h, { _tag: "HoldCall", ...leg })
    expect(held.view).toMatchObject({ state: "on_hold", since: h.now })
    expect(actions(held.events)).toEqual(["Hold"])
    const muted = replied(h, { _tag: "MuteCall", ...leg })
    expect(muted.view).toMatchObject({ state: "on_hold", muted: true })
    expect(actions(muted.events)).toEqual(["Mute"])
    expect(replied(h, { _tag: "ResumeCall", ...leg }).view.state).toBe("connected")
    expect(actions(replied(h, { _tag: "UnmuteCall", ...leg }).events)).toEqual(["Unmute"])
    expect(legOf(h.state.calls, "c1", "ana")).toMatchObject({ state: "connected", muted: false })
  })

  it("W1 a held call cannot be held again, nor an ended one acted on: 409 naming the state", () => {
    const h = connected()
    h.run({ _tag: "HoldCall", ...leg })
    expect(h.reject({ _tag: "HoldCall", ...leg })).toMatchObject({ _tag: "InvalidState", field: "state" })
    expect(h.reject({ _tag: "HoldCall", ...leg }).message).toContain("on hold")
    h.run({ _tag: "EndCall", ...leg })
    for (const tag of ["HoldCall", "ResumeCall", "MuteCall", "EndCall"] as const)
      expect(h.reject({ _tag: tag, ...leg }).message).toContain("has ended")
    expect(h.reject({ _tag: "HoldCall", callId: "nope", repId: "ana" })).toMatchObject({
      _tag: "UnknownEntity",
      field: "callId",
    })
    // Another rep's leg is not this rep's: unknown to it.
    expect(h.reject({ _tag: "EndCall", callId: "c1", repId: "ben" })._tag).toBe("UnknownEntity")
  })

  it("W1 the rep ends the call: hang-up sent, the call waits for wrap-up, which completes the work", () => {
    const h = connected()
    const ended = replied(h, { _tag: "EndCall", ...leg })
    expect(ended.view).toMatchObject({ state: "ended", endedBy: "rep", endedAt: h.now })
    expect(actions(ended.events)).toEqual(["HangUp"])
    expect(repCallsView(h.state, "ana")).toHaveLength(1)
    expect(h.state.routing.items.get("c1")?.status).toBe("assigned")
    const wrapped = replied(h, {
      _tag: "RecordWrapUp",
      ...leg,
      disposition: "resolved",
      notes: "refund issued",
    })
    expect(wrapped.view.wrapUp).toEqual({ disposition: "resolved", notes: "refund issued" })
    expect(wrapped.events.map((e) => e._tag)).toEqual(["WrapUpRecorded", "WorkCompleted"])
    expect(repCallsView(h.state, "ana")).toEqual([])
  })

  it("W1 work completed without a wrap-up takes the rep's call with it (nothing stays behind)", () => {
    const h = connected()
    h.run({ _tag: "CompleteWork", itemId: "c1", repId: "ana" })
    expect(repCallsView(h.state, "ana")).toEqual([])
    expect(h.state.calls.legs.size).toBe(0)
  })

  it("W1 wrap-up only after the call ended (409)", () => {
    const h = connected()
    expect(h.reject({ _tag: "RecordWrapUp", ...leg, disposition: "other", notes: "" }).message).toContain(
      "end it first",
    )
  })

  it("W1 the caller hanging up ends a connected call with endedBy caller", () => {
    const h = connected()
    const events = h.run({ _tag: "CallEnded", callId: "c1", eventId: "gone" })
    expect(h.eventsOf("CallEnded", events)).toMatchObject([{ callId: "c1", repId: "ana", endedBy: "caller" }])
    expect(legOf(h.state.calls, "c1", "ana")?.state).toBe("ended")
    // N2: the provider's repeat changes nothing.
    expect(h.run({ _tag: "CallEnded", callId: "c1", eventId: "gone" })).toEqual([])
  })

  it("W1 a transfer to a queue routes the caller again there, keeping its age; the leg ends by transfer", () => {
    const h = connected(5_000)
    const arrived = h.state.routing.items.get("c1")?.arrivedAt
    const out = replied(h, { _tag: "TransferCall", ...leg, to: { queueId: "billing" } })
    expect(out.view).toMatchObject({
      state: "ended",
      endedBy: "transfer",
      transferredTo: { queueId: "billing" },
    })
    expect(actions(out.events)).toEqual(["Transfer"])
    const tags = out.events.map((e) => e._tag)
    expect(tags).toEqual(expect.arrayContaining(["ItemHeld", "ItemResumed", "ItemTransferred", "OfferMade"]))
    const offer = h.eventsOf("OfferMade", out.events)[0]
    expect(offer?.repId).toBe("ben")
    expect(h.state.routing.items.get("c1")?.arrivedAt).toBe(arrived)
    // ben accepts: his leg is up while ana's waits for her wrap-up.
    h.run({ _tag: "AcceptOffer", offerId: offer?.offerId ?? "", repId: "ben" })
    expect(repCallsView(h.state, "ben")).toMatchObject([
      { callId: "c1", state: "connected", queueId: "billing" },
    ])
    expect(repCallsView(h.state, "ana")).toMatchObject([{ callId: "c1", state: "ended" }])
    h.run({ _tag: "RecordWrapUp", ...leg, disposition: "escalated", notes: "" })
    expect(repCallsView(h.state, "ben")).toHaveLength(1)
  })

  it("W1 a transfer names an existing queue or rep (404 naming the field)", () => {
    const h = connected()
    expect(h.reject({ _tag: "TransferCall", ...leg, to: { queueId: "nope" } })).toMatchObject({
      _tag: "UnknownEntity",
      field: "queueId",
    })
    expect(h.reject({ _tag: "TransferCall", ...leg, to: { repId: "nope" } })).toMatchObject({
      _tag: "UnknownEntity",
      field: "repId",
    })
  })

  it("W1 R4 a transfer to a rep offers the call to that rep alone, who accepts: the call is his, same queue and age", () => {
    const h = connected(5_000)
    const arrived = h.state.routing.items.get("c1")?.arrivedAt
    const out = replied(h, { _tag: "TransferCall", ...leg, to: { repId: "ben" } })
    expect(out.view).toMatchObject({ state: "ended", endedBy: "transfer", transferredTo: { repId: "ben" } })
    // ana leaves and the caller waits with Lifeline while ben's offer rings (not a blind hand-over).
    expect(actions(out.events)).toEqual(["Transfer"])
    expect(out.events.map((e) => e._tag)).not.toContain("ItemResumed")
    const [offer] = h.eventsOf("OfferMade", out.events)
    expect(offer).toMatchObject({ itemId: "c1", repId: "ben", directed: true, expiresAt: h.now + 30_000 })
    // ben serves billing only: the named rep need not be a member of the call's queue.
    h.run({ _tag: "AcceptOffer", offerId: offer?.offerId ?? "", repId: "ben" })
    expect(repCallsView(h.state, "ben")).toMatchObject([
      { callId: "c1", state: "connected", queueId: "support" },
    ])
    expect(h.state.routing.items.get("c1")).toMatchObject({ status: "assigned", arrivedAt: arrived })
    expect(repCallsView(h.state, "ana")).toMatchObject([{ callId: "c1", state: "ended" }])
  })

  it("W1 R4 the named rep's offer expires: the call waits in its queue again, keeping its age and priority", () => {
    const h = connected(5_000)
    h.run({ _tag: "SetPresence", repId: "ana", presenceId: "away" })
    const before = h.state.routing.items.get("c1")
    h.run({ _tag: "TransferCall", ...leg, to: { repId: "ben" } })
    const expired = h.advance(30_000)
    expect(h.eventsOf("OfferExpired", expired)).toMatchObject([{ itemId: "c1", repId: "ben" }])
    expect(h.state.routing.items.get("c1")).toMatchObject({
      status: "waiting",
      queue: { config: { queueId: "support" } },
      arrivedAt: before?.arrivedAt,
      priority: before?.priority,
    })
    // Waiting in support, it goes to support's rep once she takes work, as any waiting call.
    h.run({ _tag: "SetPresence", repId: "ana", presenceId: "available" })
    expect(h.state.routing.items.get("c1")?.offer?.rep.repId).toBe("ana")
  })

  it("W1 R1 R2 a transfer to a rep who cannot take the call now is refused naming repId; nothing changes", () => {
    const h = connected()
    const refusal = (repId: string) => {
      const length = h.log.length
      const error = h.reject({ _tag: "TransferCall", ...leg, to: { repId } })
      expect(h.log.length).toBe(length)
      return error
    }
    expect(refusal("ana")).toMatchObject({ _tag: "InvalidField", field: "repId" })
    h.run({ _tag: "SetPresence", repId: "ben", presenceId: "away" })
    expect(refusal("ben")).toMatchObject({ _tag: "InvalidState", field: "repId" })
    expect(refusal("ben").message).toBe("rep 'ben' is away and takes no work now")
    // ben busy with a call of his own: no voice unit free.
    h.run({ _tag: "SetPresence", repId: "ben", presenceId: "available" })
    h.run({ _tag: "EnqueueItem", itemId: "b1", queueId: "billing" })
    expect(refusal("ben").message).toBe("rep 'ben' has no voice capacity free (1 of 1 in use)")
    h.run(voiceRep("cy"))
    expect(refusal("cy").message).toBe("rep 'cy' serves no queue")
    expect(legOf(h.state.calls, "c1", "ana")).toMatchObject({ state: "connected" })
    expect(h.state.routing.items.get("c1")?.assignedTo?.repId).toBe("ana")
  })

  it("W1 replay of the log rebuilds the same legs", () => {
    const h = connected()
    h.run({ _tag: "HoldCall", ...leg })
    h.run({ _tag: "MuteCall", ...leg })
    h.run({ _tag: "PlaceOutboundCall", repId: "ben", to: "+15550001111", from: "+15550000000" })
    const rebuilt = replayCenter(emptyCenterState(), h.log)
    expect(repCallsView(rebuilt, "ana")).toEqual(repCallsView(h.state, "ana"))
    expect(repCallsView(rebuilt, "ben")).toEqual(repCallsView(h.state, "ben"))
    expect(rebuilt.calls.outboundPlaced).toBe(1)
  })
})

describe("W1 outbound calls (issue 19)", () => {
  it("N1 the script covers every event of the calls module", () => {
    const tags = new Set(callsScript().map((e) => e._tag))
    for (const tag of Object.keys(CallEventSchemas)) expect(tags.has(tag as never), tag).toBe(true)
  })

  it("W1 a rep places a call from the caller id: ringing, then connected when the customer answers", () => {
    const h = center()
    const placed = replied(h, {
      _tag: "PlaceOutboundCall",
      repId: "ana",
      to: "+15550001111",
      from: "+15550000000",
    })
    expect(placed.view).toMatchObject({
      callId: "outbound~1",
      direction: "outbound",
      state: "ringing",
      from: "+15550000000",
      to: "+15550001111",
      itemId: null,
      queueId: null,
      waitedMs: null,
    })
    expect(actions(placed.events)).toEqual(["PlaceCall"])
    const answered = h.run({ _tag: "CallAnswered", callId: "outbound~1", eventId: "a1" })
    expect(answered.map((e) => e._tag)).toEqual([
      "ProviderEventHandled",
      "OutboundCallConnected",
      "OutboxQueued",
    ])
    expect(actions(answered)).toEqual(["Connect"])
    expect(repCallsView(h.state, "ana")[0]).toMatchObject({ state: "connected", connectedAt: h.now })
    const second = replied(h, { _tag: "PlaceOutboundCall", repId: "ana", to: "+15550002222", from: "+1" })
    expect(second.view.callId).toBe("outbound~2")
  })

  it("W1 an outbound call that fails ends with endedBy failed", () => {
    const h = center()
    h.run({ _tag: "PlaceOutboundCall", repId: "ana", to: "+15550001111", from: "+15550000000" })
    h.run({ _tag: "CallFailed", callId: "outbound~1", eventId: "f1", reason: "busy" })
    expect(repCallsView(h.state, "ana")[0]).toMatchObject({ state: "ended", endedBy: "failed" })
  })

  it("E8 W1 emergency numbers are refused (422 EmergencyNumber), not dialled; other non-E.164 is 400 naming to", () => {
    const h = center()
    for (const to of ["911", "112", "933", "9-1-1", "999"]) {
      expect(h.reject({ _tag: "PlaceOutboundCall", repId: "ana", to, from: "+15550000000" })).toMatchObject({
        _tag: "EmergencyNumber",
        field: "to",
      })
    }
    expect(h.reject({ _tag: "PlaceOutboundCall", repId: "ana", to: "5551234", from: "+1" })).toMatchObject({
      _tag: "InvalidField",
      field: "to",
    })
    expect(
      h.reject({ _tag: "PlaceOutboundCall", repId: "nobody", to: "+15550001111", from: "+1" }),
    ).toMatchObject({
      _tag: "UnknownEntity",
      field: "repId",
    })
    expect(h.state.calls.outboundPlaced).toBe(0)
  })
})

describe("W1 E8 call history of handled calls (issue 19)", () => {
  it("W1 a wrap-up's disposition is on the routed call's record; an outbound call is recorded as outbound", () => {
    const h = connected()
    h.run({ _tag: "EndCall", ...leg })
    h.run({ _tag: "RecordWrapUp", ...leg, disposition: "follow_up", notes: "not in history" })
    h.run({ _tag: "PlaceOutboundCall", repId: "ana", to: "+15550001111", from: "+15550000000" })
    h.run({ _tag: "CallAnswered", callId: "outbound~1", eventId: "a1" })
    h.advance(60_000)
    h.run({ _tag: "EndCall", callId: "outbound~1", repId: "ana" })
    h.run({ _tag: "PlaceOutboundCall", repId: "ana", to: "+15550002222", from: "+15550000000" })
    h.run({ _tag: "CallFailed", callId: "outbound~2", eventId: "f2", reason: "busy" })
    const records = historyRecords(projectHistory(h.log))
    expect(records.find((r) => r.itemId === "c1")).toMatchObject({
      direction: "inbound",
      disposition: "follow_up",
      outcome: "completed",
    })
    expect(JSON.stringify(records)).not.toContain("not in history")
    expect(records.find((r) => r.itemId === "outbound~1")).toMatchObject({
      direction: "outbound",
      queueId: "",
      from: "+15550000000",
      to: "+15550001111",
      repId: "ana",
      outcome: "completed",
      endReason: "rep",
      handleMs: 60_000,
    })
    expect(records.find((r) => r.itemId === "outbound~2")).toMatchObject({
      outcome: "unreachable",
      endReason: "failed",
    })
    // Queue analytics are of routed work only: no queue "" from the outbound calls.
    expect(historyAnalytics(records).map((q) => q.queueId)).toEqual(["support"])
  })
})
