import {
  CENTER_EVENT_SCHEMAS,
  CENTER_STREAM,
  type CenterEvent,
  firstProblem,
  STAMPED_EVENT_TAGS,
} from "@lifeline/core/center"
import { Result, type Schema, type SchemaAST, type SchemaIssue, SchemaParser } from "effect"
import { SchemaJITCompiler } from "effect/schema"

/**
 * How stored events are read back (issue 22, Build 2; docs/events.md). A row holds the payload
 * as JSON and the shape version it was written in. A load parses it, applies the registered
 * upcasts from that version to the current one, looks its `_tag` up in a tag -> Schema map and
 * decodes it with that one member. Anything else (a version newer than this build, a tag or a
 * field the schema refuses) is an EventDecodeError naming the version and the field path: a
 * stored event is never cast.
 */

/** A JSON object as parsed from a payload; an upcast takes one and gives the next shape's. */
export type StoredPayload = Record<string, unknown>

/** Shape n -> shape n + 1 of a whole payload (see `upcastTags` for one per event tag). */
export type Upcast = (payload: StoredPayload) => StoredPayload

/** What a stream's events look like: the current version, its schemas by tag, the upcasts. */
export interface EventShapes<E extends { readonly _tag: string }> {
  /** The shape appends write (stored in `events.schema_version`). */
  readonly version: number
  readonly schemas: { readonly [T in E["_tag"]]: Schema.Codec<Extract<E, { _tag: T }>, unknown> }
  /** `upcasts[n]` takes a payload of shape n to shape n + 1; every n from 1 to version - 1. */
  readonly upcasts: Readonly<Record<number, Upcast>>
}

/** A stream's codec: how appends write an event and how a load reads a stored one. */
export interface EventCodec<E> {
  /** The shape version appends write. */
  readonly version: number
  /** A method, so a codec of some events is one of `unknown` events too (a stream's registry). */
  encode(event: E): string
  /** Throws an EventDecodeError when the row cannot be read as a current event. */
  readonly decode: (payload: string, schemaVersion: number) => E
}

/** A stored event this build cannot read; the store wraps it in a StoreUnavailable. */
export class EventDecodeError extends Error {
  override readonly name = "EventDecodeError"
  constructor(
    readonly schemaVersion: number,
    /** The field path inside the payload (`.settings.rules[0]`), "" for the payload itself. */
    readonly path: string,
    readonly reason: string,
  ) {
    super(`shape version ${schemaVersion}${path === "" ? "" : `, at ${path}`}: ${reason}`)
  }
}

/**
 * Upcasts for some tags only: each function gets and gives one event of its tag; the other
 * events pass unchanged.
 */
export const upcastTags =
  (byTag: Readonly<Record<string, Upcast>>): Upcast =>
  (payload) => {
    const tag = payload._tag
    const upcast = typeof tag === "string" && Object.hasOwn(byTag, tag) ? byTag[tag] : undefined
    return upcast === undefined ? payload : upcast(payload)
  }

/**
 * Stored events are decoded with the schemas' checks off: a replay must read what a decision
 * once accepted even after a limit (an id's length, a prompt's) was tightened. Types, tags and
 * literals are still checked, and keys no schema names are dropped.
 */
const STORED: SchemaAST.ParseOptions = { disableChecks: true, errors: "first" }

type Decode = (input: unknown) => Result.Result<unknown, SchemaIssue.Issue>

/**
 * One member's decoder, compiled once: Effect's JIT compiler turns the member's AST into a
 * plain function (the interpreter stays the fallback where `new Function` is refused), and the
 * detailed interpreter runs only for a payload that fails, to name the field.
 */
const memberDecoder = (schema: Schema.Codec<unknown, unknown>): Decode => {
  SchemaJITCompiler.enable(schema.ast)
  return SchemaParser.decodeUnknownResult(schema, STORED)
}

/** A codec for events of the shapes given; build it once per stream kind (it compiles). */
export const makeEventCodec = <E extends { readonly _tag: string }>(
  shapes: EventShapes<E>,
): EventCodec<E> => {
  const decoders = new Map<string, Decode>(
    Object.entries<Schema.Codec<unknown, unknown>>(shapes.schemas).map(([tag, schema]) => [
      tag,
      memberDecoder(schema),
    ]),
  )
  for (let n = 1; n < shapes.version; n++)
    if (shapes.upcasts[n] === undefined) throw new Error(`no upcast from event shape ${n} to ${n + 1}`)

  const upcast = (payload: StoredPayload, from: number): StoredPayload => {
    let current = payload
    for (let n = from; n < shapes.version; n++) current = (shapes.upcasts[n] as Upcast)(current)
    return current
  }

  const decode = (payload: string, schemaVersion: number): E => {
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > shapes.version) {
      throw new EventDecodeError(
        schemaVersion,
        "",
        `this build reads event shapes 1 to ${shapes.version} (a newer build wrote it?)`,
      )
    }
    const parsed = parseObject(payload, schemaVersion)
    const current = schemaVersion === shapes.version ? parsed : upcast(parsed, schemaVersion)
    const tag = current._tag
    const decoder = typeof tag === "string" ? decoders.get(tag) : undefined
    if (decoder === undefined) {
      throw new EventDecodeError(schemaVersion, "._tag", `unknown event tag ${JSON.stringify(tag)}`)
    }
    const decoded = decoder(current)
    if (Result.isSuccess(decoded)) return decoded.success as E
    const problem = firstProblem(decoded.failure)
    throw new EventDecodeError(schemaVersion, problem.path, `${problem.message} (in a ${tag} event)`)
  }

  return { version: shapes.version, encode: (event) => JSON.stringify(event), decode }
}

const parseObject = (payload: string, schemaVersion: number): StoredPayload => {
  let parsed: unknown
  try {
    parsed = JSON.parse(payload)
  } catch (cause) {
    throw new EventDecodeError(
      schemaVersion,
      "",
      `not JSON (${cause instanceof Error ? cause.message : cause})`,
    )
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new EventDecodeError(schemaVersion, "", "not a JSON object")
  }
  return parsed as StoredPayload
}

/**
 * The center stream's current event shape (docs/events.md). Shape 1: every event stored before
 * this column existed, among them configuration events from before they were stamped (commit
 * 6cdb46b), which have no `at`. Shape 2: every configuration event has its `at`, null when it
 * is not known. Bump this and register an upcast in CENTER_EVENT_UPCASTS when a stored shape changes.
 */
export const CENTER_EVENT_SCHEMA_VERSION = 2

/** A configuration event of shape 1 without a time gets a null one; the others pass as they are. */
const stampTime: Upcast = (event) => (Object.hasOwn(event, "at") ? event : { ...event, at: null })

/** `CENTER_EVENT_UPCASTS[n]`: center events of shape n to shape n + 1. */
export const CENTER_EVENT_UPCASTS: Readonly<Record<number, Upcast>> = {
  1: upcastTags(Object.fromEntries(STAMPED_EVENT_TAGS.map((tag) => [tag, stampTime]))),
}

export const centerEventCodec: EventCodec<CenterEvent> = makeEventCodec<CenterEvent>({
  version: CENTER_EVENT_SCHEMA_VERSION,
  schemas: CENTER_EVENT_SCHEMAS,
  upcasts: CENTER_EVENT_UPCASTS,
})

/**
 * A stored center event (its `events.payload` and `events.schema_version`) as the current
 * CenterEvent. Throws an EventDecodeError naming the shape version and the field path when the
 * row is newer than this build or does not decode (the caller adds the stream and version).
 */
export const decodeStoredCenterEvent = (payload: string, schemaVersion: number): CenterEvent =>
  centerEventCodec.decode(payload, schemaVersion)

/**
 * A stream without schemas (a test's ad hoc stream, the routing-only engine's `routing` stream):
 * JSON in, JSON out, as every stream was read before issue 22. Only shape 1 exists for it.
 */
export const untypedJsonCodec: EventCodec<unknown> = {
  version: 1,
  encode: (event) => JSON.stringify(event),
  decode: (payload, schemaVersion) => {
    if (schemaVersion !== 1) throw new EventDecodeError(schemaVersion, "", "this stream has only shape 1")
    return JSON.parse(payload)
  },
}

/** The codec each stream's events are written and read with, by stream name. */
export type EventCodecs = Readonly<Record<string, EventCodec<unknown>>>

/** What a store decodes unless told otherwise: the center stream by its schemas. */
export const DEFAULT_EVENT_CODECS: EventCodecs = { [CENTER_STREAM]: centerEventCodec }

/** The codec for `stream`: its own, else untyped JSON. */
export const codecFor =
  (codecs: EventCodecs) =>
  (stream: string): EventCodec<unknown> =>
    (Object.hasOwn(codecs, stream) ? codecs[stream] : undefined) ?? untypedJsonCodec
