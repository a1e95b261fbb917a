import { Effect, Schema } from "effect"
import type { Context } from "hono"
import { InvalidBody } from "./errors"

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const readJsonObject = (c: Context) =>
  Effect.tryPromise({
    try: () => c.req.text(),
    catch: () => new InvalidBody({ message: "could not read the request body" }),
  }).pipe(
    Effect.flatMap((text) =>
      Effect.try({
        try: (): unknown => JSON.parse(text),
        catch: (e) => new InvalidBody({ message: `request body is not valid JSON: ${(e as Error).message}` }),
      }),
    ),
    Effect.filterOrFail(
      isJsonObject,
      () => new InvalidBody({ message: "request body must be a JSON object" }),
    ),
  )

/**
 * How every body and query is decoded: the first problem is reported, with the value given (the
 * caller's own input), and unknown fields are rejected, so a misspelt optional field is a 400
 * rather than silently ignored (N3).
 */
export const DECODE_OPTIONS = { errors: "first", onExcessProperty: "error", reportInput: true } as const

/** The JSON body decoded with a core schema (N3). */
export const decodeBody = <A>(c: Context, schema: Schema.Decoder<A>) =>
  readJsonObject(c).pipe(Effect.flatMap(Schema.decodeUnknownEffect(schema, DECODE_OPTIONS)))
