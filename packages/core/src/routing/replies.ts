import type { CenterState } from "../center/state"
import { type OfferView, offerView, type RepView, repView, type WorkView, workView } from "../center/views"
import { handlers } from "../kernel/handlers"
import type { ReadReply } from "../kernel/module"
import type { RoutingCommand } from "./commands"
import type { PresenceDefinition } from "./presence"
import {
  itemOf,
  offerOf,
  queueOf,
  type RepRead,
  repOf,
  type ServiceLevelTarget,
  serviceLevelTargetOf,
} from "./reads"
import { type PositionView, positionView, type QueueView, queueView } from "./views"
import type { Workstream } from "./workstream"

/** Issue 20: what a routing command answers its caller, instead of the events it appended. */
export type RoutingReply =
  | PositionView
  | WorkCompleted
  | OfferAnswered
  | RepView
  | QueueMembers
  | QueueView
  | PresenceDefinition
  | Workstream
  | ServiceLevelTarget

/** R4: a rep completed its work; the item left routing. */
export interface WorkCompleted {
  readonly itemId: string
  readonly queueId: string
  readonly repId: string
  readonly status: "completed"
}

/** R4: the offer as it rang, the rep's answer, and the work it became (accepted only). */
export interface OfferAnswered {
  readonly answer: "accepted" | "declined"
  readonly offer: OfferView
  readonly work: WorkView | null
}

/** R5: who serves a queue after a membership change. */
export interface QueueMembers {
  readonly queueId: string
  readonly members: readonly string[]
}

type Read = ReadReply<CenterState, RoutingReply>
type Cmd<T extends RoutingCommand["_tag"]> = Extract<RoutingCommand, { _tag: T }>

/** Read after the command: the views the routes also serve, so a reply equals a later GET. */
const positionAfter =
  (itemId: string): Read =>
  (after, now) =>
    positionView(after.routing, itemId, now) as PositionView
const repAfter =
  (repId: string): Read =>
  (after) =>
    repView(repOf(after.routing, repId) as RepRead)
const membersAfter =
  (queueId: string): Read =>
  (after) => ({ queueId, members: [...(queueOf(after.routing, queueId)?.members.keys() ?? [])] })

/** The offer is gone once answered: it is taken before, and read as it rang with the work it became after. */
const answerOf = (
  state: CenterState,
  command: Cmd<"AcceptOffer"> | Cmd<"DeclineOffer">,
): Read | undefined => {
  const offer = offerOf(state.routing, command.offerId)
  if (offer === undefined) return undefined
  if (command._tag === "DeclineOffer")
    return (after) => ({ answer: "declined", offer: offerView(after, offer), work: null })
  return (after) => {
    const item = itemOf(after.routing, offer.item.itemId)
    return {
      answer: "accepted",
      offer: offerView(after, offer),
      work: item === undefined ? null : workView(after, item),
    }
  }
}

/** The item leaves routing when completed: its queue is taken before. */
const completedOf = (state: CenterState, command: Cmd<"CompleteWork">): Read | undefined => {
  const item = itemOf(state.routing, command.itemId)
  if (item === undefined) return undefined
  return () => ({
    itemId: item.itemId,
    queueId: item.queue.config.queueId,
    repId: command.repId,
    status: "completed",
  })
}

/** What each routing command answers its caller (kernel `Module.replies`), given the state it is decided on. */
export const ROUTING_REPLIES = handlers<RoutingCommand, [CenterState], Read | undefined>()
  .on(
    ["EnqueueItem", "RouteIncoming", "RequeueItem", "HoldItem", "ResumeItem", "TransferItem", "OfferItemTo"],
    (command) => positionAfter(command.itemId),
  )
  .on("CompleteWork", (command, state) => completedOf(state, command))
  .on(["AcceptOffer", "DeclineOffer"], (command, state) => answerOf(state, command))
  .on(["RegisterRep", "SetPresence", "SetRepCapacity"], (command) => repAfter(command.repId))
  .on(["AddQueueMember", "RemoveQueueMember"], (command) => membersAfter(command.queueId))
  .on("CreateQueue", (command) => (after) => queueView(after.routing, command.queueId) as QueueView)
  .on(
    "DefinePresence",
    (command) => (after) => after.routing.presences.get(command.presenceId) as PresenceDefinition,
  )
  .on(
    "DefineWorkstream",
    (command) => (after) => after.routing.workstreams.get(command.workstreamId) as Workstream,
  )
  .on(
    "SetQueueServiceLevelTarget",
    (command) => (after) => serviceLevelTargetOf(after.routing, command.queueId) as ServiceLevelTarget,
  )
