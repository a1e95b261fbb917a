/** What cross-package suites (tests/) need to run the API in-process on a real port. */
export { buildApp, liveHubOf } from "./app"
export { DEMO_API_KEYS, parseApiKeys } from "./auth/keys"
export { lifelineClient } from "./client"
export { seedDemo } from "./demo"
export { apiLayer, CenterFollowerLive } from "./layers"
export { listen } from "./server"
export type { ApiSettings } from "./settings"
export { KEYS } from "./test-kit"
