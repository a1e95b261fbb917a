import { Result, Schema } from "effect"
import type { CallParty, ResultInformation } from "../events"

/** The request did not prove it comes from ACS or Event Grid (answer 401). */
export class AcsWebhookUnauthorized extends Schema.TaggedError<AcsWebhookUnauthorized>()(
  "AcsWebhookUnauthorized",
  { message: Schema.String },
) {}

/** The request is authentic but its body is not what ACS sends (answer 400). */
export class AcsWebhookMalformed extends Schema.TaggedError<AcsWebhookMalformed>()("AcsWebhookMalformed", {
  message: Schema.String,
  /** Where in the body, e.g. `[0].data.callConnectionId`. */
  field: Schema.String,
}) {}

export type Json = Readonly<Record<string, unknown>>
type Read<A> = Result.Result<A, AcsWebhookMalformed>

export const malformed = (field: string, message: string) =>
  Result.fail(new AcsWebhookMalformed({ field, message: `${field || "body"}: ${message}` }))

export const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Builds `{ key: value }`, or `{}` when the value is absent (exactOptionalPropertyTypes). */
export const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

export const parseJson = (body: string): Read<unknown> =>
  Result.try({
    try: () => JSON.parse(body) as unknown,
    catch: () => new AcsWebhookMalformed({ field: "", message: "body: not valid JSON" }),
  })

/** Event Grid delivers an array; a CloudEvents endpoint may also receive one event alone. */
export const asEventList = (parsed: unknown): Read<readonly unknown[]> =>
  Array.isArray(parsed)
    ? Result.succeed(parsed)
    : isObject(parsed)
      ? Result.succeed([parsed])
      : malformed("", "expected a JSON array of events")

export const objectAt = (value: unknown, field: string): Read<Json> =>
  isObject(value) ? Result.succeed(value) : malformed(field, "expected an object")

export const stringAt = (obj: Json, key: string, path: string): Read<string> => {
  const value = obj[key]
  return typeof value === "string" && value.length > 0
    ? Result.succeed(value)
    : malformed(`${path}.${key}`, "expected a non-empty string")
}

export const optionalString = (obj: Json, key: string, path: string): Read<string | undefined> => {
  const value = obj[key]
  return value === undefined || value === null
    ? Result.succeed(undefined)
    : typeof value === "string"
      ? Result.succeed(value)
      : malformed(`${path}.${key}`, "expected a string")
}

const optionalInt = (obj: Json, key: string, path: string): Read<number | undefined> => {
  const value = obj[key]
  return value === undefined || value === null
    ? Result.succeed(undefined)
    : Number.isInteger(value)
      ? Result.succeed(value as number)
      : malformed(`${path}.${key}`, "expected an integer")
}

export const resultInformationAt = (data: Json, path: string): Read<ResultInformation | undefined> =>
  Result.gen(function* () {
    if (data.resultInformation === undefined || data.resultInformation === null) return undefined
    const field = `${path}.resultInformation`
    const info = yield* objectAt(data.resultInformation, field)
    return {
      ...opt("code", yield* optionalInt(info, "code", field)),
      ...opt("subCode", yield* optionalInt(info, "subCode", field)),
      ...opt("message", yield* optionalString(info, "message", field)),
    }
  })

/** A CommunicationIdentifierModel: `rawId` is required in what ACS sends. */
export const partyAt = (value: unknown, field: string): Read<CallParty> =>
  Result.gen(function* () {
    const model = yield* objectAt(value, field)
    const rawId = yield* stringAt(model, "rawId", field)
    const phone = model.phoneNumber
    const phoneNumber = isObject(phone) && typeof phone.value === "string" ? phone.value : undefined
    return { rawId, ...opt("phoneNumber", phoneNumber) }
  })

/** One event in either envelope, reduced to what the parsers need. */
export interface Envelope {
  readonly id: string
  readonly type: string
  readonly data: unknown
}

/** Event Grid schema (`eventType`, `topic`, `eventTime`) or CloudEvents 1.0 (`type`, `specversion`). */
export const envelopeAt = (value: unknown, path: string): Read<Envelope> =>
  Result.gen(function* () {
    const event = yield* objectAt(value, path)
    const id = yield* stringAt(event, "id", path)
    const type = yield* stringAt(event, "eventType" in event ? "eventType" : "type", path)
    return { id, type, data: event.data }
  })

export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>

/** Reads a header from a Fetch `Headers` or a Node-style record, case-insensitively. */
export const headerOf = (headers: HeaderSource | undefined, name: string): string | undefined => {
  if (headers === undefined) return undefined
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue
    return typeof value === "string" ? value : value.join(", ")
  }
  return undefined
}

/** The query of a request URL, absolute or a bare path as some frameworks give it. */
export const queryOf = (url: string): URLSearchParams => new URL(url, "http://localhost").searchParams
