import { createHash, timingSafeEqual } from "node:crypto"
import type { Principal } from "./principal"

/**
 * API keys from configuration: `key=role[:subject]` entries separated by commas, where the
 * subject is the rep id for `rep`, a `|`-separated queue list (or `*`) for `supervisor`, and
 * for `admin` and `integrator` an optional name the audit trail records (else `key <n>`).
 * Example: `k1=admin:alice,k2=supervisor:billing|support,k3=rep:ana,k4=integrator`.
 */
export const parseApiKeys = (spec: string): Map<string, Principal> => {
  const keys = new Map<string, Principal>()
  for (const [i, raw] of spec.split(",").entries()) {
    const entry = raw.trim()
    if (entry === "") continue
    const eq = entry.indexOf("=")
    if (eq <= 0) throw new Error(`LIFELINE_API_KEYS entry ${i + 1}: expected key=role[:subject]`)
    const key = entry.slice(0, eq)
    if (key.length < 8) throw new Error(`LIFELINE_API_KEYS entry ${i + 1}: a key needs at least 8 characters`)
    const [role, subject] = entry.slice(eq + 1).split(":", 2)
    keys.set(digest(key), principalOf(role ?? "", subject, i + 1))
  }
  return keys
}

const principalOf = (role: string, subject: string | undefined, n: number): Principal => {
  const name = `key ${n}`
  switch (role) {
    case "admin":
    case "integrator":
      return {
        role,
        name: subject === undefined || subject.trim() === "" ? name : subject.trim().slice(0, 200),
      }
    case "supervisor":
      return {
        role,
        name,
        queues:
          subject === undefined || subject === "*" ? "all" : new Set(subject.split("|").filter(Boolean)),
      }
    case "rep":
      if (subject === undefined || subject === "")
        throw new Error(`LIFELINE_API_KEYS entry ${n}: rep needs :repId`)
      return { role, name: subject, repId: subject }
    default:
      throw new Error(
        `LIFELINE_API_KEYS entry ${n}: unknown role '${role}' (admin, supervisor, rep, integrator)`,
      )
  }
}

const digest = (key: string): string => createHash("sha256").update(key).digest("hex")

/** Look a presented key up without leaking, by timing, how much of it matched. */
export const principalForKey = (
  keys: ReadonlyMap<string, Principal>,
  presented: string,
): Principal | undefined => {
  const d = digest(presented)
  for (const [known, principal] of keys) {
    if (timingSafeEqual(Buffer.from(known, "hex"), Buffer.from(d, "hex"))) return principal
  }
  return undefined
}

/**
 * Keys for the local demo only: anyone who reads this file knows them. `pnpm start` uses them
 * unless LIFELINE_API_KEYS is set, and says so when it starts.
 */
export const DEMO_API_KEYS =
  "demo-admin-key=admin:demo admin,demo-supervisor-key=supervisor:*,demo-integrator-key=integrator:demo integrator," +
  ["ana", "ben", "caro", "dan", "eve"].map((r) => `demo-rep-${r}=rep:${r}`).join(",")
