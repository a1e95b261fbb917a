import { Id } from "@lifeline/core/ids"
import { Schema } from "effect"
import type { Principal } from "./principal"

/**
 * Issue 21, N4: which Lifeline role a person signed in with the identity provider has, from the
 * values of one claim (Entra ID's app `roles`, or `groups`, or a Keycloak `realm_access.roles`).
 *
 * The map is `value=role[:subject]` entries separated by ',' (LIFELINE_OIDC_ROLE_MAP):
 * `Lifeline.Admin=admin,Lifeline.Supervisor=supervisor:billing|support,Lifeline.Rep=rep`.
 * A supervisor's subject is its queues (`*` or none: every queue); a rep's id is the value of
 * the rep id claim (LIFELINE_OIDC_REP_ID_CLAIM), or the subject when the entry names one. When
 * several values match, the strongest role wins (admin, then supervisor with the union of the
 * queues, then rep): a person is one role at a time, as with a key.
 */
export type RoleGrant =
  | { readonly role: "admin" }
  | { readonly role: "supervisor"; readonly queues: ReadonlySet<string> | "all" }
  | { readonly role: "rep"; readonly repId: string | undefined }

export interface ClaimMapping {
  /** The claim holding the values (a dotted path for nested claims). */
  readonly rolesClaim: string
  /** The claim holding a rep's id. */
  readonly repIdClaim: string
  readonly grants: ReadonlyMap<string, RoleGrant>
}

/** The map as configured; throws naming the entry by its place (never quoting it). */
export const parseRoleMap = (spec: string): Map<string, RoleGrant> => {
  const grants = new Map<string, RoleGrant>()
  for (const [i, raw] of spec.split(",").entries()) {
    const entry = raw.trim()
    if (entry === "") continue
    const eq = entry.lastIndexOf("=")
    const where = `LIFELINE_OIDC_ROLE_MAP entry ${i + 1}`
    if (eq <= 0) throw new Error(`${where}: expected value=role[:subject]`)
    const [role, subject] = entry.slice(eq + 1).split(":", 2)
    grants.set(entry.slice(0, eq).trim(), grantOf(role ?? "", subject?.trim(), where))
  }
  if (grants.size === 0) throw new Error("LIFELINE_OIDC_ROLE_MAP: it holds no value=role entry")
  return grants
}

const grantOf = (role: string, subject: string | undefined, where: string): RoleGrant => {
  switch (role.trim()) {
    case "admin":
      return { role: "admin" }
    case "supervisor":
      return {
        role: "supervisor",
        queues:
          subject === undefined || subject === "" || subject === "*"
            ? "all"
            : new Set(subject.split("|").filter(Boolean)),
      }
    case "rep":
      return { role: "rep", repId: subject === "" ? undefined : subject }
    default:
      throw new Error(`${where}: unknown role (admin, supervisor, rep; integrators use API keys)`)
  }
}

/** A claim's value by a dotted path (`realm_access.roles`); a name with a dot is tried whole first. */
const claimAt = (claims: Readonly<Record<string, unknown>>, path: string): unknown => {
  if (path in claims) return claims[path]
  let value: unknown = claims
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

const stringsOf = (value: unknown): string[] =>
  typeof value === "string"
    ? [value]
    : Array.isArray(value)
      ? value.filter((v): v is string => typeof v === "string")
      : []

/** Who signed in, for the audit and the session list: their name, else their username, else sub. */
export const displayName = (claims: Readonly<Record<string, unknown>>): string => {
  for (const key of ["name", "preferred_username", "email", "sub"]) {
    const value = claims[key]
    if (typeof value === "string" && value.trim() !== "") return value.trim().slice(0, 200)
  }
  return "unknown"
}

export type Mapped =
  | { readonly _tag: "principal"; readonly principal: Principal }
  | { readonly _tag: "refused"; readonly reason: string }

const isRepId = Schema.is(Id)

/** The principal the mapping gives these claims, or in words why it gives none. */
export const principalFromClaims = (
  mapping: ClaimMapping,
  claims: Readonly<Record<string, unknown>>,
): Mapped => {
  const name = displayName(claims)
  const matched = stringsOf(claimAt(claims, mapping.rolesClaim)).flatMap((value) => {
    const grant = mapping.grants.get(value)
    return grant === undefined ? [] : [grant]
  })
  if (matched.some((g) => g.role === "admin"))
    return { _tag: "principal", principal: { role: "admin", name } }
  const supervised = matched.flatMap((g) => (g.role === "supervisor" ? [g.queues] : []))
  if (supervised.length > 0) {
    const queues = supervised.includes("all")
      ? ("all" as const)
      : new Set(supervised.flatMap((q) => (q === "all" ? [] : [...q])))
    return { _tag: "principal", principal: { role: "supervisor", name, queues } }
  }
  const rep = matched.find((g) => g.role === "rep")
  if (rep !== undefined && rep.role === "rep") {
    const repId = rep.repId ?? stringsOf(claimAt(claims, mapping.repIdClaim))[0]
    if (repId === undefined || !isRepId(repId))
      return {
        _tag: "refused",
        reason: `your identity has Lifeline's rep role but no usable rep id in its '${mapping.repIdClaim}' claim`,
      }
    return { _tag: "principal", principal: { role: "rep", name, repId } }
  }
  return {
    _tag: "refused",
    reason: `Lifeline knows none of the values of your identity's '${mapping.rolesClaim}' claim: no role (rep, supervisor or admin) is assigned to you`,
  }
}
