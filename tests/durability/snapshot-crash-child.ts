/**
 * One life of an API node for the snapshot crash test (snapshot-crash.test.ts, issue 22): the
 * production composition (`apiLayer`: the Center engine on an embedded libSQL file, the snapshot
 * writer process writing a snapshot every few events, in chunks so small that a write takes long
 * and a kill often lands in the middle of one) under a load of calls that are offered, some
 * accepted and finished, some left to their offer's expiry timer.
 *
 * At start, before any timer may fire, it prints `start <version> <digest of the state (views,
 * items, offers, callbacks...)> <timers armed> <timers stored> <stored timers not armed>`: the parent checks the state is the log's state at
 * that version, and that every stored timer is armed again. It then prints `ack item <id>` once
 * an EnqueueItem is durable, until it is killed.
 */
import { SystemClockLive } from "@lifeline/adapters"
import { CENTER_STREAM, Center, type CenterCommand, type CenterEvent } from "@lifeline/core/center"
import { Clock, Store } from "@lifeline/core/ports"
import { Effect, Layer } from "effect"
import { apiLayer } from "../../apps/api/src/layers"
import { stateDigest } from "../snapshots/state-digest"

export interface SnapshotCrashChildConfig {
  readonly url: string
  readonly migrationsFolder: string
  /** The bundled snapshot worker (a bundle's own import.meta.url cannot find worker.ts). */
  readonly workerEntry: string
  readonly cycle: number
  readonly chunkBytes: number
}

const config = JSON.parse(process.argv[2] ?? "{}") as SnapshotCrashChildConfig
const say = (line: string) => process.stdout.write(`${line}\n`)

const QUEUE = "snap"
const REPS = Array.from({ length: 12 }, (_, i) => `s${i}`)
/** Offers left alone expire after this long: their timers come due within a life or across lives. */
const OFFER_MS = 700

/** Timers fire only once the start was checked (the gate opens), as they would a moment later. */
let openGate = () => {}
const gate = new Promise<void>((resolve) => {
  openGate = resolve
})
const GatedClockLive = Layer.effect(
  Clock,
  Effect.map(Clock, (clock) => ({
    ...clock,
    onDue: (handler: (timerId: string) => Effect.Effect<void>) =>
      clock.onDue((timerId) =>
        Effect.andThen(
          Effect.promise(() => gate),
          handler(timerId),
        ),
      ),
  })),
).pipe(Layer.provide(SystemClockLive))

const hash01 = (id: string) => {
  let h = 2166136261
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619)
  return (h >>> 0) / 4294967296
}

const setUp = Effect.gen(function* () {
  const center = yield* Center
  if ((yield* center.read((s) => s.routing.queues.has(QUEUE))) === true) return
  for (const repId of REPS)
    yield* center.execute({
      _tag: "RegisterRep",
      repId,
      name: repId,
      presenceId: "available",
      capacity: { voice: 2 },
    })
  yield* center.execute({
    _tag: "CreateQueue",
    queueId: QUEUE,
    name: "Snap",
    members: REPS,
    offerTimeoutMs: OFFER_MS,
  })
})

/** Reps accept most offers (the rest expire) and finish work after a moment. */
const reps = Effect.gen(function* () {
  const center = yield* Center
  const answered = new Set<string>()
  const step = Effect.gen(function* () {
    const todo = yield* center.read((s, now) => {
      const out: CenterCommand[] = []
      for (const o of s.routing.offers.values()) {
        if (answered.has(o.offerId)) continue
        answered.add(o.offerId)
        if (hash01(o.offerId) < 0.7) out.push({ _tag: "AcceptOffer", offerId: o.offerId, repId: o.rep.repId })
      }
      for (const item of s.routing.items.values()) {
        if (item.assignedTo !== null && now > item.acceptedAt + 200 + 400 * hash01(item.itemId))
          out.push({ _tag: "CompleteWork", itemId: item.itemId, repId: item.assignedTo.repId })
      }
      return out
    })
    for (const command of todo) yield* Effect.result(center.execute(command))
  })
  yield* Effect.forkDetach(Effect.forever(Effect.andThen(step, Effect.sleep("15 millis"))))
})

const main = Effect.gen(function* () {
  const center = yield* Center
  const store = yield* Store
  // The start, before anything runs: the state and the armed timers as loaded.
  // The version the start loaded (the audit trail that counted it left the state, issue 22).
  const version = yield* center.refresh
  const digest = yield* center.read(stateDigest)
  const armed = new Set((yield* center.pendingTimers).map((t) => t.timerId))
  const stored = (yield* store.load<CenterEvent, CenterCommand>(CENTER_STREAM)).timers
  const missing = stored.filter((t) => !armed.has(t.timerId)).length
  say(`start ${version} ${digest} ${armed.size} ${stored.length} ${missing}`)
  openGate()
  yield* setUp
  yield* reps
  say("ready")
  for (let n = 0; ; n++) {
    const itemId = `c${config.cycle}-i${n}`
    yield* center.execute({ _tag: "EnqueueItem", itemId, queueId: QUEUE })
    say(`ack item ${itemId}`)
    yield* Effect.sleep(`${5 + Math.floor(Math.random() * 15)} millis`)
  }
})

const layer = apiLayer(
  {
    db: {
      url: config.url,
      options: { migrationsFolder: config.migrationsFolder, snapshotChunkBytes: config.chunkBytes },
    },
    telephony: { _tag: "simulated" },
    mail: { _tag: "recording" },
    snapshots: { everyEvents: 60, everySeconds: 1, workerEntry: config.workerEntry },
  },
  GatedClockLive,
)

Effect.runPromise(Effect.scoped(Effect.provide(main, layer))).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  },
)
