/** The demo's API keys (apps/api/src/auth/keys.ts), as the black-box tests use them. */
export const KEYS = {
  admin: "demo-admin-key",
  supervisor: "demo-supervisor-key",
  integrator: "demo-integrator-key",
  ana: "demo-rep-ana",
  ben: "demo-rep-ben",
  caro: "demo-rep-caro",
  dan: "demo-rep-dan",
} as const
