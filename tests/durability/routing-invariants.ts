import type { RoutingEvent } from "@lifeline/core/routing"

/**
 * R2 and R4 recomputed from a stored routing log alone, independently of the router: no rep is
 * ever holding more units than it has (an offer reserves them, until it is declined, expires, is
 * withdrawn, or the accepted work completes), no item is ever accepted twice, and every offer is
 * made once and resolved at most once. Returns what is wrong, empty when nothing is.
 */
export const routingViolations = (events: readonly RoutingEvent[]) => {
  const violations: string[] = []
  const capacity = new Map<string, Map<string, { total: number; used: number }>>()
  const queues = new Map<string, { profile: string; units: number }>()
  const itemQueue = new Map<string, string>()
  const open = new Map<string, { itemId: string; repId: string }>()
  const resolved = new Set<string>()
  const accepted = new Set<string>()

  const units = (itemId: string, repId: string) => {
    const queue = queues.get(itemQueue.get(itemId) ?? "")
    const held = capacity.get(repId)?.get(queue?.profile ?? "")
    return { held, units: queue?.units ?? 0 }
  }
  const release = (itemId: string, repId: string, at: number) => {
    const { held, units: n } = units(itemId, repId)
    if (held === undefined) return
    held.used -= n
    if (held.used < 0) violations.push(`#${at}: ${repId} released more units than it held`)
  }
  const resolve = (offerId: string, at: number, tag: string) => {
    const offer = open.get(offerId)
    if (offer === undefined) {
      violations.push(`#${at}: ${tag} for offer ${offerId}, which is not open`)
      return undefined
    }
    open.delete(offerId)
    resolved.add(offerId)
    return offer
  }

  for (const [at, e] of events.entries()) {
    switch (e._tag) {
      case "RepRegistered":
        capacity.set(
          e.repId,
          new Map(Object.entries(e.capacity).map(([profile, total]) => [profile, { total, used: 0 }])),
        )
        break
      case "QueueCreated":
        queues.set(e.queueId, { profile: e.profile, units: e.units })
        break
      case "ItemQueued":
        if (itemQueue.has(e.itemId)) violations.push(`#${at}: item ${e.itemId} queued twice`)
        itemQueue.set(e.itemId, e.queueId)
        break
      case "OfferMade": {
        if (open.has(e.offerId) || resolved.has(e.offerId))
          violations.push(`#${at}: offer ${e.offerId} made twice`)
        if (accepted.has(e.itemId)) violations.push(`#${at}: ${e.itemId} offered after it was accepted`)
        open.set(e.offerId, { itemId: e.itemId, repId: e.repId })
        const { held, units: n } = units(e.itemId, e.repId)
        if (held === undefined) {
          violations.push(`#${at}: ${e.repId} offered ${e.itemId} without that capacity profile`)
          break
        }
        held.used += n
        if (held.used > held.total) {
          violations.push(
            `#${at}: ${e.repId} over capacity (${held.used} of ${held.total}) with ${e.offerId}`,
          )
        }
        break
      }
      case "OfferAccepted":
        resolve(e.offerId, at, e._tag)
        if (accepted.has(e.itemId)) violations.push(`#${at}: ${e.itemId} assigned twice`)
        accepted.add(e.itemId)
        break
      case "OfferDeclined":
      case "OfferExpired":
      case "OfferWithdrawn": {
        const offer = resolve(e.offerId, at, e._tag)
        if (offer !== undefined) release(offer.itemId, offer.repId, at)
        break
      }
      case "WorkCompleted":
        if (!accepted.has(e.itemId)) violations.push(`#${at}: ${e.itemId} completed but never assigned`)
        release(e.itemId, e.repId, at)
        break
      default:
        break
    }
  }
  return { violations, openOffers: [...open.keys()], accepted }
}
