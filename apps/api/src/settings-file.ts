import { readFileSync } from "node:fs"
import { parseEnv } from "node:util"

/** One setting a node reads at start: its variable, default and meaning (`--help`, README). */
export interface SettingDoc {
  readonly name: string
  readonly default: string
  readonly meaning: string
  /** Read as a redacted value and never printed. */
  readonly secret?: true
}

/** Every setting, in the order `--help` and the README list them. */
export const SETTINGS: readonly SettingDoc[] = [
  { name: "PORT", default: "3000", meaning: "port to listen on; 0 picks a free one" },
  { name: "HOST", default: "127.0.0.1", meaning: "address to listen on" },
  {
    name: "LIFELINE_SETTINGS_FILE",
    default: "—",
    meaning: "a settings file (KEY=value lines, dotenv syntax); the environment wins over it",
  },
  {
    name: "LIFELINE_DB_URL",
    default: "file:.data/lifeline.db",
    meaning: "the libSQL store: an embedded file, or http://… for sqld",
  },
  { name: "LIFELINE_DB_AUTH_TOKEN", default: "—", meaning: "token for a hosted libSQL server", secret: true },
  { name: "LIFELINE_DB_SYNC", default: "normal", meaning: "normal or full (fsync every commit)" },
  {
    name: "LIFELINE_MIGRATIONS_DIR",
    default: "the package's",
    meaning: "where the drizzle migrations are (bundled deployments)",
  },
  {
    name: "LIFELINE_SNAPSHOT_EVERY_EVENTS",
    default: "20000",
    meaning: "write a snapshot of the center after this many new events (background thread); 0: none",
  },
  {
    name: "LIFELINE_SNAPSHOT_EVERY_SECONDS",
    default: "60",
    meaning: "or after this many seconds, when there are new events (docs/lifetime.md)",
  },
  {
    name: "LIFELINE_DEMO",
    default: "false (pnpm start: true)",
    meaning:
      "the local demo: seed the demo center when the store is empty and, without LIFELINE_API_KEYS, serve the public demo keys (loopback HOST only)",
  },
  {
    name: "LIFELINE_CLOCK",
    default: "real",
    meaning:
      "real, or virtual: a sandbox whose test clock an admin moves (POST /api/clock/advance); refused with ACS_CONNECTION_STRING or RESEND_API_KEY",
  },
  {
    name: "LIFELINE_CLOCK_START",
    default: "— (the real time at start)",
    meaning: "a sandbox's start, an ISO 8601 instant",
  },
  {
    name: "LIFELINE_IDEMPOTENCY_KEY_HOURS",
    default: "24",
    meaning: "how long a POST's answer is kept for a retry with the same Idempotency-Key",
  },
  {
    name: "LIFELINE_API_KEYS",
    default: "— (required unless LIFELINE_DEMO)",
    meaning:
      "key=role[:subject] entries separated by ',' (docs/api.md); none and no demo: the node does not start",
    secret: true,
  },
  {
    name: "LIFELINE_PUBLIC_URL",
    default: "—",
    meaning:
      "the URL people reach Lifeline at (https://…): sign-in's redirect is its /auth/callback; required with LIFELINE_OIDC_ISSUER",
  },
  {
    name: "LIFELINE_OIDC_ISSUER",
    default: "— (no sign-in but the demo's)",
    meaning: "people sign in with this OpenID Connect provider (https issuer URL; docs/operations.md)",
  },
  { name: "LIFELINE_OIDC_CLIENT_ID", default: "—", meaning: "Lifeline's client id at the provider" },
  {
    name: "LIFELINE_OIDC_CLIENT_SECRET",
    default: "— (a public client: PKCE only)",
    meaning: "Lifeline's client secret at the provider",
    secret: true,
  },
  {
    name: "LIFELINE_OIDC_SCOPES",
    default: "openid profile email",
    meaning: "the scopes asked for, separated by spaces",
  },
  {
    name: "LIFELINE_OIDC_ROLES_CLAIM",
    default: "roles",
    meaning: "the ID token claim whose values the role map knows (roles, groups, realm_access.roles)",
  },
  {
    name: "LIFELINE_OIDC_REP_ID_CLAIM",
    default: "rep_id",
    meaning: "the ID token claim holding a rep's Lifeline rep id",
  },
  {
    name: "LIFELINE_OIDC_ROLE_MAP",
    default: "— (required with LIFELINE_OIDC_ISSUER)",
    meaning:
      "value=role[:subject] entries separated by ',': e.g. Lifeline.Admin=admin,Lifeline.Supervisor=supervisor:billing|support,Lifeline.Rep=rep",
  },
  {
    name: "LIFELINE_SESSION_MAX_HOURS",
    default: "12",
    meaning: "a signed-in session ends this many hours after sign-in",
  },
  {
    name: "LIFELINE_SESSION_IDLE_MINUTES",
    default: "60",
    meaning: "a session unused this many minutes ends",
  },
  {
    name: "LIFELINE_AUTH_FAILURE_LIMIT",
    default: "10",
    meaning: "requests with a bad key one client address may send per window before 429",
  },
  {
    name: "LIFELINE_AUTH_FAILURE_WINDOW_SECONDS",
    default: "60",
    meaning: "the window of that limit; a blocked address waits for its end (Retry-After)",
  },
  {
    name: "LIFELINE_CORS_ORIGINS",
    default: "— (no CORS)",
    meaning: "origins browsers may call the API from, separated by ',' (scheme://host[:port])",
  },
  {
    name: "ACS_CONNECTION_STRING",
    default: "—",
    meaning: "Azure telephony when set; the simulated provider otherwise",
    secret: true,
  },
  { name: "ACS_CALLBACK_BASE_URL", default: "—", meaning: "public base URL ACS posts call events to" },
  { name: "ACS_WEBHOOK_SECRET", default: "—", meaning: "secret behind the webhook tokens", secret: true },
  { name: "ACS_CALLER_ID", default: "—", meaning: "E.164 caller id for outbound calls" },
  { name: "ACS_REP_ID_PREFIX", default: "8:acs:lifeline_", meaning: "a rep's ACS endpoint is this + rep id" },
  {
    name: "ACS_ALLOW_INSECURE",
    default: "false",
    meaning: "allow http to ACS and its JWKS (local stand-ins only)",
  },
  { name: "ACS_CALLBACK_JWT_JWKS_URL", default: "—", meaning: "ACS's callback signing keys (https)" },
  { name: "ACS_CALLBACK_JWT_ISSUER", default: "—", meaning: "the iss ACS's callback JWTs carry" },
  { name: "ACS_CALLBACK_JWT_AUDIENCE", default: "—", meaning: "the aud they carry" },
  {
    name: "LIFELINE_DEFAULT_WORKSTREAM",
    default: "inbound-voice",
    meaning: "the workstream of inbound lines (Azure and the simulated provider)",
  },
  {
    name: "RESEND_API_KEY",
    default: "—",
    meaning: "Resend email when set; a recording mailer otherwise",
    secret: true,
  },
  { name: "LIFELINE_MAIL_FROM", default: "—", meaning: "the sender address (required with Resend)" },
  { name: "RESEND_BASE_URL", default: "Resend's", meaning: "another Resend-compatible endpoint" },
  {
    name: "OTEL_EXPORTER_OTLP_ENDPOINT",
    default: "— (tracing off)",
    meaning: "export traces over OTLP/HTTP to this base URL (/v1/traces is appended)",
  },
  {
    name: "OTEL_EXPORTER_OTLP_HEADERS",
    default: "—",
    meaning: "headers for the collector, k=v pairs separated by ','",
    secret: true,
  },
  { name: "OTEL_SERVICE_NAME", default: "lifeline-api", meaning: "the service name on exported spans" },
]

const KNOWN = new Set(SETTINGS.map((s) => s.name))

export type SettingsEnv = Readonly<Record<string, string | undefined>>

/** A settings file that cannot be used, naming the file and the line's variable, never a value. */
export class SettingsFileError extends Error {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(problems.join("; "))
    this.problems = problems
  }
}

/**
 * The settings a node starts with: the file named by `LIFELINE_SETTINGS_FILE` (dotenv syntax,
 * parsed by Node's own `util.parseEnv`) under the environment, which wins. A variable the file
 * sets that no setting has is refused (a typo must not be ignored silently).
 */
export const settingsEnv = (env: SettingsEnv = process.env): SettingsEnv => {
  const path = env.LIFELINE_SETTINGS_FILE
  if (path === undefined || path === "") return env
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable"
    throw new SettingsFileError([`LIFELINE_SETTINGS_FILE: cannot read ${path} (${code})`])
  }
  const fromFile = parseEnv(text)
  const unknown = Object.keys(fromFile).filter((name) => !KNOWN.has(name))
  if (unknown.length > 0)
    throw new SettingsFileError(
      unknown.map((name) => `LIFELINE_SETTINGS_FILE: ${path} sets ${name}, which is not a setting`),
    )
  if ("LIFELINE_SETTINGS_FILE" in fromFile)
    throw new SettingsFileError([`LIFELINE_SETTINGS_FILE: ${path} may not name another settings file`])
  const merged: Record<string, string | undefined> = { ...fromFile }
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value
  return merged
}

/** `--help`: every setting with its default; secrets are marked, no value is ever shown. */
export const settingsHelp = (): string => {
  const width = Math.max(...SETTINGS.map((s) => s.name.length))
  const lines = SETTINGS.map(
    (s) => `  ${s.name.padEnd(width)}  ${s.meaning} (default: ${s.default})${s.secret ? " [secret]" : ""}`,
  )
  return [
    "Usage: lifeline-api [--help]",
    "",
    "Starts a Lifeline API node. Every setting is an environment variable (or a line of the",
    "LIFELINE_SETTINGS_FILE file); each bad or missing one is reported by name and the node exits 2.",
    "",
    ...lines,
    "",
  ].join("\n")
}
