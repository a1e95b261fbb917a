import { Center, type CenterCommand, type CenterEvent } from "@lifeline/core/center"
import type { RoutingCommand } from "@lifeline/core/routing"
import { Effect } from "effect"

const rep = (repId: string, name: string, presenceId: string, voice: number): RoutingCommand => ({
  _tag: "RegisterRep",
  repId,
  name,
  presenceId,
  capacity: { voice },
})

const call = (itemId: string, topic?: string): RoutingCommand => ({
  _tag: "RouteIncoming",
  itemId,
  workstreamId: "inbound-voice",
  ...(topic === undefined ? {} : { attributes: { topic } }),
})

/**
 * A small contact center to look at: two custom presences, five reps, three queues with
 * different assignment methods, one workstream, and eight calls. The first calls are offered
 * and answered (the demo plays the reps), so the rest wait: billing and support have waiting
 * calls and a finite EWT; sales has no staffed rep.
 */
export const DEMO_COMMANDS: readonly CenterCommand[] = [
  { _tag: "DefinePresence", presenceId: "lunch", label: "Lunch", base: "away" },
  { _tag: "DefinePresence", presenceId: "training", label: "Training", base: "busy_dnd" },
  rep("ana", "Ana Lima", "available", 1),
  rep("ben", "Ben Okafor", "available", 2),
  rep("caro", "Caro Diaz", "lunch", 1),
  rep("dan", "Dan Weiss", "offline", 1),
  rep("eve", "Eve Novak", "training", 1),
  {
    _tag: "CreateQueue",
    queueId: "billing",
    name: "Billing",
    assignment: "highest_capacity",
    members: ["ana", "ben"],
    defaultHandleTimeMs: 240_000,
  },
  {
    _tag: "CreateQueue",
    queueId: "support",
    name: "Technical support",
    assignment: "round_robin",
    members: ["ben", "caro", "dan"],
    defaultHandleTimeMs: 360_000,
  },
  {
    _tag: "CreateQueue",
    queueId: "sales",
    name: "Sales",
    assignment: "most_idle",
    priority: 1,
    members: ["caro", "eve"],
  },
  {
    _tag: "DefineWorkstream",
    workstreamId: "inbound-voice",
    name: "Inbound voice",
    rules: [
      {
        ruleId: "billing",
        conditions: [{ attribute: "topic", oneOf: ["billing", "invoice"] }],
        queueId: "billing",
      },
      { ruleId: "sales", conditions: [{ attribute: "topic", oneOf: ["sales"] }], queueId: "sales" },
    ],
    fallbackQueueId: "support",
  },
  // E2, E3, E5, E9: the emergency set-up, so a demo rep can dial 911 (or 933 to test).
  {
    _tag: "DefineOutboundVoiceProfile",
    profileId: "voice-out",
    name: "Outbound voice",
    callingNumber: "+15550100000",
    capacityProfiles: ["voice"],
  },
  { _tag: "ConfigureEmergencyCarrier", callingPlanNumbers: ["+15550100000"], directRoutingRules: [] },
  {
    _tag: "ConfigureCallbackPool",
    numbers: ["+15550100001", "+15550100002", "+15550100003"],
    overflowNumber: "+15550100099",
    fallbackRepIds: ["ben"],
  },
  { _tag: "SetEmergencyContacts", repId: "ana", contacts: "safety@example.com; Sam Lima <sam@example.org>" },
  { _tag: "SetEmergencyContacts", repId: "ben", contacts: "safety@example.com" },
  call("call-1", "billing"),
  call("call-2", "invoice"),
  call("call-3", "billing"),
  call("call-4", "billing"),
  call("call-5", "invoice"),
  call("call-6", "outage"),
  call("call-7"),
  call("call-8", "sales"),
]

const acceptOffers = (events: readonly CenterEvent[]) =>
  Effect.flatMap(Center, (routing) =>
    Effect.forEach(
      events.flatMap((e) => (e._tag === "OfferMade" ? [e] : [])),
      (offer) => routing.execute({ _tag: "AcceptOffer", offerId: offer.offerId, repId: offer.repId }),
      { discard: true },
    ),
  )

/** Run the demo through the ordinary commands, answering every offer they lead to. */
export const seedDemo = Effect.flatMap(Center, (routing) =>
  Effect.forEach(DEMO_COMMANDS, (command) => routing.execute(command).pipe(Effect.flatMap(acceptOffers)), {
    discard: true,
  }),
)
