import { describe, expect, it } from "vitest"
import { handlers } from "./handlers"
import { tagTable } from "./tags"

type Ev =
  | { readonly _tag: "A"; readonly a: number }
  | { readonly _tag: "B"; readonly b: string }
  | { readonly _tag: "C" }

describe("kernel: handlers registered by tag (issue 18)", () => {
  it("calls a handler for the tags it was registered for, and no other", () => {
    const seen: string[] = []
    const h = handlers<Ev, [log: string[]]>()
      .on("A", (e, log) => void log.push(`a${e.a}`))
      .on(["B", "C"], (e, log) => void log.push(e._tag))
    for (const event of [{ _tag: "A", a: 1 }, { _tag: "B", b: "x" }, { _tag: "C" }] as const)
      for (const f of h.of(event._tag)) f(event, seen)
    expect(seen).toEqual(["a1", "B", "C"])
    expect(h.of("D")).toEqual([])
    expect(h.tags).toEqual(new Set(["A", "B", "C"]))
  })

  it("runs several handlers of one tag in registration order; a registration leaves the earlier set as it was", () => {
    const base = handlers<Ev, [], string>().on("A", () => "first")
    const more = base.on("A", () => "second")
    expect(more.of("A").map((f) => f({ _tag: "A", a: 0 }))).toEqual(["first", "second"])
    expect(base.of("A")).toHaveLength(1)
  })

  it("a lookup by tag answers only registered tags: an Object property name is not one", () => {
    const table = tagTable([
      ["A", 1],
      ["B", 2],
    ])
    expect([table("A"), table("B"), table("C")]).toEqual([1, 2, undefined])
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"])
      expect(table(name)).toBeUndefined()
    const h = handlers<Ev>().on("A", () => {})
    expect(h.of("constructor")).toEqual([])
  })
})
