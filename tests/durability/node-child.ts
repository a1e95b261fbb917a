/**
 * One node for the multi-node test (multi-node.test.ts): a routing engine against a shared
 * libSQL server. After "go" on stdin it fires commands that conflict with the other node's for
 * a while (same reps, same items, the same offers accepted and declined), writes
 * `ack I <itemId>` / `ack A <offerId> <itemId> <repId>` once an enqueue or an acceptance is
 * durable, and ends with `stats {...}`.
 */
import { createInterface } from "node:readline"
import { SharedStore, Store } from "@lifeline/core/ports"
import { Routing, type RoutingCommand, RoutingLive } from "@lifeline/core/routing"
import { Context, Deferred, Effect, Layer } from "effect"
// The adapters' own modules, not their index: the child's bundle stays small and starts fast.
import { SystemClockLive } from "../../packages/adapters/src/clock/system-clock"
import { groupCommitFor } from "../../packages/adapters/src/store/libsql/group-commit"
import { makeLibsqlStore } from "../../packages/adapters/src/store/libsql/libsql-store"

export interface NodeChildConfig {
  readonly url: string
  readonly migrationsFolder: string
  readonly node: string
  readonly durationMs: number
}

const config = JSON.parse(process.argv[2] ?? "{}") as NodeChildConfig
const say = (line: string) => process.stdout.write(`${line}\n`)

const REPS = ["r0", "r1", "r2", "r3", "r4", "r5"]
const stats = { commands: 0, refused: 0, unavailable: 0, conflicts: 0, locks: 0, enqueued: 0, accepted: 0 }

/** The store, counting the appends that lost the race and the turns taken with the write lock. */
const CountingStoreLive = Layer.effectContext(
  Effect.map(makeLibsqlStore(config.url, { migrationsFolder: config.migrationsFolder }), (store) => {
    const exclusive = store.exclusive
    const shared: SharedStore["Service"] = {
      loadAfter: store.loadAfter,
      append: (stream, expected, events, timers) =>
        store.append(stream, expected, events, timers).pipe(
          Effect.tapErrorTag("VersionConflict", () =>
            Effect.sync(() => {
              stats.conflicts += 1
            }),
          ),
        ),
      ...(exclusive === undefined
        ? {}
        : {
            exclusive: (body) =>
              Effect.andThen(
                Effect.sync(() => {
                  stats.locks += 1
                }),
                exclusive(body),
              ),
          }),
    }
    return Context.make(Store, { ...store, append: shared.append }).pipe(Context.add(SharedStore, shared))
  }),
)

const pick = <A>(items: readonly A[]): A | undefined => items[Math.floor(Math.random() * items.length)]

const setup: RoutingCommand[] = [
  ...REPS.map(
    (repId, i): RoutingCommand => ({
      _tag: "RegisterRep",
      repId,
      name: repId,
      presenceId: "available",
      capacity: { voice: i % 3 === 0 ? 2 : 1 },
    }),
  ),
  { _tag: "CreateQueue", queueId: "q", name: "Q", members: REPS, offerTimeoutMs: 1_000, declineLimit: 100 },
]

/** One command chosen from what this node believes (its state may be behind the other's). */
const nextCommand = (routing: Routing["Service"], n: number) =>
  routing.read((s): RoutingCommand | undefined => {
    const offers = [...s.offers.values()]
    const assigned = [...s.items.values()].filter((i) => i.assignedTo !== null)
    const roll = Math.random()
    // Both nodes go for the oldest offer most of the time: the same offer, raced.
    const offer = roll < 0.7 ? offers[0] : pick(offers)
    if (roll < 0.3 && s.items.size < 30)
      return { _tag: "EnqueueItem", itemId: `${config.node}-${n}`, queueId: "q" }
    if (roll < 0.65 && offer !== undefined)
      return { _tag: "AcceptOffer", offerId: offer.offerId, repId: offer.rep.repId }
    if (roll < 0.75 && offer !== undefined)
      return { _tag: "DeclineOffer", offerId: offer.offerId, repId: offer.rep.repId }
    const work = pick(assigned)
    if (roll < 0.92 && work?.assignedTo)
      return { _tag: "CompleteWork", itemId: work.itemId, repId: work.assignedTo.repId }
    const repId = pick(REPS) ?? "r0"
    return {
      _tag: "SetPresence",
      repId,
      presenceId: pick(["available", "available", "busy", "away"]) ?? "busy",
    }
  })

const run = (routing: Routing["Service"], command: RoutingCommand) =>
  routing.execute(command).pipe(
    Effect.tap((events) =>
      Effect.sync(() => {
        stats.commands += 1
        if (command._tag === "EnqueueItem") {
          stats.enqueued += 1
          say(`ack I ${command.itemId}`)
        }
        for (const e of events) {
          if (e._tag === "OfferAccepted" && command._tag === "AcceptOffer") {
            stats.accepted += 1
            say(`ack A ${e.offerId} ${e.itemId} ${e.repId}`)
          }
        }
      }),
    ),
    Effect.catch((error) =>
      Effect.sync(() => {
        if (error._tag !== "StoreUnavailable") stats.refused += 1
        else {
          stats.unavailable += 1
          process.stderr.write(`${command._tag}: ${error.message}\n`)
        }
      }),
    ),
  )

const main = Effect.gen(function* () {
  const routing = yield* Routing
  const go = yield* Deferred.make<void>()
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (line === "go") Deferred.doneUnsafe(go, Effect.void)
  })
  say("ready")
  yield* Deferred.await(go)
  // Both nodes set the center up at once: one of each pair of registrations is refused.
  for (const command of setup) yield* run(routing, command)
  const until = Date.now() + config.durationMs
  let n = 0
  const worker = Effect.gen(function* () {
    while (Date.now() < until) {
      const command = yield* nextCommand(routing, n++)
      if (command !== undefined) yield* run(routing, command)
      yield* Effect.sleep(`${Math.floor(Math.random() * 3)} millis`)
    }
  })
  yield* Effect.all([worker, worker, worker, worker], { concurrency: "unbounded" })
  say(`stats ${JSON.stringify(stats)}`)
})

const layers = RoutingLive.pipe(
  Layer.provideMerge(Layer.mergeAll(CountingStoreLive, groupCommitFor(config.url), SystemClockLive)),
)

Effect.runPromise(Effect.scoped(Effect.provide(main, layers))).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  },
)
