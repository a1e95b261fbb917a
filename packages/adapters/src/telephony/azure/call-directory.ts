import { Effect } from "effect"

/**
 * What the adapter knows about one Lifeline call on ACS's side. Lifeline names calls with its own
 * ids; ACS names them with a call connection id (once answered or placed) and, before that, an
 * incoming-call context. Mid-call actions need the former, answer/redirect/reject the latter.
 */
export interface AcsCallRecord {
  readonly callConnectionId?: string
  readonly serverCallId?: string
  /** From the IncomingCall event; short-lived, needed to answer, redirect or reject. */
  readonly incomingCallContext?: string
  /** Raw id of the customer's leg (caller inbound, callee outbound): DTMF is collected from it. */
  readonly customer?: string
}

/**
 * Where the mapping lives. The default keeps it in memory, so a restart forgets it:
 *
 * - a call ringing at the restart cannot be answered or redirected any more (its context is gone;
 *   the caller hears it ring out, or it goes to ACS's own fallback);
 * - a call already connected is re-learned from its next callback event (every event carries the
 *   Lifeline call id in the URL and the call connection id in its data; the webhook passes each
 *   one to `AzureCallRegistry.observe`). A waiting caller who triggers no event until then stays
 *   unreachable for prompts, and `customer` (needed for DTMF) is not in any event at all;
 * - with several API processes, the process that receives a webhook is not always the one that
 *   dispatches the next action.
 *
 * A deployment that must survive all three supplies a directory backed by the store (N1).
 */
export interface CallDirectory {
  readonly get: (callId: string) => Effect.Effect<AcsCallRecord | undefined>
  /** Adds or overwrites the given fields, keeping the others. */
  readonly merge: (callId: string, patch: AcsCallRecord) => Effect.Effect<void>
  readonly forget: (callId: string) => Effect.Effect<void>
}

/** In-memory directory, bounded: beyond `capacity` calls the least recently touched is dropped. */
export const makeMemoryCallDirectory = (capacity = 50_000): CallDirectory => {
  const records = new Map<string, AcsCallRecord>()
  return {
    get: (callId) => Effect.sync(() => records.get(callId)),
    merge: (callId, patch) =>
      Effect.sync(() => {
        const merged = { ...records.get(callId), ...patch }
        records.delete(callId)
        records.set(callId, merged)
        if (records.size > capacity) {
          const oldest = records.keys().next()
          if (oldest.done !== true) records.delete(oldest.value)
        }
      }),
    forget: (callId) => Effect.sync(() => void records.delete(callId)),
  }
}
