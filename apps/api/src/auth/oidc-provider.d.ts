/**
 * The part of oidc-provider 9 (a tests-only dependency without bundled types) the sign-in tests
 * use: a real OpenID Connect provider in the test process (issue 21).
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http"

  interface Grant {
    addOIDCScope(scope: string): void
    addOIDCClaims(claims: readonly string[]): void
    save(): Promise<string>
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{ readonly uid: string }>
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { readonly mergeWithLastSubmission?: boolean },
    ): Promise<void>
    readonly Grant: new (init: {
      readonly accountId: string
      readonly clientId: string
    }) => Grant
    on(event: string, listener: (...args: unknown[]) => void): this
  }
  export default Provider
}
