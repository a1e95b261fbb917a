import { AuthStore, LibsqlAuthStoreLive } from "@lifeline/adapters"
import { Effect, ManagedRuntime } from "effect"
import type { ApiSettings } from "../settings"
import { isLoopback } from "./keys"
import { makeOidc } from "./oidc"
import { type AuthOptions, DEFAULT_SESSION_SETTINGS } from "./session"

/**
 * Sign-in for a node (issue 21): the auth store on the node's database (its own connection,
 * migrated), the identity provider the settings name, and the demo sign-in when the node was
 * started for the demo on a loopback HOST. `close` releases the connection after the node stops.
 */
export const nodeAuth = async (
  settings: ApiSettings,
  server: { readonly demo: boolean; readonly hostname: string },
): Promise<{ readonly auth: AuthOptions; readonly close: () => Promise<void> }> => {
  const runtime = ManagedRuntime.make(LibsqlAuthStoreLive(settings.db.url, settings.db.options))
  const store = await runtime.runPromise(Effect.service(AuthStore))
  const oidc = settings.auth?.oidc
  const publicUrl = settings.auth?.publicUrl
  return {
    auth: {
      store,
      demo: server.demo && isLoopback(server.hostname),
      session: settings.auth?.session ?? DEFAULT_SESSION_SETTINGS,
      ...(oidc === undefined ? {} : { oidc: { client: makeOidc(oidc.client), mapping: oidc.mapping } }),
      ...(publicUrl === undefined ? {} : { publicUrl }),
    },
    close: () => runtime.dispose(),
  }
}
