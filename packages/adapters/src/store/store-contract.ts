import { it } from "@effect/vitest"
import { SNAPSHOTS_KEPT, type Snapshots, type Store, type Timer } from "@lifeline/core/ports"
import { Effect, type Scope } from "effect"
import { describe, expect } from "vitest"

/**
 * What every Store adapter promises (the port in core/ports/store.ts), run against each of them:
 * an append stores its events and timer changes together or not at all, and only on the
 * version it expects.
 */
export const storeContract = (
  name: string,
  makeStore: () => Effect.Effect<Store["Service"] & Snapshots["Service"], unknown, Scope.Scope>,
) =>
  describe(`${name}: the Store port`, () => {
    const timer = (timerId: string, dueAt: number, command: unknown = "expire"): Timer => ({
      timerId,
      dueAt,
      command,
    })
    const byId = (timers: readonly Timer[]) => [...timers].sort((a, b) => a.timerId.localeCompare(b.timerId))

    it.live("appends events and timer changes together and reports the new version", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        const t1 = timer("t1", 10)
        expect(yield* store.append("s", 0, ["e1", "e2"], [{ _tag: "Arm", timer: t1 }])).toBe(2)
        expect(yield* store.load("s")).toEqual({ version: 2, events: ["e1", "e2"], timers: [t1] })
        expect(yield* store.append("s", 2, ["e3"], [{ _tag: "Disarm", timerId: "t1" }])).toBe(3)
        expect((yield* store.load("s")).timers).toEqual([])
        expect(yield* store.version("s")).toBe(3)
        expect(yield* store.version("other")).toBe(0)
        expect(yield* store.load("other")).toEqual({ version: 0, events: [], timers: [] })
      }),
    )

    it.live("N2 a stale expected version is a VersionConflict and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        yield* store.append("s", 0, ["e1"], [])
        const error = yield* Effect.flip(
          store.append("s", 0, ["lost"], [{ _tag: "Arm", timer: timer("t", 1) }]),
        )
        expect(error).toMatchObject({ _tag: "VersionConflict", stream: "s", expected: 0, actual: 1 })
        expect(yield* store.load("s")).toEqual({ version: 1, events: ["e1"], timers: [] })
      }),
    )

    it.live("N2 an expected version ahead of the stream is a conflict too", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        const error = yield* Effect.flip(store.append("s", 3, ["e4"], []))
        expect(error).toMatchObject({ _tag: "VersionConflict", expected: 3, actual: 0 })
        expect(yield* store.load("s")).toEqual({ version: 0, events: [], timers: [] })
      }),
    )

    it.live("N2 of concurrent appends on one version exactly one is stored", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        yield* store.append("s", 0, ["base"], [])
        const results = yield* Effect.all(
          Array.from({ length: 8 }, (_, i) => Effect.result(store.append("s", 1, [`w${i}`], []))),
          { concurrency: "unbounded" },
        )
        expect(results.filter((r) => r._tag === "Success")).toHaveLength(1)
        expect(
          results.filter((r) => r._tag === "Failure" && r.failure._tag === "VersionConflict"),
        ).toHaveLength(7)
        expect((yield* store.load("s")).events).toHaveLength(2)
      }),
    )

    it.live("N1 a timer-only append keeps the version but is still checked against it", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        yield* store.append("s", 0, ["e1"], [{ _tag: "Arm", timer: timer("t1", 5) }])
        expect(yield* store.append("s", 1, [], [{ _tag: "Disarm", timerId: "t1" }])).toBe(1)
        const stale = yield* Effect.flip(store.append("s", 0, [], [{ _tag: "Arm", timer: timer("t2", 6) }]))
        expect(stale._tag).toBe("VersionConflict")
        expect(yield* store.load("s")).toEqual({ version: 1, events: ["e1"], timers: [] })
      }),
    )

    it.live("N1 timer changes apply in order: re-arming moves a timer, the last change wins", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        yield* store.append(
          "s",
          0,
          ["e1"],
          [
            { _tag: "Arm", timer: timer("moved", 10) },
            { _tag: "Arm", timer: timer("gone", 20) },
            { _tag: "Arm", timer: timer("back", 30) },
          ],
        )
        yield* store.append(
          "s",
          1,
          [],
          [
            { _tag: "Arm", timer: timer("moved", 99, { later: true }) },
            { _tag: "Disarm", timerId: "gone" },
            { _tag: "Disarm", timerId: "back" },
            { _tag: "Arm", timer: timer("back", 31) },
            { _tag: "Arm", timer: timer("brief", 40) },
            { _tag: "Disarm", timerId: "brief" },
            { _tag: "Disarm", timerId: "never-armed" },
          ],
        )
        expect(byId((yield* store.load("s")).timers)).toEqual([
          timer("back", 31),
          timer("moved", 99, { later: true }),
        ])
      }),
    )

    it.live("streams are independent and events come back as the JSON they were", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        const event = { _tag: "Queued", at: 1_763_715_600_000, nested: { list: [1, "two", null], ok: true } }
        yield* store.append("a", 0, [event], [{ _tag: "Arm", timer: timer("same-id", 1, { _tag: "A" }) }])
        yield* store.append(
          "b",
          0,
          ["b1", "b2"],
          [{ _tag: "Arm", timer: timer("same-id", 2, { _tag: "B" }) }],
        )
        expect(yield* store.load("a")).toEqual({
          version: 1,
          events: [event],
          timers: [timer("same-id", 1, { _tag: "A" })],
        })
        expect((yield* store.load("b")).timers).toEqual([timer("same-id", 2, { _tag: "B" })])
      }),
    )

    it.live("N2 the tail read: the events after a version, the version and the armed timers", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        const t = timer("t", 5)
        yield* store.append("s", 0, ["e1", "e2"], [])
        yield* store.append("s", 2, ["e3"], [{ _tag: "Arm", timer: t }])
        expect(yield* store.loadAfter("s", 1)).toEqual({ version: 3, events: ["e2", "e3"], timers: [t] })
        expect(yield* store.loadAfter("s", 3)).toEqual({ version: 3, events: [], timers: [t] })
        expect(yield* store.readEvents("s", 0, 2)).toEqual(["e1", "e2"])
        expect(yield* store.readEvents("s", 1, 10)).toEqual(["e2", "e3"])
        expect(yield* store.readEvents("s", 3, 10)).toEqual([])
      }),
    )

    it.live("issue 22 N1 a saved snapshot is listed newest first and read back whole", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        expect(yield* store.list("s")).toEqual([])
        const big = "x".repeat(300_000) + "é\n€".repeat(10_000)
        const first = yield* store.save("s", { version: 2, schemaVersion: 1, takenAt: 100, payload: "at 2" })
        const second = yield* store.save("s", { version: 5, schemaVersion: 3, takenAt: 200, payload: big })
        expect(first).toMatchObject({ version: 2, schemaVersion: 1, takenAt: 100 })
        expect(second.id).not.toBe(first.id)
        expect(yield* store.list("s")).toEqual([second, first])
        expect(yield* store.read("s", second.id)).toBe(big)
        expect(yield* store.read("s", first.id)).toBe("at 2")
        expect(yield* store.read("s", "no-such-snapshot")).toBeUndefined()
        expect(yield* store.list("other")).toEqual([])
        // Snapshots are not events: the stream is untouched.
        expect(yield* store.version("s")).toBe(0)
      }),
    )

    it.live(
      `issue 22 a save keeps the newest ${SNAPSHOTS_KEPT} snapshots of its stream, whatever order they come in`,
      () =>
        Effect.gen(function* () {
          const store = yield* makeStore()
          const other = yield* store.save("t", { version: 1, schemaVersion: 1, takenAt: 1, payload: "t1" })
          for (const version of [10, 30, 20, 50, 40, 5])
            yield* store.save("s", { version, schemaVersion: 1, takenAt: version, payload: `at ${version}` })
          const kept = yield* store.list("s")
          expect(kept.map((s) => s.version)).toEqual([50, 40, 30])
          for (const s of kept) expect(yield* store.read("s", s.id)).toBe(`at ${s.version}`)
          expect(yield* store.list("t")).toEqual([other])
        }),
    )

    it.live("issue 22 two snapshots of one version (two writers) are both kept, each whole", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        const [a, b] = yield* Effect.all(
          [
            store.save("s", { version: 7, schemaVersion: 1, takenAt: 1, payload: "a".repeat(70_000) }),
            store.save("s", { version: 7, schemaVersion: 1, takenAt: 2, payload: "b".repeat(90_000) }),
          ],
          { concurrency: 2 },
        )
        expect(yield* store.read("s", a.id)).toBe("a".repeat(70_000))
        expect(yield* store.read("s", b.id)).toBe("b".repeat(90_000))
        expect((yield* store.list("s")).map((s) => s.id).sort()).toEqual([a.id, b.id].sort())
      }),
    )

    it.live("a large append (more rows than one statement carries) is stored whole", () =>
      Effect.gen(function* () {
        const store = yield* makeStore()
        const many = Array.from({ length: 1_234 }, (_, i) => ({ n: i }))
        const arms = Array.from({ length: 777 }, (_, i) => ({
          _tag: "Arm" as const,
          timer: timer(`t${i}`, i),
        }))
        expect(yield* store.append("s", 0, many, arms)).toBe(1_234)
        const loaded = yield* store.load<{ n: number }, unknown>("s")
        expect(loaded.events).toEqual(many)
        expect(loaded.timers).toHaveLength(777)
      }),
    )
  })
