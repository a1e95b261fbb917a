import { Context, type Effect } from "effect"
import type { CenterEvent } from "../center/events"
import type { StoreUnavailable } from "../ports/store"
import type { OperatorRecord } from "./state"

/** How many operator records GET /api/emergency/log answers: the latest, oldest first. */
export const OPERATOR_LOG_LIMIT = 1_000

/** One record of the operator log and its event's place in the center's stream (its key). */
export interface OperatorLogEntry {
  readonly seq: number
  readonly record: OperatorRecord
}

/** The operator's record of an event (E1 refused, E3 carrier path, B5 pool and PSAP), if any. */
export const operatorRecordOf = (event: CenterEvent): OperatorRecord | undefined => {
  switch (event._tag) {
    case "EmergencyDialRefused":
    case "CallbackPoolExhausted":
    case "PsapCallbackUnanswered":
      return event
    case "EmergencyDialled": {
      const { region, number, test, outboundProfileId, callingNumber, carrierPath, at } = event
      return {
        _tag: "CarrierPathDecided",
        region,
        number,
        test,
        outboundProfileId,
        callingNumber,
        carrierPath,
        at,
      }
    }
    default:
      return undefined
  }
}

/**
 * The operator log of these events, the first at stream version `firstSeq` (issue 22): what a
 * projector step appends. Entries are never changed, so a step loads nothing.
 */
export const projectOperatorLog = (events: readonly CenterEvent[], firstSeq: number): OperatorLogEntry[] => {
  const out: OperatorLogEntry[] = []
  events.forEach((event, i) => {
    const record = operatorRecordOf(event)
    if (record !== undefined) out.push({ seq: firstSeq + i, record })
  })
  return out
}

/** E1/E3/B5: the latest `OPERATOR_LOG_LIMIT` records of a log, oldest first (tests, memory). */
export const operatorEmergencyLog = (log: readonly CenterEvent[]): readonly OperatorRecord[] =>
  projectOperatorLog(log, 1)
    .slice(-OPERATOR_LOG_LIMIT)
    .map((e) => e.record)

/**
 * The emergency operator log as a read model (E1, E3, B5, issue 22): kept by a projector from
 * the stored events with a durable checkpoint, so it no longer sits in the center's state.
 */
export class OperatorLogReadModel extends Context.Service<
  OperatorLogReadModel,
  {
    readonly catchUp: Effect.Effect<number, StoreUnavailable>
    /** The latest `limit` records, oldest first. */
    readonly latest: (limit: number) => Effect.Effect<readonly OperatorRecord[], StoreUnavailable>
  }
>()("lifeline/OperatorLogReadModel") {}
