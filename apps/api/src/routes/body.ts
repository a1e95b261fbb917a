import { Effect, type Schema } from "effect"
import type { ApiContext } from "../handle"
import { decodeBody } from "../request-body"
import { runCommand } from "./run"

/**
 * A route that decodes its body with `schema` and runs the command it makes: the schema is
 * the command's, less the tag and the fields the path supplies.
 */
export const commandFromBody = <A, I>(
  c: ApiContext,
  schema: Schema.Schema<A, I>,
  toCommand: (body: A) => Parameters<typeof runCommand>[1],
  status: Parameters<typeof runCommand>[2] = 200,
) => decodeBody(c, schema).pipe(Effect.flatMap((body) => runCommand(c, toCommand(body), status)))
