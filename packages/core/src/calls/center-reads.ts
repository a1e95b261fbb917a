import type { isCallbackItem } from "../callback/reads"
import type { RegionTable } from "../emergency/regions"
import type { itemOf } from "../routing/reads"
import type { CallsState } from "./state"

/** The slice a module's read function takes: handed to that module's reads whole, never read into. */
type SliceOf<Read extends (slice: never, ...rest: never[]) => unknown> = Parameters<Read>[0]

/**
 * W1 (issue 19, ARCHITECTURE rule 4): what the calls module reads of the center's state: its own
 * slice; routing's and callback's, only ever passed to their read interfaces (routing/reads.ts,
 * callback/reads.ts); and the emergency numbers of the region table (E8), which the emergency
 * module has no read interface for yet.
 */
export interface CallsCenter {
  readonly calls: CallsState
  readonly routing: SliceOf<typeof itemOf>
  readonly callback: SliceOf<typeof isCallbackItem>
  readonly emergency: { readonly regions: Pick<RegionTable, "anyNumber"> }
}
