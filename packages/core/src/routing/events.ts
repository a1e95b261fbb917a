import type { PresenceDefinition } from "./presence"
import type { QueueConfig } from "./queue"
import type { Attributes, Workstream } from "./workstream"

/**
 * What happened, as plain JSON-safe data. `evolve` rebuilds the whole routing state from these
 * alone, so they carry every value a decision used (times included).
 */
export type RoutingEvent =
  | ({ readonly _tag: "PresenceDefined" } & PresenceDefinition)
  | {
      readonly _tag: "RepRegistered"
      readonly repId: string
      readonly name: string
      readonly presenceId: string
      readonly capacity: Readonly<Record<string, number>>
      readonly at: number
    }
  | {
      readonly _tag: "PresenceChanged"
      readonly repId: string
      readonly from: string
      readonly to: string
      readonly at: number
    }
  | ({ readonly _tag: "QueueCreated"; readonly members: readonly string[] } & QueueConfig)
  | { readonly _tag: "QueueMemberAdded"; readonly queueId: string; readonly repId: string }
  | { readonly _tag: "QueueMemberRemoved"; readonly queueId: string; readonly repId: string }
  | ({ readonly _tag: "WorkstreamDefined" } & Workstream)
  | {
      readonly _tag: "ItemQueued"
      readonly itemId: string
      readonly queueId: string
      readonly priority: number
      readonly attributes: Attributes
      readonly at: number
      /** R6: set when a workstream rule placed the item. */
      readonly via: { readonly workstreamId: string; readonly ruleId: string | null } | null
    }
  | {
      readonly _tag: "OfferMade"
      readonly offerId: string
      readonly itemId: string
      readonly repId: string
      readonly at: number
      readonly expiresAt: number
    }
  | {
      readonly _tag: "OfferAccepted"
      readonly offerId: string
      readonly itemId: string
      readonly repId: string
      readonly at: number
    }
  | {
      readonly _tag: "OfferDeclined"
      readonly offerId: string
      readonly itemId: string
      readonly repId: string
      readonly at: number
    }
  | {
      readonly _tag: "OfferExpired"
      readonly offerId: string
      readonly itemId: string
      readonly repId: string
      readonly at: number
    }
  /** The caller hung up while the offer was ringing. */
  | {
      readonly _tag: "OfferWithdrawn"
      readonly offerId: string
      readonly itemId: string
      readonly repId: string
      readonly at: number
    }
  | {
      readonly _tag: "ItemEscalated"
      readonly itemId: string
      readonly reason: "decline_limit"
      readonly at: number
    }
  | { readonly _tag: "ItemRequeued"; readonly itemId: string; readonly at: number }
  | {
      readonly _tag: "WorkCompleted"
      readonly itemId: string
      readonly repId: string
      readonly handleMs: number
      readonly at: number
    }
  | { readonly _tag: "ItemAbandoned"; readonly itemId: string; readonly at: number }

export type RoutingEventTag = RoutingEvent["_tag"]
export type EventOf<T extends RoutingEventTag> = Extract<RoutingEvent, { _tag: T }>
