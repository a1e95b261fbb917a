export * from "./audit/index"
export * from "./callback/index"
export * from "./calls/index"
export * from "./center/event-schemas"
export * from "./center/index"
export * from "./emergency/index"
export * from "./emergency/operator-log"
export * from "./engine"
export * from "./history/index"
export * from "./ids"
export * from "./kernel/errors"
export { eventsOf, Refusal, type Replied } from "./kernel/module"
export * from "./outbox/commands"
export * from "./outbox/deliveries"
export * from "./outbox/dispatcher"
export * from "./outbox/events"
export * from "./outbox/message"
export * from "./outbox/module"
export * from "./outbox/state"
export * from "./ports/clock"
export * from "./ports/mailer"
export * from "./ports/store"
export * from "./ports/store-powers"
export * from "./ports/telephony"
export * from "./ports/timer"
export * from "./routing/aging"
export * from "./routing/commands"
export * from "./routing/decide"
export * from "./routing/errors"
export * from "./routing/events"
export { evolve } from "./routing/evolve"
export * from "./routing/ewt"
export * from "./routing/heap"
export * from "./routing/module"
export * from "./routing/presence"
export * from "./routing/queue"
export * from "./routing/reads"
export * from "./routing/replies"
export * from "./routing/router"
export * from "./routing/service"
// Routing's records as the snapshot codec and the routing-only engine need them; the heap
// upkeep (settle, syncRep, unsettle, applyOffer...) stays inside routing (issue 18).
export {
  emptyState,
  type ItemState,
  type ItemStatus,
  type Membership,
  memberOrder,
  type OfferState,
  type QueueState,
  type RepState,
  type RouterState,
} from "./routing/state"
export * from "./routing/timers"
export * from "./routing/views"
export * from "./routing/waiting-queue"
export * from "./routing/workstream"
