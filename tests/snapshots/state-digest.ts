import { createHash } from "node:crypto"
import { type CenterState, repView } from "@lifeline/core/center"
import { queueView, waitingInOrder } from "@lifeline/core/routing"

/**
 * What a node shows and decides from, as a digest (for states in other processes): every rep and
 * queue view, each queue's waiting order and offerable head, every item's status and holder,
 * the open offers, callbacks, watched calls, emergency sessions and leases, the outbox and the
 * provider-event dedupe. (The audit trail is a read model in SQL since issue 22, not state.)
 */
export const stateDigest = (state: CenterState): string => {
  const { routing, callback, emergency, outbox } = state
  const summary = {
    reps: [...routing.reps.values()].map((r) => [repView(r), r.idleSince, r.lastOfferSeq]),
    queues: [...routing.queues.keys()].map((q) => [
      queueView(routing, q),
      waitingInOrder(routing, q).map((i) => i.itemId),
      routing.queues.get(q)?.offerable.peek()?.rep.repId ?? null,
    ]),
    items: [...routing.items.values()].map((i) => [
      i.itemId,
      i.status,
      i.assignedTo?.repId ?? null,
      i.offer?.offerId ?? null,
      i.offers,
      i.declines,
      i.excluded,
    ]),
    offers: [...routing.offers.keys()],
    counters: routing.counters,
    callbacks: [...callback.callbacks.values()].map((c) => [
      c.callbackId,
      c.status,
      c.attempts,
      c.dials,
      c.retryAt,
    ]),
    watched: [...callback.watched.values()].map((w) => [
      w.itemId,
      w.queueId,
      w.offer?.dueAt ?? null,
      w.ownWaitDueAt,
    ]),
    sessions: [...emergency.sessions.values()].map((s) => [s.sessionId, s.repId, s.endedAt]),
    leases: [...emergency.leases.values()],
    outbox: [...outbox.entries.values()].map((e) => [e.messageId, e.status, e.attempts]),
    due: [...outbox.due],
    seen: [...state.seenProviderEvents],
  }
  return createHash("sha256").update(JSON.stringify(summary)).digest("hex")
}
