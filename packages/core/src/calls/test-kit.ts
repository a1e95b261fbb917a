import { centerHarness } from "../center/test-kit"
import { voiceRep } from "../routing/test-kit"

/** Issue 19, W1: ana in support, ben in billing, a line routed to support. */
export const callsCenter = () => {
  const h = centerHarness(1_000)
  h.run(voiceRep("ana"))
  h.run(voiceRep("ben"))
  h.run({ _tag: "CreateQueue", queueId: "support", name: "Support", members: ["ana"] })
  h.run({ _tag: "CreateQueue", queueId: "billing", name: "Billing", members: ["ben"] })
  h.run({ _tag: "DefineWorkstream", workstreamId: "ws", name: "Main", rules: [], fallbackQueueId: "support" })
  return h
}

/** A caller rings `callId`, waits `waitMs`, and ana accepts. */
export const connectedCall = (h = callsCenter(), callId = "c1", waitMs = 5_000) => {
  h.run({
    _tag: "InboundCall",
    callId,
    eventId: `in-${callId}`,
    from: "+15551230000",
    to: "+15559870000",
    workstreamId: "ws",
  })
  h.advance(waitMs)
  const offer = h.eventsOf("OfferMade").at(-1)
  if (offer === undefined) throw new Error("no offer")
  h.run({ _tag: "AcceptOffer", offerId: offer.offerId, repId: "ana" })
  return h
}

/** Every event of the calls module, from real commands (the stored-events round trip, N1). */
export const callsScript = () => {
  const h = connectedCall()
  const leg = { callId: "c1", repId: "ana" }
  h.run({ _tag: "HoldCall", ...leg })
  h.run({ _tag: "ResumeCall", ...leg })
  h.run({ _tag: "MuteCall", ...leg })
  h.run({ _tag: "UnmuteCall", ...leg })
  h.run({ _tag: "TransferCall", ...leg, to: { queueId: "billing" } })
  h.run({ _tag: "RecordWrapUp", ...leg, disposition: "escalated", notes: "to billing" })
  h.run({ _tag: "PlaceOutboundCall", repId: "ana", to: "+15550001111", from: "+15550000000" })
  h.run({ _tag: "CallAnswered", callId: "outbound~1", eventId: "a1" })
  h.run({ _tag: "EndCall", callId: "outbound~1", repId: "ana" })
  return h.log
}
