import { Either } from "effect"
import type { CenterModule } from "../center/module"

/** Placeholder until the callback module lands. */
export const callbackModule: CenterModule = {
  name: "callback",
  commands: new Set(),
  decide: () => Either.right([]),
  evolve: () => {},
}
