/**
 * One life of a node for the crash test (crash.test.ts), on an embedded file and the system
 * clock: a ledger engine whose commands queue outbox messages and arm timers, a dispatcher that
 * sends those messages to a "provider" (a file of idempotency keys), and a routing engine whose
 * offers are accepted, declined or left to expire. It writes `ack <kind> <id>` to stdout once a
 * command is durable. In "load" mode it runs until it is killed; in "drain" mode it finishes
 * the work left behind and exits.
 */
import { appendFileSync } from "node:fs"
import { type Engine, makeEngine } from "@lifeline/core/engine"
import { Clock } from "@lifeline/core/ports"
import { Routing, type RoutingCommand, RoutingLive } from "@lifeline/core/routing"
import { Effect, Layer, Queue } from "effect"
// The adapters' own modules, not their index: the child's bundle stays small and starts fast.
import { SystemClockLive } from "../../packages/adapters/src/clock/system-clock"
import { LibsqlStoreLive } from "../../packages/adapters/src/store/libsql/libsql-store"
import { type LedgerCommand, type LedgerEvent, type LedgerState, ledgerDomain } from "./ledger"

export interface CrashChildConfig {
  readonly url: string
  readonly migrationsFolder: string
  readonly providerLog: string
  readonly cycle: number
  readonly mode: "load" | "drain"
}

const config = JSON.parse(process.argv[2] ?? "{}") as CrashChildConfig
const say = (line: string) => process.stdout.write(`${line}\n`)
type Ledger = Engine<LedgerState, LedgerCommand, LedgerEvent, string>

const REPS = ["ann", "bob", "cid", "dee"]

/** Sends every queued message once per life, then records it; restarts resend what was not recorded. */
const dispatcher = (ledger: Ledger) =>
  Effect.gen(function* () {
    const due = yield* Queue.unbounded<string>()
    yield* ledger.subscribe((events) => {
      for (const e of events) if (e._tag === "MessageQueued") Queue.offerUnsafe(due, e.messageId)
    })
    yield* Queue.offerAll(due, yield* ledger.read((s) => [...s.unsent]))
    const deliver = (messageId: string) =>
      Effect.gen(function* () {
        if (!(yield* ledger.read((s) => s.unsent.has(messageId)))) return
        // The provider: it keeps what it receives; the message id is the idempotency key.
        appendFileSync(config.providerLog, `${messageId}\n`)
        yield* ledger.execute({ _tag: "MarkSent", messageId })
      })
    yield* Effect.forkDetach(
      Effect.forever(Effect.flatMap(Queue.take(due), (id) => Effect.ignore(deliver(id)))),
    )
  })

const setupRouting = (routing: Routing["Service"]) =>
  Effect.gen(function* () {
    if ((yield* routing.read((s) => s.queues.size)) > 0) return
    for (const [i, repId] of REPS.entries()) {
      yield* routing.execute({
        _tag: "RegisterRep",
        repId,
        name: repId,
        presenceId: "available",
        capacity: { voice: i % 2 === 0 ? 1 : 2 },
      })
    }
    yield* routing.execute({
      _tag: "CreateQueue",
      queueId: "q",
      name: "Q",
      members: REPS,
      offerTimeoutMs: 1_000,
      declineLimit: 1_000,
    })
  })

/** A stable pseudo-random number in [0, 1) for an id, so a restarted node treats an offer alike. */
const hash01 = (id: string) => {
  let h = 2166136261
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619)
  return (h >>> 0) / 4294967296
}

/** Reps answer offers and finish their work; in drain mode they accept and finish at once. */
const reps = (routing: Routing["Service"], drain: boolean) =>
  Effect.gen(function* () {
    const clock = yield* Clock
    const answered = new Set<string>()
    const step = Effect.gen(function* () {
      const now = yield* clock.now
      const todo = yield* routing.read((s) => {
        const out: RoutingCommand[] = []
        for (const o of s.offers.values()) {
          if (answered.has(o.offerId)) continue
          answered.add(o.offerId)
          const roll = hash01(o.offerId)
          if (drain || roll < 0.6) out.push({ _tag: "AcceptOffer", offerId: o.offerId, repId: o.rep.repId })
          else if (roll < 0.8) out.push({ _tag: "DeclineOffer", offerId: o.offerId, repId: o.rep.repId })
        }
        for (const item of s.items.values()) {
          const rep = item.assignedTo
          if (rep === null || (!drain && now < item.acceptedAt + 50 + 300 * hash01(item.itemId))) continue
          out.push({ _tag: "CompleteWork", itemId: item.itemId, repId: rep.repId })
        }
        return out
      })
      for (const command of todo) yield* Effect.ignore(routing.execute(command))
    })
    yield* Effect.forkDetach(Effect.forever(Effect.andThen(step, Effect.sleep("10 millis"))))
  })

const load = (ledger: Ledger, routing: Routing["Service"]) =>
  Effect.gen(function* () {
    const clock = yield* Clock
    const depositor = (fiber: number) =>
      Effect.gen(function* () {
        for (let n = 0; ; n++) {
          const id = `${config.cycle}-${fiber}-${n}`
          const remindAt = (yield* clock.now) + Math.floor(Math.random() * 400)
          yield* ledger.execute({ _tag: "Deposit", id, remindAt })
          say(`ack D ${id}`)
          yield* Effect.sleep(`${1 + Math.floor(Math.random() * 4)} millis`)
        }
      })
    const caller = Effect.gen(function* () {
      for (let n = 0; ; n++) {
        const itemId = `${config.cycle}-i${n}`
        yield* routing.execute({ _tag: "EnqueueItem", itemId, queueId: "q" })
        say(`ack I ${itemId}`)
        yield* Effect.sleep("15 millis")
      }
    })
    yield* Effect.all([caller, ...[0, 1, 2, 3].map(depositor)], { concurrency: "unbounded" })
  })

/** Wait until every timer has fired, every message is sent and every call is finished. */
const drained = (ledger: Ledger, routing: Routing["Service"]) =>
  Effect.gen(function* () {
    for (;;) {
      const ledgerDone =
        (yield* ledger.pendingTimers).length === 0 && (yield* ledger.read((s) => s.unsent.size === 0))
      const routingDone = yield* routing.read(
        (s) => s.offers.size === 0 && [...s.items.values()].every((i) => i.status === "escalated"),
      )
      if (ledgerDone && routingDone && (yield* routing.pendingTimers).length === 0) return
      yield* Effect.sleep("20 millis")
    }
  })

const main = Effect.gen(function* () {
  const ledger = yield* makeEngine(ledgerDomain)
  const routing = yield* Routing
  yield* dispatcher(ledger)
  yield* setupRouting(routing)
  yield* reps(routing, config.mode === "drain")
  say("ready")
  if (config.mode === "load") return yield* load(ledger, routing)
  yield* drained(ledger, routing)
  say("drained")
})

const layers = RoutingLive.pipe(
  Layer.provideMerge(
    Layer.merge(LibsqlStoreLive(config.url, { migrationsFolder: config.migrationsFolder }), SystemClockLive),
  ),
)

Effect.runPromise(Effect.scoped(Effect.provide(main, layers))).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  },
)
