import type { Actor } from "@lifeline/core/audit"
import { Effect, Schema } from "effect"
import type { Principal } from "../auth/principal"
import type { ApiContext } from "../handle"
import { DECODE_OPTIONS, decodeBody } from "../request-body"
import { runCommand } from "./run"

/**
 * A route that decodes its body with `schema` and runs the command it makes: the schema is
 * the command's, less the tag and the fields the path supplies.
 */
export const commandFromBody = <A>(
  c: ApiContext,
  schema: Schema.Decoder<A>,
  toCommand: (body: A) => Parameters<typeof runCommand>[1],
  status: Parameters<typeof runCommand>[2] = 200,
) => decodeBody(c, schema).pipe(Effect.flatMap((body) => runCommand(c, toCommand(body), status)))

/** The caller as the audit trail records them: only the API key says who asked. */
export const actorOf = (who: Principal): Actor => ({ role: who.role, name: who.name })

const AnyObject = Schema.Record(Schema.String, Schema.Unknown)

/**
 * A configuration route: as `commandFromBody`, and the command carries the caller as its actor
 * for the audit trail. An `actor` in the body is dropped before decoding, so a client cannot
 * put another name on its change; every other unknown field is still refused (N3).
 */
export const configCommandFromBody = <A>(
  c: ApiContext,
  who: Principal,
  schema: Schema.Decoder<A>,
  toCommand: (body: A, actor: Actor) => Parameters<typeof runCommand>[1],
  status: Parameters<typeof runCommand>[2] = 200,
) =>
  decodeBody(c, AnyObject).pipe(
    Effect.flatMap(({ actor: _ignored, ...rest }) =>
      Schema.decodeUnknownEffect(schema, DECODE_OPTIONS)(rest),
    ),
    Effect.flatMap((body) => runCommand(c, toCommand(body, actorOf(who)), status)),
  )
