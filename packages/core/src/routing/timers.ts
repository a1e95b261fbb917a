import { armTimer, disarmTimer, type TimerChange } from "../ports/timer"
import type { RoutingCommand } from "./commands"
import type { RoutingEvent } from "./events"

/** The durable timers routing needs, derived from its events so there is one source of truth. */
export const offerExpiryTimerId = (offerId: string): string => `routing/offer-expiry/${offerId}`

export const routingTimers = (event: RoutingEvent): readonly TimerChange<RoutingCommand>[] => {
  switch (event._tag) {
    case "OfferMade":
      return [
        armTimer(offerExpiryTimerId(event.offerId), event.expiresAt, {
          _tag: "ExpireOffer",
          offerId: event.offerId,
        }),
      ]
    case "OfferAccepted":
    case "OfferDeclined":
    case "OfferExpired":
    case "OfferWithdrawn":
      return [disarmTimer(offerExpiryTimerId(event.offerId))]
    default:
      return NO_TIMERS
  }
}

const NO_TIMERS: readonly TimerChange<RoutingCommand>[] = []
