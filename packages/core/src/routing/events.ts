import type { AuditStamp } from "../audit/actor"
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
  /** R2: the rep's totals for these profiles are now these (used units are unchanged). */
  | {
      readonly _tag: "RepCapacitySet"
      readonly repId: string
      readonly capacity: Readonly<Record<string, number>>
      readonly at: number
    }
  /** Queue and workstream set-up, stamped for the audit trail (older events carry no stamp). */
  | ({ readonly _tag: "QueueCreated"; readonly members: readonly string[] } & QueueConfig & AuditStamp)
  | ({ readonly _tag: "QueueMemberAdded"; readonly queueId: string; readonly repId: string } & AuditStamp)
  | ({ readonly _tag: "QueueMemberRemoved"; readonly queueId: string; readonly repId: string } & AuditStamp)
  | ({ readonly _tag: "WorkstreamDefined" } & Workstream & AuditStamp)
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
  /** Assigned work handed back for later: the rep is freed, the item keeps its age (B1). */
  | { readonly _tag: "ItemHeld"; readonly itemId: string; readonly repId: string; readonly at: number }
  /** A held item is back in its queue, at its original place. */
  | { readonly _tag: "ItemResumed"; readonly itemId: string; readonly at: number }
  /** The item now waits in `toQueueId`, with its original arrival time (C1 transfer). */
  | {
      readonly _tag: "ItemTransferred"
      readonly itemId: string
      readonly fromQueueId: string
      readonly toQueueId: string
      readonly at: number
    }
  /** The item left for `reason` (not a hang-up, not completed); `repId` is freed if it had one. */
  | {
      readonly _tag: "ItemClosed"
      readonly itemId: string
      readonly reason: string
      readonly repId: string | null
      readonly at: number
    }

export type RoutingEventTag = RoutingEvent["_tag"]
export type EventOf<T extends RoutingEventTag> = Extract<RoutingEvent, { _tag: T }>

/** Every routing event tag, once; a tag missing here is a compile error (the center applies these). */
const ROUTING_EVENT_TAG_SET: Record<RoutingEventTag, true> = {
  PresenceDefined: true,
  RepRegistered: true,
  PresenceChanged: true,
  RepCapacitySet: true,
  QueueCreated: true,
  QueueMemberAdded: true,
  QueueMemberRemoved: true,
  WorkstreamDefined: true,
  ItemQueued: true,
  OfferMade: true,
  OfferAccepted: true,
  OfferDeclined: true,
  OfferExpired: true,
  OfferWithdrawn: true,
  ItemEscalated: true,
  ItemRequeued: true,
  WorkCompleted: true,
  ItemAbandoned: true,
  ItemHeld: true,
  ItemResumed: true,
  ItemTransferred: true,
  ItemClosed: true,
}

export const ROUTING_EVENT_TAGS: ReadonlySet<string> = new Set(Object.keys(ROUTING_EVENT_TAG_SET))
