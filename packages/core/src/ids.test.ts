import { Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { emptyAuditState, evolveAudit } from "./audit/trail"
import { ID_MAX_LENGTH, Id, ISSUED_ID_MAX_LENGTH, IssuedId, issuedId } from "./ids"

const takes = (schema: typeof Id) => Schema.is(schema)

/** Strings of any UTF-16 code units, surrogate halves included, and the characters the rule is about. */
const codeUnits = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
      fc.constantFrom("a", "/", " ", "\ud83d", "\ude00", "\ud83d\ude00", "\u0000", "\u200b", "\u2028"),
    ),
    maxLength,
  })

/** A string with a surrogate half that has no partner (not text: encodeURIComponent throws on it). */
const hasLoneSurrogate = (s: string): boolean => {
  try {
    encodeURIComponent(s)
    return false
  } catch {
    return true
  }
}

describe("issue 16, N3: one id rule", () => {
  it("a client's id: the ids the demo and the docs use are taken", () => {
    for (const id of [
      "ana",
      "billing",
      "inbound-voice",
      "voice-out",
      "cb-1f0e",
      "q.1:x_y",
      "Zoë",
      "客服",
      "😀",
    ])
      expect(takes(Id)(id), id).toBe(true)
  })

  it("a client's id: empty, padded, too long, '/', control and format characters, lone surrogates are refused", () => {
    for (const id of [
      "",
      " ana",
      "ana\t",
      "x".repeat(ID_MAX_LENGTH + 1),
      "a/b",
      "a\u0000b",
      "a\nb",
      "a\u007fb",
      "a\u200bb",
      "a\u202eb",
      "a\u2028b",
      "\ud800",
      "a\udc00b",
      "\ud83d",
    ])
      expect(takes(Id)(id), JSON.stringify(id)).toBe(false)
    expect(takes(Id)("x".repeat(ID_MAX_LENGTH))).toBe(true)
  })

  it("issue 20: an issued id is one URL path segment as it stands; ids issued before ('/') are still taken", () => {
    const leg = issuedId("cb-7", "dial", 2)
    for (const id of [
      issuedId("call-1", 1),
      leg,
      issuedId("callback", leg),
      issuedId("emergency", "e-1", "notify", 1),
    ]) {
      expect(id).not.toContain("/")
      expect(encodeURIComponent(id), id).toBe(id)
      expect(takes(IssuedId)(id), id).toBe(true)
    }
    expect(leg).toBe("cb-7~dial~2")
  })

  it("an issued id keeps its '/' (offer call-1/1, dial leg cb-7/dial/2, message callback/cb-7/dial/2)", () => {
    for (const id of [
      "call-1/1",
      "demo-call-8/dial/1",
      "callback/cb-7/dial/2",
      "x".repeat(ISSUED_ID_MAX_LENGTH),
    ])
      expect(takes(IssuedId)(id), id).toBe(true)
    for (const id of ["", "\ud800", "a\u0000/b", "x".repeat(ISSUED_ID_MAX_LENGTH + 1)])
      expect(takes(IssuedId)(id), JSON.stringify(id)).toBe(false)
  })

  it("every id either rule takes is text a URL can carry, and a client's id is one path segment (property)", () => {
    fc.assert(
      fc.property(codeUnits(140), (s) => {
        if (takes(IssuedId)(s)) {
          expect(hasLoneSurrogate(s)).toBe(false)
          expect(decodeURIComponent(encodeURIComponent(s))).toBe(s)
        }
        if (takes(Id)(s)) {
          expect(takes(IssuedId)(s)).toBe(true)
          expect(s.includes("/")).toBe(false)
          expect(s.length).toBeLessThanOrEqual(ID_MAX_LENGTH)
        }
      }),
      { numRuns: 500 },
    )
  })

  it("the rule and encodeURIComponent agree on lone surrogates (why issue 16's ids were 500s: the audit trail names settings by URI-encoded ids)", () => {
    const seen = { taken: 0, refused: 0 }
    fc.assert(
      fc.property(codeUnits(20), (s) => {
        const padded = `a${s.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}/\s]/gu, "")}z`
        const taken = takes(Id)(padded)
        seen[taken ? "taken" : "refused"] += 1
        expect(taken).toBe(!hasLoneSurrogate(padded))
      }),
      { numRuns: 1000 },
    )
    // Both sides were tried: the property is not vacuous.
    expect(seen.taken).toBeGreaterThan(0)
    expect(seen.refused).toBeGreaterThan(0)
  })

  it("issue 16: the audit trail names a setting by an id with a lone surrogate without throwing (one stored before the rule)", () => {
    const audit = emptyAuditState()
    evolveAudit(audit, {
      _tag: "WorkstreamDefined",
      workstreamId: "w\ud800",
      name: "W",
      rules: [],
      fallbackQueueId: "q",
      at: null,
    })
    expect(audit.entries.map((e) => e.target)).toEqual(["workstreams/w%EF%BF%BD"])
  })
})
