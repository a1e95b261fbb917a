import { Result } from "effect"
import type { CenterModule } from "../center/module"
import { evolveAudit } from "./trail"

/** The audit trail as a center module: it takes no commands and only follows the stream. */
export const auditModule: CenterModule = {
  name: "audit",
  commands: new Set(),
  decide: () => Result.succeed([]),
  evolve: (state, event) => evolveAudit(state.audit, event),
  // Every event: entries carry their place in the stream.
  interests: { evolve: "all" },
}
