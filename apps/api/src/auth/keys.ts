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
 * Keys for the local demo only: anyone who reads this file knows them. A node uses them only
 * when asked for the demo (`LIFELINE_DEMO=true`, which `pnpm start` sets) without
 * LIFELINE_API_KEYS, and only on a loopback address (`keysAtStart`); it says so when it starts.
 */
export const DEMO_API_KEYS =
  "demo-admin-key=admin:demo admin,demo-supervisor-key=supervisor:*,demo-integrator-key=integrator:demo integrator," +
  ["ana", "ben", "caro", "dan", "eve"].map((r) => `demo-rep-${r}=rep:${r}`).join(",")

/** Addresses only this machine reaches: the demo keys are served on these alone. */
export const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)

/** The keys a node starts with, or why it must not start (one line per problem, never a key). */
export type KeysAtStart =
  | { readonly _tag: "keys"; readonly keys: Map<string, Principal>; readonly demoKeys: boolean }
  | { readonly _tag: "refused"; readonly problems: readonly string[] }

/**
 * Fail closed (issue 16): no keys configured is a refusal unless the demo is asked for
 * explicitly, and the public demo keys (as the default or copied into LIFELINE_API_KEYS) are
 * refused on any host but loopback, where nobody else can present them. An empty
 * LIFELINE_API_KEYS counts as not set (as `VAR=` in a compose file means).
 */
export const keysAtStart = (input: {
  /** LIFELINE_API_KEYS as configured, undefined when not set. */
  readonly configured: string | undefined
  readonly demo: boolean
  readonly hostname: string
  /**
   * People sign in with an identity provider (issue 21: LIFELINE_OIDC_ISSUER): then no
   * configured key is fine, as admins create integrators' keys over the API.
   */
  readonly signIn?: boolean
}): KeysAtStart => {
  const refused = (...problems: string[]): KeysAtStart => ({ _tag: "refused", problems })
  const configured = input.configured?.trim() === "" ? undefined : input.configured
  if (configured === undefined) {
    if (input.signIn === true && !input.demo) return { _tag: "keys", keys: new Map(), demoKeys: false }
    if (!input.demo)
      return refused(
        "missing setting LIFELINE_API_KEYS: no API keys configured; set LIFELINE_API_KEYS (docs/api.md), or LIFELINE_DEMO=true for the local demo with its public demo keys",
      )
    if (!isLoopback(input.hostname))
      return refused(
        "invalid setting HOST: the demo keys (LIFELINE_DEMO=true without LIFELINE_API_KEYS) are served on a loopback HOST only (127.0.0.1, ::1 or localhost); set LIFELINE_API_KEYS to listen on another address",
      )
    return { _tag: "keys", keys: parseApiKeys(DEMO_API_KEYS), demoKeys: true }
  }
  let keys: Map<string, Principal>
  try {
    keys = parseApiKeys(configured)
  } catch (error) {
    // parseApiKeys names the entry by its place and never quotes it.
    return refused(`invalid setting ${(error as Error).message}`)
  }
  if (keys.size === 0) return refused("invalid setting LIFELINE_API_KEYS: it holds no key=role entry")
  const demoDigests = new Set(parseApiKeys(DEMO_API_KEYS).keys())
  const demoKeys = [...keys.keys()].some((d) => demoDigests.has(d))
  if (demoKeys && !isLoopback(input.hostname))
    return refused(
      "invalid setting LIFELINE_API_KEYS: it holds a public demo key, which is served on a loopback HOST only (127.0.0.1, ::1 or localhost)",
    )
  return { _tag: "keys", keys, demoKeys }
}
