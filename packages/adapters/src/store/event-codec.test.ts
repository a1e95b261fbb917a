import type { CenterEvent } from "@lifeline/core/center"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  CENTER_EVENT_SCHEMA_VERSION,
  centerEventCodec,
  decodeStoredCenterEvent,
  EventDecodeError,
  makeEventCodec,
  upcastTags,
} from "./event-codec"

/** Issue 22, Build 2 (SPEC N1): stored events are decoded by their Schemas, never cast. */

const queued: CenterEvent = {
  _tag: "ItemQueued",
  itemId: "i1",
  queueId: "q",
  priority: 0,
  attributes: { lang: "en" },
  at: 1_000,
  via: { workstreamId: "ws", ruleId: null },
}

const problem = (payload: string, version = CENTER_EVENT_SCHEMA_VERSION) => {
  try {
    decodeStoredCenterEvent(payload, version)
  } catch (error) {
    if (error instanceof EventDecodeError) return error
    throw error
  }
  throw new Error("decoded")
}

describe("issue 22 N1: the center event codec", () => {
  it("decodes what it encodes, keys no schema names dropped", () => {
    expect(decodeStoredCenterEvent(centerEventCodec.encode(queued), CENTER_EVENT_SCHEMA_VERSION)).toEqual(
      queued,
    )
    const extra = JSON.stringify({ ...queued, leftover: 1 })
    expect(decodeStoredCenterEvent(extra, CENTER_EVENT_SCHEMA_VERSION)).toEqual(queued)
  })

  it("refuses a shape version newer than this build, naming it", () => {
    const error = problem(JSON.stringify(queued), CENTER_EVENT_SCHEMA_VERSION + 1)
    expect(error.schemaVersion).toBe(CENTER_EVENT_SCHEMA_VERSION + 1)
    expect(error.message).toContain(`shape version ${CENTER_EVENT_SCHEMA_VERSION + 1}`)
    expect(error.message).toContain(`reads event shapes 1 to ${CENTER_EVENT_SCHEMA_VERSION}`)
    expect(problem(JSON.stringify(queued), 0).message).toContain("shape version 0")
  })

  it("names the field path of a field of the wrong type, nested ones included", () => {
    const wrongPriority = problem(JSON.stringify({ ...queued, priority: "high" }))
    expect(wrongPriority.path).toBe(".priority")
    expect(wrongPriority.message).toContain("ItemQueued")
    const nested = problem(JSON.stringify({ ...queued, via: { workstreamId: 7, ruleId: null } }))
    expect(nested.path).toBe(".via.workstreamId")
    const missing = problem(JSON.stringify({ _tag: "ItemAbandoned", itemId: "i1" }))
    expect(missing.path).toBe(".at")
  })

  it("refuses an unknown tag, a payload that is not JSON and one that is not an object", () => {
    expect(problem(JSON.stringify({ ...queued, _tag: "ItemTeleported" })).message).toContain(
      '"ItemTeleported"',
    )
    expect(problem(JSON.stringify({ itemId: "i1" })).path).toBe("._tag")
    expect(problem("{not json").message).toContain("not JSON")
    expect(problem("[1]").message).toContain("not a JSON object")
  })

  it("reads an event whose limits were tightened since it was stored (checks off on replay)", () => {
    // A workstream rule id of 300 characters: over today's id limit (128), accepted when stored.
    const defined = {
      _tag: "WorkstreamDefined",
      workstreamId: "ws",
      name: "Main",
      rules: [{ ruleId: "r".repeat(300), conditions: [], queueId: "q" }],
      fallbackQueueId: "q",
    }
    // Stored as shape 1, it also gets the null time of an unstamped configuration event.
    expect(decodeStoredCenterEvent(JSON.stringify(defined), 1)).toEqual({ ...defined, at: null })
  })
})

describe("issue 22 N1: upcasts take an older shape to the current one", () => {
  /** A stream whose shape 1 named the field `who` and shape 2 `repId`; shape 3 added `note`. */
  const Greeted = Schema.TaggedStruct("Greeted", { repId: Schema.String, note: Schema.String })
  const Left = Schema.TaggedStruct("Left", { repId: Schema.String })
  type Test = typeof Greeted.Type | typeof Left.Type
  const codec = makeEventCodec<Test>({
    version: 3,
    schemas: { Greeted, Left },
    upcasts: {
      1: upcastTags({ Greeted: ({ who, ...rest }) => ({ ...rest, repId: who }) }),
      2: (payload) => (payload._tag === "Greeted" ? { note: "", ...payload } : payload),
    },
  })

  it("applies each upcast from the row's version on, in order, then decodes", () => {
    expect(codec.decode(JSON.stringify({ _tag: "Greeted", who: "ann" }), 1)).toEqual({
      _tag: "Greeted",
      repId: "ann",
      note: "",
    })
    expect(codec.decode(JSON.stringify({ _tag: "Greeted", repId: "bob" }), 2)).toEqual({
      _tag: "Greeted",
      repId: "bob",
      note: "",
    })
    expect(codec.decode(JSON.stringify({ _tag: "Left", repId: "bob" }), 1)).toEqual({
      _tag: "Left",
      repId: "bob",
    })
    expect(codec.version).toBe(3)
  })

  it("names the path when an upcast result still does not decode", () => {
    expect(() => codec.decode(JSON.stringify({ _tag: "Greeted", who: 5 }), 1)).toThrow(/at \.repId/)
  })

  it("refuses to build a codec with a gap in its upcasts", () => {
    expect(() =>
      makeEventCodec<Test>({ version: 3, schemas: { Greeted, Left }, upcasts: { 1: (p) => p } }),
    ).toThrow("no upcast from event shape 2 to 3")
  })
})
