import { receivesNormalWork } from "./presence"
import type { ItemState, RepState } from "./state"

/**
 * R4 "offered again, not to the same rep first". A rep who declined an item or let its offer
 * expire is passed over for that item while another member who has not refused it is staffed
 * (its presence receives work) and so will take it when it can. Once every staffed member has
 * refused it, anyone may get it again; once every member has, the round starts afresh.
 */
export const refuse = (item: ItemState, repId: string): void => {
  // Copied, never pushed into: items that nobody refused share one empty list.
  item.excluded = [...item.excluded, repId]
  const members = item.queue.members
  let all = members.size > 0
  for (const id of members.keys()) if (!item.excluded.includes(id)) all = false
  if (all) clearRefusals(item)
  else item.queue.refused.add(item)
}

/** Items nobody refused in the current round (most of them) share this list; it is never changed. */
export const NO_REFUSALS: readonly string[] = []

export const clearRefusals = (item: ItemState): void => {
  // Only an item someone refused is in its queue's refused set (see `refuse`).
  if (item.excluded.length === 0) return
  item.excluded = NO_REFUSALS
  item.queue.refused.delete(item)
}

/** Is `rep` passed over for `item` right now? */
export const passesOver = (item: ItemState, rep: RepState): boolean => {
  if (item.excluded.length === 0 || !item.excluded.includes(rep.repId)) return false
  for (const m of item.queue.members.values()) {
    if (receivesNormalWork(m.rep.base) && !item.excluded.includes(m.rep.repId)) return true
  }
  return false
}
