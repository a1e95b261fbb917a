import type { KeyView } from "@lifeline/adapters"
import { ROUTES } from "@lifeline/client"
import { Id } from "@lifeline/core/ids"
import { InvalidField, UnknownEntity } from "@lifeline/core/kernel"
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Principal } from "../auth/principal"
import { hashSecret, newPublicId, newSecret } from "../auth/secrets"
import { type AuthOptions, authNow } from "../auth/session"
import type { Handle } from "../handle"
import { route } from "../openapi"
import { decodeBody } from "../request-body"
import { whoAmI } from "./auth"

/** POST /api/keys: a name, the role the key acts as, and its subject (N4). */
export const NewKeyBody = Schema.Struct({
  name: Schema.Trimmed.check(Schema.isNonEmpty(), Schema.isMaxLength(200)),
  role: Schema.Literals(["integrator", "admin", "supervisor", "rep"]),
  /** A rep key's rep. */
  repId: Schema.optionalKey(Id),
  /** A supervisor key's queues; absent: every queue. */
  queues: Schema.optionalKey(Schema.Array(Id).check(Schema.isMinLength(1))),
})

/** A key's scope from the body, or which field is wrong for its role. */
const principalOf = (b: typeof NewKeyBody.Type): Effect.Effect<Principal, InvalidField> => {
  const wrong = (field: string, message: string) => Effect.fail(new InvalidField({ field, message }))
  if (b.role !== "rep" && b.repId !== undefined) return wrong("repId", "only a rep key names a rep")
  if (b.role !== "supervisor" && b.queues !== undefined)
    return wrong("queues", "only a supervisor key names queues")
  switch (b.role) {
    case "rep":
      return b.repId === undefined
        ? wrong("repId", "a rep key needs repId")
        : Effect.succeed({ role: "rep", name: b.name, repId: b.repId })
    case "supervisor":
      return Effect.succeed({
        role: "supervisor",
        name: b.name,
        queues: b.queues === undefined ? "all" : new Set(b.queues),
      })
    default:
      return Effect.succeed({ role: b.role, name: b.name })
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** A key as admins list it: never the key, nor its hash. */
export const keyWire = (k: KeyView) => ({
  keyId: k.id,
  ...whoAmI(k.principal),
  createdAt: iso(k.createdAt),
  createdBy: k.createdBy,
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
  revokedBy: k.revokedBy,
})

/**
 * Issue 21, N4: API keys are for integrators (machine access). Admins create one (the key is in
 * that answer only: Lifeline keeps its hash), list them with their last use, and revoke one,
 * which refuses it on every node at its next request. Each creation and revocation is audited.
 */
export const keyRoutes = (handle: Handle, auth: AuthOptions) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      route("keys"),
      handle(ROUTES.keys.roles, (c) =>
        Effect.map(auth.store.listKeys, (keys) => c.json({ keys: keys.map(keyWire) })),
      ),
    )
    .post(
      "/",
      route("createKey"),
      handle(ROUTES.createKey.roles, (c, who) =>
        Effect.gen(function* () {
          const body = yield* decodeBody(c, NewKeyBody)
          const principal = yield* principalOf(body)
          const id = newPublicId("key")
          // The prefix tells a secret scanner (and a person) what leaked; the rest is the secret.
          const key = `llk_${newSecret()}`
          const now = authNow(auth)
          yield* auth.store.createKey({
            id,
            tokenHash: hashSecret(key),
            name: body.name,
            principal,
            createdBy: who.name,
            now,
          })
          yield* auth.store.audit({
            at: now,
            kind: "key-created",
            actor: { role: who.role, name: who.name },
            target: id,
            detail: whoAmI(principal),
          })
          return c.json(
            {
              ...keyWire({
                id,
                name: body.name,
                principal,
                createdAt: now,
                createdBy: who.name,
                lastUsedAt: null,
                revokedAt: null,
                revokedBy: null,
              }),
              key,
            },
            201,
          )
        }),
      ),
    )
    .delete(
      "/:keyId",
      route("revokeKey"),
      handle(ROUTES.revokeKey.roles, (c, who) =>
        Effect.gen(function* () {
          // Checked by the authorization table (an Id) before the handler runs.
          const keyId = c.req.param("keyId") ?? ""
          const now = authNow(auth)
          const revoked = yield* auth.store.revokeKey(keyId, who.name, now)
          if (revoked === undefined)
            return yield* Effect.fail(new UnknownEntity({ entity: "API key", id: keyId, field: "keyId" }))
          yield* auth.store.audit({
            at: now,
            kind: "key-revoked",
            actor: { role: who.role, name: who.name },
            target: keyId,
            detail: { name: revoked.name },
          })
          return c.json(keyWire(revoked))
        }),
      ),
    )
