import { Schema } from "effect"

/**
 * Who asked for a configuration change: the caller's role and name as the driver authenticated
 * them (the API fills it from the API key; a client cannot choose it). Absent for changes made
 * without a caller (the demo seed, a script on the core) and in events stored before it existed.
 */
export const Actor = Schema.Struct({
  role: Schema.Literals(["admin", "supervisor", "integrator", "rep"]),
  name: Schema.String.check(Schema.isMaxLength(200)),
})
export type Actor = typeof Actor.Type

/** The field every configuration command carries, for the audit trail. */
export const Audited = { actor: Schema.optionalKey(Actor) } as const

/**
 * What a configuration event records for the audit trail: when (null in events stored before
 * the stamp existed: stored shape 1 had no `at`, and the load upcasts it to null), and who (when
 * known).
 */
export interface AuditStamp {
  readonly at: number | null
  readonly actor?: Actor
}

/** The stamp for a configuration event decided at `now` from `command`. */
export const stampOf = (
  command: { readonly actor?: Actor | undefined },
  now: number,
): { at: number; actor?: Actor } =>
  command.actor === undefined ? { at: now } : { at: now, actor: command.actor }
