import { queueOf } from "../routing/reads"
import type { CallsCenter } from "./center-reads"
import type { Disposition, TransferTarget } from "./commands"
import type { CallEndedBy } from "./events"
import { legsOfRep } from "./reads"
import type { CallLeg, CallState } from "./state"

/** W1: a rep's call as the API answers it (the client's `CallView`). */
export interface CallView {
  readonly callId: string
  readonly itemId: string | null
  readonly direction: "inbound" | "outbound"
  readonly from: string
  readonly to: string
  readonly queueId: string | null
  readonly queueName: string | null
  readonly attributes: Readonly<Record<string, string>>
  readonly waitedMs: number | null
  readonly state: CallState
  readonly muted: boolean
  readonly since: number
  readonly connectedAt: number | null
  readonly endedAt: number | null
  readonly endedBy: CallEndedBy | null
  readonly transferredTo: TransferTarget | null
  readonly wrapUp: { readonly disposition: Disposition; readonly notes: string } | null
}

/** A copy of the leg (the state's records are mutable), with its queue's name. */
export const callView = (state: Pick<CallsCenter, "routing">, leg: CallLeg): CallView => ({
  callId: leg.callId,
  itemId: leg.itemId,
  direction: leg.direction,
  from: leg.from,
  to: leg.to,
  queueId: leg.queueId,
  queueName: leg.queueId === null ? null : (queueOf(state.routing, leg.queueId)?.config.name ?? null),
  attributes: { ...leg.attributes },
  waitedMs: leg.waitedMs,
  state: leg.state,
  muted: leg.muted,
  since: leg.since,
  connectedAt: leg.connectedAt,
  endedAt: leg.endedAt,
  endedBy: leg.endedBy,
  transferredTo: leg.transferredTo === null ? null : { ...leg.transferredTo },
  wrapUp: null,
})

/** W1: `GET /api/reps/{repId}/calls`: the rep's calls that are up or wait for wrap-up. */
export const repCallsView = (
  state: Pick<CallsCenter, "calls" | "routing">,
  repId: string,
): readonly CallView[] => legsOfRep(state.calls, repId).map((leg) => callView(state, leg))
