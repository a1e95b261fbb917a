import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { it } from "@effect/vitest"
import type { Client } from "@libsql/client"
import { CENTER_STREAM, type CenterEvent, STAMPED_EVENT_TAGS } from "@lifeline/core/center"
import { SNAPSHOTS_KEPT, Store } from "@lifeline/core/ports"
import { Routing, type RoutingCommand, type RoutingEvent, RoutingLive } from "@lifeline/core/routing"
import { Effect, Layer, Schema } from "effect"
import { describe, expect } from "vitest"
import { VirtualClock, VirtualClockLive } from "../../clock/virtual-clock"
import { CENTER_EVENT_SCHEMA_VERSION, DEFAULT_EVENT_CODECS, makeEventCodec, upcastTags } from "../event-codec"
import { storeContract } from "../store-contract"
import { LibsqlStoreLive, libsqlStoreOn, makeLibsqlStore } from "./libsql-store"
import { dbConfigFromEnv, openDatabase } from "./open"
import { tempDbUrl } from "./test-db"

storeContract("libSQL store on an embedded file", () =>
  Effect.flatMap(tempDbUrl, (url) => makeLibsqlStore(url)),
)

const T0 = Date.UTC(2026, 10, 21, 9, 0)

/** One process's life: a routing engine on the file and a virtual clock standing at `at`. */
const life = <A, E>(url: string, at: number, body: Effect.Effect<A, E, Routing | VirtualClock | Store>) =>
  Effect.scoped(
    Effect.provide(
      body,
      RoutingLive.pipe(Layer.provideMerge(Layer.merge(LibsqlStoreLive(url), VirtualClockLive(at)))),
    ),
  )

const setup: RoutingCommand[] = [
  { _tag: "RegisterRep", repId: "ann", name: "Ann", presenceId: "available", capacity: { voice: 1 } },
  { _tag: "CreateQueue", queueId: "q", name: "Q", offerTimeoutMs: 30_000, members: ["ann"] },
  { _tag: "EnqueueItem", itemId: "c1", queueId: "q" },
]

describe("libSQL store", () => {
  it.live("N1 what was appended is there when the file is opened again", () =>
    Effect.gen(function* () {
      const url = yield* tempDbUrl
      const timer = { timerId: "t1", dueAt: 10, command: { _tag: "Expire" } }
      yield* Effect.scoped(
        Effect.flatMap(makeLibsqlStore(url), (store) =>
          store.append("s", 0, [{ n: 1 }, { n: 2 }], [{ _tag: "Arm", timer }]),
        ),
      )
      const reopened = yield* makeLibsqlStore(url)
      expect(yield* reopened.load("s")).toEqual({ version: 2, events: [{ n: 1 }, { n: 2 }], timers: [timer] })
    }),
  )

  it.live("N2 two clients on one file: the version guard holds across connections", () =>
    Effect.gen(function* () {
      const url = yield* tempDbUrl
      const [a, b] = yield* Effect.all([makeLibsqlStore(url), makeLibsqlStore(url)], { concurrency: 2 })
      expect(yield* a.append("s", 0, ["from a"], [])).toBe(1)
      const error = yield* Effect.flip(b.append("s", 0, ["from b"], []))
      expect(error).toMatchObject({ _tag: "VersionConflict", expected: 0, actual: 1 })
      expect(yield* b.append("s", 1, ["from b"], [])).toBe(2)
      expect((yield* a.load("s")).events).toEqual(["from a", "from b"])
    }),
  )

  it.live("N2 the tail read: the events after a version, the version and the armed timers", () =>
    Effect.gen(function* () {
      const store = yield* Effect.flatMap(tempDbUrl, (url) => makeLibsqlStore(url))
      const timer = { timerId: "t", dueAt: 5, command: "c" }
      yield* store.append("s", 0, ["e1", "e2"], [])
      yield* store.append("s", 2, ["e3"], [{ _tag: "Arm", timer }])
      expect(yield* store.loadAfter("s", 1)).toEqual({ version: 3, events: ["e2", "e3"], timers: [timer] })
      expect(yield* store.loadAfter("s", 3)).toEqual({ version: 3, events: [], timers: [timer] })
    }),
  )

  it.live("N1 a stream longer than one read page loads whole and in order", () =>
    Effect.gen(function* () {
      const store = yield* Effect.flatMap(tempDbUrl, (url) => makeLibsqlStore(url))
      const all = Array.from({ length: 12_345 }, (_, n) => n)
      for (let at = 0; at < all.length; at += 4_000)
        yield* store.append("s", at, all.slice(at, at + 4_000), [])
      expect((yield* store.load<number, never>("s")).events).toEqual(all)
      const tail = yield* store.loadAfter<number, never>("s", 1_999)
      expect(tail.version).toBe(12_345)
      expect(tail.events).toEqual(all.slice(1_999))
    }),
  )

  it.live("an embedded file runs in WAL mode, synchronous=NORMAL unless told FULL", () =>
    Effect.gen(function* () {
      const url = yield* tempDbUrl
      const pragma = (client: { execute: (sql: string) => Promise<{ rows: unknown[] }> }, name: string) =>
        Effect.promise(() => client.execute(`PRAGMA ${name}`)).pipe(Effect.map((r) => r.rows[0]))
      const normal = yield* openDatabase(url)
      expect(yield* pragma(normal, "journal_mode")).toMatchObject({ journal_mode: "wal" })
      expect(yield* pragma(normal, "synchronous")).toMatchObject({ synchronous: 1 })
      expect(yield* pragma(normal, "busy_timeout")).toMatchObject({ timeout: 5_000 })
      const full = yield* openDatabase(url, { synchronous: "full" })
      expect(yield* pragma(full, "synchronous")).toMatchObject({ synchronous: 2 })
    }),
  )

  it.live("nodes that open one fresh database at once all find the schema", () =>
    Effect.gen(function* () {
      const url = yield* tempDbUrl
      const stores = yield* Effect.all(
        Array.from({ length: 4 }, () => makeLibsqlStore(url)),
        { concurrency: "unbounded" },
      )
      for (const [i, store] of stores.entries()) yield* store.append(`s${i}`, 0, ["e"], [])
      for (const store of stores) expect(yield* store.version("s3")).toBe(1)
    }),
  )

  it.live("N1 a restart re-arms the stored timers and fires once the one that came due while down", () =>
    Effect.gen(function* () {
      const url = yield* tempDbUrl
      const offerTimer = (offerId: string) => `routing/offer-expiry/${offerId}`
      yield* life(
        url,
        T0,
        Effect.gen(function* () {
          const routing = yield* Routing
          for (const command of setup) yield* routing.execute(command)
        }),
      )
      // Down for 5 minutes: the offer's 30 s timer came due meanwhile.
      yield* life(
        url,
        T0 + 300_000,
        Effect.gen(function* () {
          const clock = yield* VirtualClock
          expect(yield* clock.pending).toEqual([{ timerId: offerTimer("c1~1"), dueAt: T0 + 30_000 }])
          expect(yield* clock.advanceBy(0)).toBe(1)
          expect(yield* clock.pending).toEqual([{ timerId: offerTimer("c1~2"), dueAt: T0 + 330_000 }])
        }),
      )
      // Up again before the new offer is due: the fired timer is gone, the new one waits.
      yield* life(
        url,
        T0 + 310_000,
        Effect.gen(function* () {
          const clock = yield* VirtualClock
          const store = yield* Store
          expect(yield* clock.advanceBy(0)).toBe(0)
          expect(yield* clock.pending).toEqual([{ timerId: offerTimer("c1~2"), dueAt: T0 + 330_000 }])
          const { events, timers } = yield* store.load<RoutingEvent, RoutingCommand>("routing")
          expect(events.filter((e) => e._tag === "OfferExpired")).toMatchObject([
            { offerId: "c1~1", at: T0 + 300_000 },
          ])
          expect(timers.map((t) => t.timerId)).toEqual([offerTimer("c1~2")])
        }),
      )
    }),
  )
})

describe("libSQL store settings", () => {
  it("N1 a node keeps its state in .data/lifeline.db unless LIFELINE_DB_URL names another place", () => {
    expect(dbConfigFromEnv({})).toEqual({ url: "file:.data/lifeline.db", options: {} })
    expect(
      dbConfigFromEnv({
        LIFELINE_DB_URL: "http://10.0.0.5:8080",
        LIFELINE_DB_AUTH_TOKEN: "secret",
        LIFELINE_DB_SYNC: "full",
      }),
    ).toEqual({ url: "http://10.0.0.5:8080", options: { authToken: "secret", synchronous: "full" } })
  })
})

describe("libSQL snapshots (issue 22)", () => {
  const count = (client: { execute: (sql: string) => Promise<{ rows: unknown[] }> }, sql: string) =>
    Effect.promise(() => client.execute(sql)).pipe(
      Effect.map((r) => Number((r.rows[0] as Record<string, unknown>)?.n ?? Number.NaN)),
    )

  it.live(
    "N1 a payload of many chunk rows (gzipped) reads back whole; a missing chunk makes it unreadable",
    () =>
      Effect.gen(function* () {
        const url = yield* tempDbUrl
        const client = yield* openDatabase(url)
        const store = libsqlStoreOn(client, url, 1_000)
        const payload = Array.from({ length: 25_000 }, (_, i) => `${i},`).join("")
        const info = yield* store.save("s", { version: 3, schemaVersion: 1, takenAt: 1, payload })
        expect(yield* count(client, "SELECT count(*) AS n FROM snapshot_chunks")).toBeGreaterThan(10)
        expect(yield* store.read("s", info.id)).toBe(payload)
        yield* Effect.promise(() => client.execute("DELETE FROM snapshot_chunks WHERE seq = 7"))
        expect(yield* store.read("s", info.id)).toBeUndefined()
      }),
  )

  it.live(
    "N1 a snapshot whose writer died before its header is never listed; its chunks go with the next save",
    () =>
      Effect.gen(function* () {
        const url = yield* tempDbUrl
        const client = yield* openDatabase(url)
        const store = libsqlStoreOn(client, url, 1_000)
        const old = yield* store.save("s", {
          version: 5,
          schemaVersion: 1,
          takenAt: 1,
          payload: "o".repeat(2_500),
        })
        // A writer killed after two of its chunks: rows without a header.
        yield* Effect.promise(() =>
          client.batch(
            [
              "INSERT INTO snapshot_chunks (snapshot_id, stream, version, seq, data) VALUES ('dead', 's', 9, 0, x'00')",
              "INSERT INTO snapshot_chunks (snapshot_id, stream, version, seq, data) VALUES ('dead', 's', 9, 1, x'01')",
            ],
            "write",
          ),
        )
        expect(yield* store.list("s")).toEqual([old])
        // A newer snapshot: the dead writer's chunks (below it) are removed with the save.
        const newer = yield* store.save("s", { version: 12, schemaVersion: 1, takenAt: 2, payload: "n" })
        expect(yield* store.list("s")).toEqual([newer, old])
        expect(
          yield* count(client, "SELECT count(*) AS n FROM snapshot_chunks WHERE snapshot_id = 'dead'"),
        ).toBe(0)
        expect(yield* store.read("s", old.id)).toBe("o".repeat(2_500))
      }),
  )

  it.live("issue 22 old snapshots' chunks are removed with them: the table stays bounded", () =>
    Effect.gen(function* () {
      const url = yield* tempDbUrl
      const client = yield* openDatabase(url)
      const store = libsqlStoreOn(client, url, 100)
      const payload = Array.from({ length: 500 }, (_, i) => `${i * 7919}`).join(",")
      for (let v = 1; v <= 12; v++)
        yield* store.save("s", { version: v * 10, schemaVersion: 1, takenAt: v, payload })
      const perSnapshot = yield* count(client, "SELECT max(seq) + 1 AS n FROM snapshot_chunks")
      expect(perSnapshot).toBeGreaterThan(3)
      expect(yield* count(client, "SELECT count(*) AS n FROM snapshots")).toBe(SNAPSHOTS_KEPT)
      expect(yield* count(client, "SELECT count(*) AS n FROM snapshot_chunks")).toBe(
        SNAPSHOTS_KEPT * perSnapshot,
      )
    }),
  )
})

describe("libSQL store: events decoded by their Schemas (issue 22, Build 2)", () => {
  const FIXTURE = fileURLToPath(
    new URL("../../../../../tests/fixtures/events/pre-6cdb46b-center.jsonl", import.meta.url),
  )
  const fixtureRows = () =>
    readFileSync(FIXTURE, "utf8")
      .split("\n")
      .filter((line) => line !== "")

  /** Rows as a database holds them, written straight into the table (as an older build did). */
  const insertRows = (client: Client, stream: string, rows: readonly { payload: string; shape?: number }[]) =>
    Effect.promise(() =>
      client.batch(
        [
          { sql: "INSERT INTO streams (stream, version) VALUES (?, ?)", args: [stream, rows.length] },
          ...rows.map(({ payload, shape }, i) =>
            shape === undefined
              ? {
                  sql: "INSERT INTO events (stream, version, payload) VALUES (?, ?, ?)",
                  args: [stream, i + 1, payload],
                }
              : {
                  sql: "INSERT INTO events (stream, version, payload, schema_version) VALUES (?, ?, ?, ?)",
                  args: [stream, i + 1, payload, shape],
                },
          ),
        ],
        "write",
      ),
    )

  const storeOnFile = Effect.gen(function* () {
    const url = yield* tempDbUrl
    const client = yield* openDatabase(url)
    return { client, store: libsqlStoreOn(client, url) }
  })

  /** Shape 2 of a stored row: a configuration event without a time gets a null one. */
  const shape2 = (row: string): CenterEvent => {
    const event = JSON.parse(row) as Record<string, unknown>
    const stamped = (STAMPED_EVENT_TAGS as readonly unknown[]).includes(event._tag)
    return (stamped && !("at" in event) ? { ...event, at: null } : event) as CenterEvent
  }

  it.live(
    "N1 center events stored before their stamp (commit 6cdb46b, shape 1) load upcast to today's shape",
    () =>
      Effect.gen(function* () {
        const { client, store } = yield* storeOnFile
        const rows = fixtureRows()
        // No schema_version: the column's default, as migration 0003 left rows written before it.
        yield* insertRows(
          client,
          CENTER_STREAM,
          rows.map((payload) => ({ payload })),
        )
        const loaded = yield* store.load<CenterEvent, never>(CENTER_STREAM)
        expect(loaded.version).toBe(rows.length)
        expect(loaded.events).toEqual(rows.map(shape2))
        // The upcast (1 -> 2) gave the unstamped configuration events a null time, and only them.
        const created = loaded.events.find((e) => e._tag === "QueueCreated")
        expect(created).toMatchObject({ at: null })
        expect(rows.filter((row) => !row.includes('"at":')).length).toBeGreaterThan(0)
        expect(loaded.events.filter((e) => "at" in e && e.at === null).length).toBe(
          rows.filter((row) => !row.includes('"at":')).length,
        )
        // The snapshot worker's paged read decodes the same way.
        expect(yield* store.readEvents<CenterEvent>(CENTER_STREAM, 0, 5)).toEqual(loaded.events.slice(0, 5))
      }),
  )

  it.live("N1 appends write the codec's shape version; an append then load round-trips", () =>
    Effect.gen(function* () {
      const { client, store } = yield* storeOnFile
      const events = fixtureRows().map(shape2)
      yield* store.append(CENTER_STREAM, 0, events, [])
      expect((yield* store.load<CenterEvent, never>(CENTER_STREAM)).events).toEqual(events)
      const shapes = yield* Effect.promise(() => client.execute("SELECT DISTINCT schema_version FROM events"))
      expect(shapes.rows.map((row) => Number(row[0]))).toEqual([CENTER_EVENT_SCHEMA_VERSION])
    }),
  )

  it.live("N1 a row of a shape newer than this build fails the load, naming stream, event and shape", () =>
    Effect.gen(function* () {
      const { client, store } = yield* storeOnFile
      const [first = "", second = ""] = fixtureRows()
      yield* insertRows(client, CENTER_STREAM, [{ payload: first }, { payload: second, shape: 99 }])
      const error = yield* Effect.flip(store.load(CENTER_STREAM))
      expect(error._tag).toBe("StoreUnavailable")
      expect(error.message).toContain(`load ${CENTER_STREAM}: event 2 does not decode (shape version 99`)
      expect(error.message).toContain(`reads event shapes 1 to ${CENTER_EVENT_SCHEMA_VERSION}`)
    }),
  )

  it.live("N1 a stored field of the wrong type fails the load, naming the field path", () =>
    Effect.gen(function* () {
      const { client, store } = yield* storeOnFile
      const rows = fixtureRows().map((row) => JSON.parse(row) as Record<string, unknown>)
      const index = rows.findIndex((row) => row._tag === "QueueCreated")
      rows[index] = { ...rows[index], operatingHours: { timeZone: "UTC", windows: [{ day: "monday" }] } }
      yield* insertRows(
        client,
        CENTER_STREAM,
        rows.map((row) => ({ payload: JSON.stringify(row) })),
      )
      const error = yield* Effect.flip(store.loadAfter(CENTER_STREAM, 0))
      expect(error.message).toContain(`event ${index + 1} does not decode`)
      expect(error.message).toContain("at .operatingHours.windows[0].day")
      expect(error.message).toContain("QueueCreated")
    }),
  )

  it.live("N1 a stream given its own codec is upcast on load and written in its current shape", () =>
    Effect.gen(function* () {
      const Greeted = Schema.TaggedStruct("Greeted", { repId: Schema.String })
      const greetings = makeEventCodec<typeof Greeted.Type>({
        version: 2,
        schemas: { Greeted },
        upcasts: { 1: upcastTags({ Greeted: ({ who, ...rest }) => ({ ...rest, repId: who }) }) },
      })
      const url = yield* tempDbUrl
      const client = yield* openDatabase(url)
      const store = libsqlStoreOn(client, url, undefined, { ...DEFAULT_EVENT_CODECS, greetings })
      yield* insertRows(client, "greetings", [{ payload: JSON.stringify({ _tag: "Greeted", who: "ann" }) }])
      yield* store.append("greetings", 1, [{ _tag: "Greeted", repId: "bob" }], [])
      expect((yield* store.load("greetings")).events).toEqual([
        { _tag: "Greeted", repId: "ann" },
        { _tag: "Greeted", repId: "bob" },
      ])
      const shapes = yield* Effect.promise(() =>
        client.execute("SELECT schema_version FROM events ORDER BY version"),
      )
      expect(shapes.rows.map((row) => Number(row[0]))).toEqual([1, 2])
    }),
  )
})
