import { handlers } from "../kernel/handlers"
import { armTimer, disarmTimer, type TimerChange } from "../ports/timer"
import type { RoutingCommand } from "./commands"
import type { RoutingEvent } from "./events"

/**
 * The durable timers routing needs, derived from its events so there is one source of truth.
 *
 * An offer's expiry timer id. It answers the same string for the offer named last: an offer is
 * most often ended by the next event (a rep accepting at once), and the timer table then finds
 * the entry by the string it already hashed rather than hashing one built anew (about 4% of the
 * simulator). The memo is a cache of a pure function: the answer is the same text either way.
 */
export const offerExpiryTimerId = (offerId: string): string => {
  if (offerId === lastOfferId) return lastTimerId
  lastOfferId = offerId
  lastTimerId = `routing/offer-expiry/${offerId}`
  return lastTimerId
}

let lastOfferId = ""
let lastTimerId = ""

/** An offer's expiry is armed when it is made and disarmed by whatever ends it first. */
export const ROUTING_TIMERS = handlers<RoutingEvent, [], readonly TimerChange<RoutingCommand>[]>()
  .on("OfferMade", (event) => [
    armTimer(offerExpiryTimerId(event.offerId), event.expiresAt, {
      _tag: "ExpireOffer",
      offerId: event.offerId,
    }),
  ])
  .on(["OfferAccepted", "OfferDeclined", "OfferExpired", "OfferWithdrawn"], (event) => [
    disarmTimer(offerExpiryTimerId(event.offerId)),
  ])

/** The timer changes of one routing event (the router-only engine's `timersOf`). */
export const routingTimers = (event: RoutingEvent): readonly TimerChange<RoutingCommand>[] => {
  const [handler] = ROUTING_TIMERS.of(event._tag)
  return handler === undefined ? NO_TIMERS : handler(event)
}

const NO_TIMERS: readonly TimerChange<RoutingCommand>[] = []
