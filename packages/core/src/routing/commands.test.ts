import { Result, Schema, SchemaIssue } from "effect"
import { describe, expect, it } from "vitest"
import { RoutingCommand } from "./commands"

const decode = Schema.decodeUnknownResult(RoutingCommand)
const failedPath = (input: unknown): string => {
  const result = decode(input)
  if (Result.isSuccess(result)) throw new Error("expected a decode failure")
  const [issue] = SchemaIssue.makeFormatterStandardSchemaV1()(result.failure.issue).issues
  return (issue?.path ?? []).join(".")
}

describe("N3 command validation names the field", () => {
  it("N3 out-of-range and wrong-typed fields are rejected with their path", () => {
    expect(failedPath({ _tag: "CreateQueue", queueId: "q", name: "Q", offerTimeoutMs: 5 })).toBe(
      "offerTimeoutMs",
    )
    expect(failedPath({ _tag: "RegisterRep", repId: "a", name: "A", capacity: { voice: 0 } })).toBe(
      "capacity.voice",
    )
    expect(failedPath({ _tag: "EnqueueItem", itemId: " ", queueId: "q" })).toBe("itemId")
    expect(failedPath({ _tag: "SetPresence", repId: "a", presenceId: 7 })).toBe("presenceId")
  })

  it("N3 a well-formed command decodes unchanged", () => {
    const command = { _tag: "EnqueueItem", itemId: "c1", queueId: "q", priority: 2 }
    expect(decode(command)).toEqual(Result.succeed(command))
  })
})
