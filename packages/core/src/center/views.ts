import { type CallbackFacts, callbackFacts, isCallbackItem } from "../callback/reads"
import type { DeliveryRecord } from "../outbox/deliveries"
import type { BasePresence } from "../routing/presence"
import type { ItemRead, OfferRead, RepRead } from "../routing/reads"
import type { CenterState } from "./state"

/** What a rep, a supervisor or an admin sees of one rep (never emergency details: E8, N4). */
export interface RepView {
  readonly repId: string
  readonly name: string
  readonly presenceId: string
  readonly base: BasePresence
  readonly capacity: Readonly<Record<string, { readonly total: number; readonly used: number }>>
  readonly queues: readonly string[]
}

export const repView = (rep: RepRead): RepView => ({
  repId: rep.repId,
  name: rep.name,
  presenceId: rep.presenceId,
  base: rep.base,
  capacity: Object.fromEntries(
    [...rep.capacity].map(([profile, c]) => [profile, { total: c.total, used: c.used }]),
  ),
  queues: [...rep.memberships.keys()],
})

/** C5: an offer says whether it is a call or a callback. */
export interface OfferView {
  readonly offerId: string
  readonly itemId: string
  readonly queueId: string
  readonly repId: string
  readonly kind: "call" | "callback"
  readonly at: number
  readonly expiresAt: number
  readonly attributes: Readonly<Record<string, string>>
  /** Issue 19: a callback's customer number and when it was asked for (the rep's own only); null for a call. */
  readonly callback: CallbackFacts | null
}

export const offerView = (state: CenterState, offer: OfferRead): OfferView => ({
  offerId: offer.offerId,
  itemId: offer.item.itemId,
  queueId: offer.item.queue.config.queueId,
  repId: offer.rep.repId,
  kind: isCallbackItem(state.callback, offer.item.itemId) ? "callback" : "call",
  at: offer.at,
  expiresAt: offer.expiresAt,
  attributes: offer.item.attributes,
  callback: callbackFacts(state.callback, offer.item.itemId),
})

export const offersForRep = (state: CenterState, repId: string): OfferView[] => {
  const out: OfferView[] = []
  for (const offer of state.routing.offers.values()) {
    if (offer.rep.repId === repId) out.push(offerView(state, offer))
  }
  return out
}

/** Work a rep accepted and has not completed. */
export interface WorkView {
  readonly itemId: string
  readonly queueId: string
  readonly kind: "call" | "callback"
  readonly acceptedAt: number
  /** Issue 19: as on the offer. */
  readonly callback: CallbackFacts | null
}

export const workView = (state: CenterState, item: ItemRead): WorkView => ({
  itemId: item.itemId,
  queueId: item.queue.config.queueId,
  kind: isCallbackItem(state.callback, item.itemId) ? "callback" : "call",
  acceptedAt: item.acceptedAt,
  callback: callbackFacts(state.callback, item.itemId),
})

/** Work a rep has accepted and not completed. */
export const assignedToRep = (state: CenterState, repId: string): WorkView[] =>
  [...state.routing.items.values()]
    .filter((item) => item.assignedTo?.repId === repId)
    .map((item) => workView(state, item))

/** B6: one email as an admin sees it (a record of the deliveries read model). */
export interface DeliveryView {
  readonly messageId: string
  readonly purpose: string
  readonly ref: string
  readonly channel: "email" | "telephony"
  readonly to: readonly string[]
  readonly status: DeliveryRecord["status"]
  readonly attempts: number
  readonly retryAt: number | null
  readonly queuedAt: number
  readonly history: DeliveryRecord["history"]
}

export const deliveryView = (record: DeliveryRecord): DeliveryView => ({
  messageId: record.messageId,
  purpose: record.purpose,
  ref: record.ref,
  channel: record.channel,
  to: record.to,
  status: record.status,
  attempts: record.attempts,
  retryAt: record.retryAt,
  queuedAt: record.queuedAt,
  history: [...record.history],
})
