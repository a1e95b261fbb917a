import { it } from "@effect/vitest"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { makeMemoryStore } from "./memory-store"

describe("memory store", () => {
  it.effect("appends events and timer changes together and reports the new version", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      const timer = { timerId: "t1", dueAt: 10, command: "expire" }
      expect(yield* store.append("s", 0, ["e1", "e2"], [{ _tag: "Arm", timer }])).toBe(2)
      expect(yield* store.load("s")).toEqual({ version: 2, events: ["e1", "e2"], timers: [timer] })
      expect(yield* store.append("s", 2, ["e3"], [{ _tag: "Disarm", timerId: "t1" }])).toBe(3)
      expect((yield* store.load("s")).timers).toEqual([])
      expect(yield* store.version("s")).toBe(3)
      expect(yield* store.version("other")).toBe(0)
    }),
  )

  it.effect("a stale expected version is a VersionConflict and writes nothing", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* store.append("s", 0, ["e1"], [])
      const error = yield* Effect.flip(
        store.append("s", 0, ["lost"], [{ _tag: "Arm", timer: { timerId: "t", dueAt: 1, command: null } }]),
      )
      expect(error).toMatchObject({ _tag: "VersionConflict", expected: 0, actual: 1 })
      expect(yield* store.load("s")).toEqual({ version: 1, events: ["e1"], timers: [] })
    }),
  )
})
