import {
  type AzureCallRegistry,
  answerEventGridHandshake,
  type CallbackJwtConfig,
  type CallbackJwtRejected,
  callCommand,
  inboundCallId,
  inboundCommand,
  makeCallbackJwtVerifier,
  parseCallbackPost,
  parseEventGridPost,
  type WebhookRejected,
} from "@lifeline/adapters"
import { Center, type ProviderCommand } from "@lifeline/core/center"
import { Effect, Result } from "effect"
import type { Context } from "hono"
import { Hono } from "hono"
import type { ApiRuntime } from "../handle"

export interface AcsWebhookOptions {
  readonly secret: string
  readonly registry: AzureCallRegistry["Service"]
  /** The workstream that serves a dialled number (R6). */
  readonly workstreamFor: (to: string) => string
  /**
   * When set, `POST /calls` also requires ACS's `Authorization: Bearer <JWT>` (issue 6), checked
   * before the body is read; the URL token is checked either way.
   */
  readonly callbackJwt?: CallbackJwtConfig
}

const STATUS = {
  AcsWebhookUnauthorized: 401,
  AcsWebhookMalformed: 400,
  AcsWebhookKeysUnavailable: 503,
} as const

const rejected = (c: Context, error: WebhookRejected | CallbackJwtRejected) =>
  c.json(
    {
      error: {
        code: error._tag,
        message: error.message,
        ...("field" in error && typeof error.field === "string" ? { field: error.field } : {}),
      },
    },
    STATUS[error._tag],
  )

/**
 * Runs provider commands in order. A refusal by the domain is final (the provider retrying would
 * not change it), so it is logged and acknowledged; only a store that cannot be reached answers
 * 503, which makes the provider deliver again later (N2 makes the repeat harmless).
 */
const deliver = (runtime: ApiRuntime, commands: readonly ProviderCommand[]) =>
  runtime.runPromise(
    Effect.flatMap(Center, (center) =>
      Effect.forEach(
        commands,
        (command) =>
          center.execute(command).pipe(
            Effect.asVoid,
            Effect.catchIf(
              (e) => e._tag !== "StoreUnavailable",
              (e) => Effect.logWarning("provider event refused", command._tag, command.callId, e._tag),
            ),
          ),
        { discard: true },
      ),
    ).pipe(Effect.result),
  )

/** Azure Communication Services: Event Grid (incoming calls) and per-call callback events. */
export const acsWebhookRoutes = (runtime: ApiRuntime, options: AcsWebhookOptions) => {
  // One verifier for the app's life: it holds the JWKS cache.
  const verifyJwt =
    options.callbackJwt === undefined ? undefined : makeCallbackJwtVerifier(options.callbackJwt)
  return new Hono()
    .options("/incoming", (c) => {
      const answer = answerEventGridHandshake({ url: c.req.url, headers: c.req.raw.headers }, options.secret)
      return Result.isFailure(answer) ? rejected(c, answer.failure) : c.body(null, 200, { ...answer.success })
    })
    .post("/incoming", async (c) => {
      const parsed = parseEventGridPost(
        { url: c.req.url, headers: c.req.raw.headers, body: await c.req.text() },
        options.secret,
      )
      if (Result.isFailure(parsed)) return rejected(c, parsed.failure)
      const delivery = parsed.success
      if (delivery._tag === "SubscriptionValidation") return c.json(delivery.response)
      const commands: ProviderCommand[] = []
      for (const call of delivery.events) {
        await runtime.runPromise(options.registry.registerIncomingCall(inboundCallId(call), call))
        commands.push(inboundCommand(call, options.workstreamFor(call.to.phoneNumber ?? call.to.rawId)))
      }
      const result = await deliver(runtime, commands)
      return Result.isFailure(result)
        ? c.json({ error: { code: "StoreUnavailable", message: "try again" } }, 503)
        : c.body(null, 200)
    })
    .post("/calls", async (c) => {
      if (verifyJwt !== undefined) {
        const verified = await verifyJwt(c.req.raw.headers)
        if (Result.isFailure(verified)) {
          const refusal = verified.failure
          if (refusal._tag === "AcsWebhookKeysUnavailable")
            await runtime.runPromise(Effect.logWarning("ACS callback refused for now", refusal.message))
          return rejected(c, refusal)
        }
      }
      const parsed = parseCallbackPost(
        { url: c.req.url, headers: c.req.raw.headers, body: await c.req.text() },
        options.secret,
      )
      if (Result.isFailure(parsed)) return rejected(c, parsed.failure)
      const commands: ProviderCommand[] = []
      for (const event of parsed.success.events) {
        await runtime.runPromise(options.registry.observe(event))
        const command = callCommand(event)
        if (command !== undefined) commands.push(command)
      }
      const result = await deliver(runtime, commands)
      return Result.isFailure(result)
        ? c.json({ error: { code: "StoreUnavailable", message: "try again" } }, 503)
        : c.body(null, 200)
    })
}
