import { Either } from "effect"
import type { CenterModule } from "../center/module"

/** Placeholder until the emergency module lands. */
export const emergencyModule: CenterModule = {
  name: "emergency",
  commands: new Set(),
  decide: () => Either.right([]),
  evolve: () => {},
}
