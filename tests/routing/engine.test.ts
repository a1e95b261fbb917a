import { it } from "@effect/vitest"
import { makeMemoryStore, VirtualClock, VirtualClockLive } from "@lifeline/adapters"
import { Store } from "@lifeline/core/ports"
import { Routing, type RoutingCommand, type RoutingEvent, RoutingLive } from "@lifeline/core/routing"
import { Effect, Layer } from "effect"
import { describe, expect } from "vitest"

const T0 = Date.UTC(2026, 10, 21, 9, 0)

/** A routing engine on a given store and a virtual clock that starts at `startAt`. */
const engineOn = (store: Store["Service"], startAt: number) =>
  RoutingLive.pipe(Layer.provideMerge(Layer.merge(Layer.succeed(Store, store), VirtualClockLive(startAt))))

const setup: RoutingCommand[] = [
  { _tag: "RegisterRep", repId: "ann", name: "Ann", presenceId: "available", capacity: { voice: 1 } },
  { _tag: "RegisterRep", repId: "bob", name: "Bob", presenceId: "offline", capacity: { voice: 1 } },
  { _tag: "CreateQueue", queueId: "q", name: "Q", offerTimeoutMs: 30_000, members: ["ann", "bob"] },
]

const runAll = (commands: RoutingCommand[]) =>
  Effect.gen(function* () {
    const routing = yield* Routing
    const events: RoutingEvent[] = []
    for (const command of commands) events.push(...(yield* routing.execute(command)))
    return events
  })

const tags = (events: readonly RoutingEvent[]) => events.map((e) => e._tag)

describe("routing engine: durable timers on the virtual clock", () => {
  it.effect("R4 an offer expires through its timer at exactly 30 s, not a millisecond before", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* Effect.gen(function* () {
        const clock = yield* VirtualClock
        yield* runAll([...setup, { _tag: "EnqueueItem", itemId: "c1", queueId: "q" }])
        expect(yield* clock.advanceBy(29_999)).toBe(0)
        expect(yield* clock.advanceBy(1)).toBe(1)
        const snapshot = yield* store.load<RoutingEvent, RoutingCommand>("routing")
        // Bob is offline, so nobody else can take it: Ann, the only staffed member, gets it again.
        expect(snapshot.events.slice(-2)).toMatchObject([
          { _tag: "OfferExpired", offerId: "c1~1", at: T0 + 30_000 },
          { _tag: "OfferMade", offerId: "c1~2", repId: "ann", expiresAt: T0 + 60_000 },
        ])
      }).pipe(Effect.provide(engineOn(store, T0)))
    }),
  )

  it.effect("R4 answering an offer disarms its timer in the store and on the clock", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* Effect.gen(function* () {
        const clock = yield* VirtualClock
        const routing = yield* Routing
        yield* runAll([...setup, { _tag: "EnqueueItem", itemId: "c1", queueId: "q" }])
        expect((yield* store.load("routing")).timers).toHaveLength(1)
        yield* routing.execute({ _tag: "AcceptOffer", offerId: "c1~1", repId: "ann" })
        expect((yield* store.load("routing")).timers).toHaveLength(0)
        expect(yield* clock.pending).toEqual([])
        expect(yield* routing.pendingTimers).toEqual([])
      }).pipe(Effect.provide(engineOn(store, T0)))
    }),
  )

  it.effect(
    "N1 after a restart the state is rebuilt and a timer that came due while down fires at once",
    () =>
      Effect.gen(function* () {
        const store = makeMemoryStore()
        yield* runAll([...setup, { _tag: "EnqueueItem", itemId: "c1", queueId: "q" }]).pipe(
          Effect.provide(engineOn(store, T0)),
        )
        // The process is gone; a new one starts 5 minutes later on the same store.
        yield* Effect.gen(function* () {
          const clock = yield* VirtualClock
          const routing = yield* Routing
          expect(yield* routing.read((state) => state.items.get("c1")?.status)).toBe("offered")
          expect(yield* clock.advanceBy(0)).toBe(1)
          const events = (yield* store.load<RoutingEvent, RoutingCommand>("routing")).events
          expect(events.slice(-2)).toMatchObject([
            { _tag: "OfferExpired", offerId: "c1~1", at: T0 + 300_000 },
            { _tag: "OfferMade", offerId: "c1~2", at: T0 + 300_000 },
          ])
          // Fired once: only the new offer's timer is left, in the store and on the clock.
          const pending = [{ timerId: "routing/offer-expiry/c1~2", dueAt: T0 + 330_000 }]
          expect(yield* clock.pending).toEqual(pending)
          expect(
            (yield* store.load("routing")).timers.map((t) => ({ timerId: t.timerId, dueAt: t.dueAt })),
          ).toEqual(pending)
        }).pipe(Effect.provide(engineOn(store, T0 + 300_000)))
      }),
  )

  it.effect("N1 two engines on one store: the one that loses the race reloads and decides again", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      const [nodeA, nodeB] = yield* Effect.all([
        Effect.provide(Routing, engineOn(store, T0)),
        Effect.provide(Routing, engineOn(store, T0)),
      ])
      for (const command of setup) yield* nodeA.execute(command)
      // Node B's state is stale: it has not seen the rep or the queue, but decides on fresh state.
      const events = yield* nodeB.execute({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" })
      expect(tags(events)).toEqual(["ItemQueued", "OfferMade"])
      // Node A, now stale too, must not offer c1 again when another item comes in.
      const more = yield* nodeA.execute({ _tag: "EnqueueItem", itemId: "c2", queueId: "q" })
      expect(tags(more)).toEqual(["ItemQueued"])
      const all = (yield* store.load<RoutingEvent, RoutingCommand>("routing")).events
      expect(all.filter((e) => e._tag === "OfferMade")).toHaveLength(1)
    }),
  )

  it.effect("N3 a rejected command appends nothing", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* Effect.gen(function* () {
        const routing = yield* Routing
        yield* runAll(setup)
        const before = (yield* store.load("routing")).version
        const error = yield* Effect.flip(
          routing.execute({ _tag: "EnqueueItem", itemId: "c1", queueId: "nope" }),
        )
        expect(error).toMatchObject({ _tag: "UnknownEntity", field: "queueId" })
        expect((yield* store.load("routing")).version).toBe(before)
      }).pipe(Effect.provide(engineOn(store, T0)))
    }),
  )
})
