import { Context, type Effect } from "effect"
import type { StoreUnavailable } from "../ports/store"
import type { AuditPage, AuditQuery } from "./views"

/**
 * The audit trail as a read model (issue 9, issue 22, N1): entries kept by a projector from the
 * center's stored events with a durable checkpoint, so every node answers the same entries and the
 * trail no longer grows the center's state. The projector applies `projectAuditBatch`; reads
 * never project.
 */
export class AuditReadModel extends Context.Service<
  AuditReadModel,
  {
    /** Project the stored events after the checkpoint; returns the checkpoint after. */
    readonly catchUp: Effect.Effect<number, StoreUnavailable>
    /** One page between the cursors, as `auditTrail` answers it. */
    readonly page: (query: AuditQuery) => Effect.Effect<AuditPage, StoreUnavailable>
  }
>()("lifeline/AuditReadModel") {}
