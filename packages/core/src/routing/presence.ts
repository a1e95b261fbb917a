import { Schema } from "effect"

/** R1: the five base presences. Every custom presence maps to exactly one of them. */
export const BasePresence = Schema.Literals(["available", "busy", "busy_dnd", "away", "offline"])
export type BasePresence = typeof BasePresence.Type

export const BASE_PRESENCES: readonly BasePresence[] = BasePresence.literals

/**
 * R1: only `available` and `busy` receive normal work (`busy` while capacity remains, which the
 * capacity check enforces for every presence). `busy_dnd`, `away` and `offline` receive none.
 */
export const receivesNormalWork = (base: BasePresence): boolean => base === "available" || base === "busy"

/** A presence a rep can pick: a base presence, or an admin-defined one mapped to a base. */
export interface PresenceDefinition {
  readonly presenceId: string
  readonly label: string
  readonly base: BasePresence
}

export const basePresenceDefinitions = (): Map<string, PresenceDefinition> =>
  new Map(BASE_PRESENCES.map((base) => [base, { presenceId: base, label: base.replace("_", " "), base }]))
