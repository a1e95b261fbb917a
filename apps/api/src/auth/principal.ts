import { Schema } from "effect"

/** Who is calling (N4). Reps act only on themselves; supervisors see their queues. */
export type Principal =
  | { readonly role: "admin"; readonly name: string }
  | { readonly role: "integrator"; readonly name: string }
  | { readonly role: "supervisor"; readonly name: string; readonly queues: ReadonlySet<string> | "all" }
  | { readonly role: "rep"; readonly name: string; readonly repId: string }

export type Role = Principal["role"]

/** No credentials, or credentials nobody issued (401). */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()("Unauthenticated", {
  message: Schema.String,
}) {}

/** Known caller, not allowed to do this (403). */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  message: Schema.String,
  field: Schema.optionalKey(Schema.String),
}) {}

export const seesQueue = (p: Principal, queueId: string): boolean =>
  p.role === "admin" ||
  p.role === "integrator" ||
  (p.role === "supervisor" && (p.queues === "all" || p.queues.has(queueId)))

/** A supervisor sees the reps of its queues (N4); everyone else who may list reps sees every rep. */
export const seesRep = (p: Principal, queueIds: Iterable<string>): boolean =>
  p.role !== "supervisor" || [...queueIds].some((q) => seesQueue(p, q))
