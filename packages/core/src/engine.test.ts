import { it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Result } from "effect"
import { describe, expect } from "vitest"
import { type Domain, makeEngine } from "./engine"
import { eventsOf, Refusal } from "./kernel/module"
import { Clock } from "./ports/clock"
import { Store, StoreUnavailable, VersionConflict } from "./ports/store"
import { GroupCommit, SharedStore } from "./ports/store-powers"
import type { Timer, TimerChange } from "./ports/timer"

/** A tiny domain: seats taken and released; a hold takes a seat and releases it by timer. */
type Command =
  | { readonly _tag: "Take"; readonly seat: string; readonly by: string }
  | { readonly _tag: "Hold"; readonly seat: string; readonly by: string; readonly until: number }
  | { readonly _tag: "Release"; readonly seat: string }
type Event =
  | { readonly _tag: "Taken"; readonly seat: string; readonly by: string; readonly until: number | null }
  | { readonly _tag: "Released"; readonly seat: string }
  /** Recorded for a refusal that is logged (only the replying domain below writes it). */
  | { readonly _tag: "TurnedAway"; readonly seat: string; readonly by: string }
type State = Map<string, string>

const seats: Domain<State, Command, Event, string> = {
  stream: "seats",
  empty: () => new Map(),
  replay: (state, events) => {
    for (const e of events) apply(state, e)
    return state
  },
  execute: (state, command) => {
    const holder = state.get(command.seat)
    let events: Event[]
    if (command._tag === "Release") {
      if (holder === undefined) return Result.fail(`${command.seat} is free`)
      events = [{ _tag: "Released", seat: command.seat }]
    } else {
      if (holder !== undefined) return Result.fail(`${command.seat} is taken by ${holder}`)
      const until = command._tag === "Hold" ? command.until : null
      events = [{ _tag: "Taken", seat: command.seat, by: command.by, until }]
    }
    for (const e of events) apply(state, e)
    return Result.succeed(events)
  },
  timersOf: (e): TimerChange<Command>[] =>
    e._tag === "Taken" && e.until !== null
      ? [
          {
            _tag: "Arm",
            timer: { timerId: `hold/${e.seat}`, dueAt: e.until, command: { _tag: "Release", seat: e.seat } },
          },
        ]
      : e._tag === "Released"
        ? [{ _tag: "Disarm", timerId: `hold/${e.seat}` }]
        : [],
}

const apply = (state: State, e: Event) => {
  if (e._tag === "Taken") state.set(e.seat, e.by)
  else if (e._tag === "Released") state.delete(e.seat)
}

/** What the replying domain answers a take: the seat, and how many seats were taken after it. */
interface SeatReply {
  readonly seat: string
  readonly taken: number
}

/**
 * The seats domain with replies (issue 18, "the engine hands the reply to the driver"): a take
 * answers the count of taken seats after it, which depends on the state it was decided on; a
 * refused take by "audit" is a recorded refusal (kernel `Refusal`): logged, and answered as the error.
 */
const replyingSeats: Domain<State, Command, Event, string, SeatReply | Refusal<string>> = {
  ...seats,
  execute: (state, command, now) => {
    const decided = seats.execute(state, command, now)
    if (command._tag !== "Take") return decided
    if (Result.isFailure(decided)) {
      if (command.by !== "audit") return decided
      const turnedAway: Event = { _tag: "TurnedAway", seat: command.seat, by: command.by }
      return Result.succeed({ events: [turnedAway], reply: new Refusal(decided.failure) })
    }
    return Result.map(decided, (d) => ({
      events: eventsOf(d),
      reply: { seat: command.seat, taken: state.size },
    }))
  },
}

/** An in-memory store whose appends can be held at a gate and made to fail. */
const testStore = () => {
  const events: Event[] = []
  const timers = new Map<string, Timer<Command>>()
  const appends: number[] = []
  let gate: Deferred.Deferred<void> | null = null
  let calls = 0
  let failCall = 0
  /** A peer that takes a seat right after a read (as if while the engine decided), unless locked. */
  let peer: { seats: string[]; onCatchUp: boolean } | null = null
  let locked = false
  const read = <E, C>(after: number, catchingUp: boolean) => {
    const loaded = {
      version: events.length,
      events: events.slice(after) as unknown as E[],
      timers: [...timers.values()] as unknown as Timer<C>[],
    }
    const seat = !locked && (!catchingUp || peer?.onCatchUp) ? peer?.seats.shift() : undefined
    if (seat !== undefined) events.push({ _tag: "Taken", seat, by: "peer", until: null })
    return loaded
  }
  const loadAfter = <E, C>(_: string, after: number) => Effect.sync(() => read<E, C>(after, true))
  const port: Store["Service"] = {
    load: <E, C>() => Effect.sync(() => read<E, C>(0, false)),
    version: () => Effect.sync(() => events.length),
    append: <E, C>(_: string, expected: number, appended: readonly E[], changes: readonly TimerChange<C>[]) =>
      Effect.gen(function* () {
        if (gate !== null) yield* Deferred.await(gate)
        calls += 1
        if (calls === failCall) return yield* new StoreUnavailable({ message: "disk full" })
        if (expected !== events.length) {
          return yield* new VersionConflict({ stream: "seats", expected, actual: events.length })
        }
        appends.push(appended.length)
        events.push(...(appended as unknown as Event[]))
        for (const c of changes as unknown as TimerChange<Command>[]) {
          if (c._tag === "Arm") timers.set(c.timer.timerId, c.timer)
          else timers.delete(c.timerId)
        }
        return events.length
      }),
  }
  const shared: SharedStore["Service"] = { loadAfter, append: port.append }
  /** The same with a write lock: the peer cannot commit while it is held. */
  const lockable: SharedStore["Service"] = {
    ...shared,
    exclusive: (body) =>
      Effect.acquireUseRelease(
        Effect.sync(() => {
          locked = true
        }),
        () => body(shared),
        () =>
          Effect.sync(() => {
            locked = false
          }),
      ),
  }
  return {
    port,
    shared,
    lockable,
    /** A peer that writes after each of the engine's next reads: reloads, and catch-ups if told. */
    peerWrites: (seats: readonly string[], onCatchUp: boolean) => {
      peer = { seats: [...seats], onCatchUp }
    },
    events,
    timers,
    appends,
    /** Hold appends until the returned effect opens the gate. */
    hold: Effect.map(Deferred.make<void>(), (d) => {
      gate = d
      return Effect.sync(() => {
        gate = null
      }).pipe(Effect.andThen(Deferred.succeed(d, undefined)))
    }),
    /** Make the n-th append from now fail. */
    failAppend: (n: number) => {
      failCall = calls + n
    },
  }
}

/** A clock that stands still; `fire` plays a timer coming due. */
const testClock = () => {
  const handlers: ((timerId: string) => Effect.Effect<void>)[] = []
  const armed = new Map<string, number>()
  const port: Clock["Service"] = {
    now: Effect.succeed(1_000),
    arm: (id, at) => Effect.sync(() => void armed.set(id, at)),
    disarm: (id) => Effect.sync(() => void armed.delete(id)),
    onDue: (h) => Effect.sync(() => void handlers.push(h)),
  }
  const fire = (id: string) => Effect.forEach(handlers, (h) => h(id), { discard: true })
  return { port, armed, fire }
}

const ports = (
  store: Store["Service"],
  clock: Clock["Service"],
  grouping?: GroupCommit["Service"],
  shared?: SharedStore["Service"],
) =>
  Layer.mergeAll(
    Layer.succeed(Store, store),
    Layer.succeed(Clock, clock),
    grouping === undefined ? Layer.empty : Layer.succeed(GroupCommit, grouping),
    shared === undefined ? Layer.empty : Layer.succeed(SharedStore, shared),
  )

const engineOn = (...on: Parameters<typeof ports>) => makeEngine(seats).pipe(Effect.provide(ports(...on)))
const replyingEngineOn = (...on: Parameters<typeof ports>) =>
  makeEngine(replyingSeats).pipe(Effect.provide(ports(...on)))

const take = (seat: string, by: string): Command => ({ _tag: "Take", seat, by })

/** Let every forked fiber run up to where it waits. */
const settle = Effect.repeat(Effect.yieldNow, { times: 20 })

describe("engine: group commit", () => {
  it.effect("N1 commands arriving during a write are decided in order and stored in one append", () =>
    Effect.gen(function* () {
      const store = testStore()
      const engine = yield* engineOn(store.port, testClock().port)
      const open = yield* store.hold
      const first = yield* Effect.forkChild(engine.execute(take("1A", "ann")))
      yield* settle
      const rest = yield* Effect.forkChild(
        Effect.all(
          [take("1B", "bob"), take("1A", "cid"), take("1C", "dee")].map((c) =>
            Effect.result(engine.execute(c)),
          ),
          {
            concurrency: "unbounded",
          },
        ),
      )
      yield* settle
      // Nobody hears back while the first append is in flight.
      expect(first.pollUnsafe() ?? null).toBeNull()
      expect(rest.pollUnsafe() ?? null).toBeNull()
      yield* open
      expect(yield* Fiber.join(first)).toEqual([{ _tag: "Taken", seat: "1A", by: "ann", until: null }])
      const [b, c, d] = yield* Fiber.join(rest)
      expect(b).toEqual(Result.succeed([{ _tag: "Taken", seat: "1B", by: "bob", until: null }]))
      // Decided after ann's command, on the state it left.
      expect(c).toEqual(Result.fail("1A is taken by ann"))
      expect(d?._tag).toBe("Success")
      expect(store.appends).toEqual([1, 2])
    }),
  )

  it.effect(
    "N1 listeners hear each command's events after they are stored, with the version after them",
    () =>
      Effect.gen(function* () {
        const store = testStore()
        const engine = yield* engineOn(store.port, testClock().port)
        const heard: [string, number, number][] = []
        yield* engine.subscribe((events, version) => {
          for (const e of events) heard.push([e.seat, version, store.events.length])
        })
        const open = yield* store.hold
        const first = yield* Effect.forkChild(engine.execute(take("1A", "ann")))
        yield* settle
        const rest = yield* Effect.forkChild(
          Effect.all([take("1B", "bob"), take("1C", "cid")].map(engine.execute), {
            concurrency: "unbounded",
          }),
        )
        yield* settle
        expect(heard).toEqual([])
        yield* open
        yield* Fiber.join(first)
        yield* Fiber.join(rest)
        // Each was heard once stored (the last two in one append), with its own version.
        expect(heard).toEqual([
          ["1A", 1, 1],
          ["1B", 2, 3],
          ["1C", 3, 3],
        ])
        expect(store.appends).toEqual([1, 2])
      }),
  )

  it.effect("N2 a group that loses the race is decided again on the reloaded state", () =>
    Effect.gen(function* () {
      const store = testStore()
      const engine = yield* engineOn(store.port, testClock().port)
      // Another node takes 1A behind this engine's back.
      yield* store.port.append("seats", 0, [{ _tag: "Taken", seat: "1A", by: "other", until: null }], [])
      const results = yield* Effect.all(
        [take("1A", "ann"), take("1B", "bob")].map((c) => Effect.result(engine.execute(c))),
        { concurrency: "unbounded" },
      )
      expect(results).toEqual([
        Result.fail("1A is taken by other"),
        Result.succeed([{ _tag: "Taken", seat: "1B", by: "bob", until: null }]),
      ])
      expect(store.events.filter((e) => e.seat === "1A")).toHaveLength(1)
    }),
  )

  it.effect("a failed write fails every caller of its group and the next command starts from the store", () =>
    Effect.gen(function* () {
      const store = testStore()
      const engine = yield* engineOn(store.port, testClock().port)
      const open = yield* store.hold
      const blocker = yield* Effect.forkChild(engine.execute(take("0A", "x")))
      yield* settle
      const group = yield* Effect.forkChild(
        Effect.all(
          [take("1A", "ann"), take("1B", "bob")].map((c) => Effect.result(engine.execute(c))),
          { concurrency: "unbounded" },
        ),
      )
      yield* settle
      store.failAppend(2)
      yield* open
      yield* Fiber.join(blocker)
      const results = yield* Fiber.join(group)
      expect(results.map((r) => Result.isFailure(r) && r.failure)).toEqual([
        new StoreUnavailable({ message: "disk full" }),
        new StoreUnavailable({ message: "disk full" }),
      ])
      // The lost decisions are forgotten: 1A is free again.
      expect(yield* engine.execute(take("1A", "cid"))).toHaveLength(1)
      expect(yield* engine.read((s) => [...s.keys()].sort())).toEqual(["0A", "1A"])
      expect(store.appends).toEqual([1, 1])
    }),
  )

  it.effect("N1 a read after a failed write shows only what the store took", () =>
    Effect.gen(function* () {
      const store = testStore()
      const engine = yield* engineOn(store.port, testClock().port)
      yield* engine.execute(take("0A", "x"))
      store.failAppend(1)
      expect(yield* Effect.result(engine.execute(take("1A", "ann")))).toEqual(
        Result.fail(new StoreUnavailable({ message: "disk full" })),
      )
      expect(yield* engine.read((s) => [...s.keys()])).toEqual(["0A"])
    }),
  )

  it.effect("N1 a timer fired in a group after a command that disarmed it does nothing", () =>
    Effect.gen(function* () {
      const store = testStore()
      const clock = testClock()
      const engine = yield* engineOn(store.port, clock.port)
      yield* engine.execute({ _tag: "Hold", seat: "1A", by: "ann", until: 5_000 })
      expect([...clock.armed.keys()]).toEqual(["hold/1A"])
      const open = yield* store.hold
      const blocker = yield* Effect.forkChild(engine.execute(take("2A", "x")))
      yield* settle
      const release = yield* Effect.forkChild(engine.execute({ _tag: "Release", seat: "1A" }))
      const due = yield* Effect.forkChild(clock.fire("hold/1A"))
      yield* settle
      yield* open
      yield* Fiber.join(blocker)
      yield* Fiber.join(release)
      yield* Fiber.join(due)
      expect(store.events.filter((e) => e._tag === "Released")).toHaveLength(1)
      expect(store.timers.size).toBe(0)
      expect(clock.armed.size).toBe(0)
    }),
  )

  it.effect("N1 a timer that wakes before its due time is armed again, not spent", () =>
    Effect.gen(function* () {
      const store = testStore()
      const clock = testClock()
      const engine = yield* engineOn(store.port, clock.port)
      yield* engine.execute({ _tag: "Hold", seat: "1A", by: "ann", until: 5_000 })
      clock.armed.delete("hold/1A")
      yield* clock.fire("hold/1A") // the test clock says 1,000: too early
      expect(store.events.filter((e) => e._tag === "Released")).toHaveLength(0)
      expect(clock.armed.get("hold/1A")).toBe(5_000)
      expect(store.timers.has("hold/1A")).toBe(true)
    }),
  )

  it.effect("N1 a timer whose command is refused is consumed anyway", () =>
    Effect.gen(function* () {
      const store = testStore()
      const clock = testClock()
      yield* store.port.append(
        "seats",
        0,
        [],
        [{ _tag: "Arm", timer: { timerId: "stray", dueAt: 0, command: { _tag: "Release", seat: "9Z" } } }],
      )
      yield* engineOn(store.port, clock.port)
      yield* clock.fire("stray")
      expect(store.timers.size).toBe(0)
      expect(clock.armed.size).toBe(0)
    }),
  )

  it.effect("maxGroup 1 stores every command in its own append", () =>
    Effect.gen(function* () {
      const store = testStore()
      const engine = yield* engineOn(store.port, testClock().port, { maxGroup: 1, gather: Effect.void })
      const open = yield* store.hold
      const all = yield* Effect.forkChild(
        Effect.all([take("1A", "a"), take("1B", "b"), take("1C", "c")].map(engine.execute), {
          concurrency: "unbounded",
        }),
      )
      yield* settle
      yield* open
      yield* Fiber.join(all)
      expect(store.appends).toEqual([1, 1, 1])
    }),
  )

  it.effect("N1 commands submitted while the writer gathers join its group", () =>
    Effect.gen(function* () {
      const store = testStore()
      const gate = yield* Deferred.make<void>()
      const engine = yield* engineOn(store.port, testClock().port, {
        maxGroup: 10,
        gather: Deferred.await(gate),
      })
      const all = yield* Effect.forkChild(
        Effect.all([take("1A", "a"), take("1B", "b"), take("1C", "c")].map(engine.execute), {
          concurrency: "unbounded",
        }),
      )
      yield* settle
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(all)
      expect(store.appends).toEqual([3])
    }),
  )

  it.effect(
    "N2 a busy peer cannot starve an engine on a shared store: it catches up, then takes the lock",
    () =>
      Effect.gen(function* () {
        const peerSeats = Array.from({ length: 50 }, (_, i) => `p${i}`)
        /** An engine one event behind, whose peer writes after every read of `kind`. */
        const race = (shared: "none" | "tail" | "lock", onCatchUp: boolean) =>
          Effect.gen(function* () {
            const store = testStore()
            const capability =
              shared === "none" ? undefined : shared === "tail" ? store.shared : store.lockable
            const engine = yield* engineOn(store.port, testClock().port, undefined, capability)
            yield* store.port.append("seats", 0, [{ _tag: "Taken", seat: "x", by: "peer", until: null }], [])
            store.peerWrites(peerSeats, onCatchUp)
            const result = yield* Effect.result(engine.execute(take("1A", "ann")))
            return { result, seats: yield* engine.read((s) => [...s.keys()]) }
          })
        const gaveUp = { _tag: "StoreUnavailable", message: "gave up after 20 write conflicts" }
        const won = Result.succeed([{ _tag: "Taken", seat: "1A", by: "ann", until: null }])
        // A replay is always one write behind the peer: without the tail the engine gives up.
        expect((yield* race("none", false)).result).toEqual(Result.fail(expect.objectContaining(gaveUp)))
        // Catching up from the tail puts the second try on the store's state.
        expect(yield* race("tail", false)).toEqual({ result: won, seats: ["x", "p0", "1A"] })
        // A peer that also beats every catch-up starves it, unless it can take the write lock.
        expect((yield* race("tail", true)).result).toEqual(Result.fail(expect.objectContaining(gaveUp)))
        expect(yield* race("lock", true)).toEqual({
          result: won,
          seats: ["x", "p0", "p1", "p2", "p3", "p4", "1A"],
        })
      }),
  )
})

describe("engine: replies (issue 18, ARCHITECTURE rule 3)", () => {
  it.effect("N1 each caller of a group hears its own command's reply, decided on the state before it", () =>
    Effect.gen(function* () {
      const store = testStore()
      const engine = yield* replyingEngineOn(store.port, testClock().port)
      const open = yield* store.hold
      const first = yield* Effect.forkChild(engine.run(take("1A", "ann")))
      yield* settle
      const rest = yield* Effect.forkChild(
        Effect.all([take("1B", "bob"), take("1C", "cid")].map(engine.run), { concurrency: "unbounded" }),
      )
      yield* settle
      yield* open
      expect((yield* Fiber.join(first)).reply).toEqual({ seat: "1A", taken: 1 })
      const [b, c] = yield* Fiber.join(rest)
      expect(b).toEqual({
        events: [{ _tag: "Taken", seat: "1B", by: "bob", until: null }],
        reply: { seat: "1B", taken: 2 },
      })
      expect(c?.reply).toEqual({ seat: "1C", taken: 3 })
      expect(store.appends).toEqual([1, 2])
    }),
  )

  it.effect("N2 a decision retried after a lost race replies as retried, not as first decided", () =>
    Effect.gen(function* () {
      const store = testStore()
      const engine = yield* replyingEngineOn(store.port, testClock().port, undefined, store.shared)
      // Another node takes two seats behind this engine's back: its first decision counts one.
      yield* store.port.append("seats", 0, [{ _tag: "Taken", seat: "x", by: "peer", until: null }], [])
      yield* store.port.append("seats", 1, [{ _tag: "Taken", seat: "y", by: "peer", until: null }], [])
      const stored = yield* engine.run(take("1A", "ann"))
      expect(stored.reply).toEqual({ seat: "1A", taken: 3 })
      expect(yield* engine.read((s) => s.size)).toBe(3)
    }),
  )

  it.effect("E1 a recorded refusal is stored and heard, and its caller is answered with the error", () =>
    Effect.gen(function* () {
      const store = testStore()
      const engine = yield* replyingEngineOn(store.port, testClock().port)
      const heard: string[] = []
      yield* engine.subscribe((events) => {
        for (const e of events) heard.push(e._tag)
      })
      yield* engine.run(take("1A", "ann"))
      const refused = yield* Effect.result(engine.run(take("1A", "audit")))
      expect(refused).toEqual(Result.fail("1A is taken by ann"))
      expect(store.events.map((e) => e._tag)).toEqual(["Taken", "TurnedAway"])
      expect(heard).toEqual(["Taken", "TurnedAway"])
      // A plain refusal stores nothing, and a command without a reply answers undefined.
      expect(yield* Effect.result(engine.run(take("1A", "bob")))).toEqual(Result.fail("1A is taken by ann"))
      expect((yield* engine.run({ _tag: "Release", seat: "1A" })).reply).toBeUndefined()
      expect(store.events).toHaveLength(3)
    }),
  )
})
