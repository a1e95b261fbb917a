/**
 * One life of an API node for the center crash test (center-crash.test.ts): the production
 * composition (`apiLayer`: the Center engine and its outbox dispatcher on an embedded libSQL
 * file, simulated telephony, the Resend mailer pointed at the parent's stand-in) on a wall clock
 * run `speed` times faster, so the outbox's 30 s retries and the 60-minute callback leases come
 * due within the test. It seeds the demo center once (empty store only), then runs a load of
 * real commands: reps dial and end emergencies (each dial queues an email per contact), new
 * reps are hired with contacts, calls arrive (as provider events, each delivered twice) and are
 * enqueued, reps accept, decline or ignore offers and finish their work. It writes
 * `ack <kind> ...` to stdout once the engine acknowledged a command (it is durable then). In
 * "load" mode it runs until it is killed; in "drain" mode it ends every emergency, answers every
 * offer, waits until the outbox has nothing left to send and exits.
 */
import {
  Center,
  type CenterCommand,
  type CenterEngine,
  type CenterEvent,
  type InboundCall,
} from "@lifeline/core/center"
import { Clock } from "@lifeline/core/ports"
import { Effect, Layer, Queue } from "effect"
import { seedDemo } from "../../apps/api/src/demo"
import { apiLayer } from "../../apps/api/src/layers"

export interface CenterCrashChildConfig {
  readonly url: string
  readonly migrationsFolder: string
  readonly resend: { readonly url: string; readonly apiKey: string }
  readonly cycle: number
  readonly mode: "load" | "drain"
  /** The fast clock: `epoch + (Date.now() - epoch) * speed`, the same in every life. */
  readonly epoch: number
  readonly speed: number
  /** Provider events acknowledged in earlier lives: the provider retries them (N2). */
  readonly redeliver: readonly (typeof InboundCall.Type)[]
}

const config = JSON.parse(process.argv[2] ?? "{}") as CenterCrashChildConfig
const say = (line: string) => process.stdout.write(`${line}\n`)

/** The queue and line this test's calls go to; its offers run out in 4 minutes. */
const CRASH_QUEUE = "crash"
const CRASH_LINE = "crash-line"
const WORKERS = ["w0", "w1", "w2", "w3"]
/** How many of the reps with contacts (the latest hired) dial and end emergencies. */
const DIALLING_REPS = 6
/** An ordinary line of ours: not a callback number, so routing (not E6) takes the calls. */
const LINE_NUMBER = "+15550177777"

/** The wall clock, `speed` times faster; a timer never wakes before its due time. */
const FastClockLive = (epoch: number, speed: number) =>
  Layer.effect(
    Clock,
    Effect.gen(function* () {
      const now = () => epoch + (Date.now() - epoch) * speed
      const handles = new Map<string, ReturnType<typeof setTimeout>>()
      const handlers: ((timerId: string) => Effect.Effect<void>)[] = []
      const due = yield* Queue.unbounded<string>()
      const disarm = (timerId: string) => {
        clearTimeout(handles.get(timerId))
        handles.delete(timerId)
      }
      const arm = (timerId: string, dueAt: number): void => {
        disarm(timerId)
        const handle = setTimeout(
          () => {
            handles.delete(timerId)
            if (now() < dueAt) arm(timerId, dueAt)
            else Queue.offerUnsafe(due, timerId)
          },
          Math.max(0, Math.ceil((dueAt - now()) / speed)),
        )
        handles.set(timerId, handle)
      }
      yield* Effect.forkScoped(
        Effect.forever(
          Effect.flatMap(Queue.take(due), (timerId) =>
            Effect.forEach(handlers, (h) => h(timerId), { discard: true }),
          ),
        ),
      )
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          for (const handle of handles.values()) clearTimeout(handle)
        }),
      )
      return {
        now: Effect.sync(now),
        arm: (timerId: string, dueAt: number) => Effect.sync(() => arm(timerId, dueAt)),
        disarm: (timerId: string) => Effect.sync(() => disarm(timerId)),
        onDue: (handler: (timerId: string) => Effect.Effect<void>) =>
          Effect.sync(() => void handlers.push(handler)),
      }
    }),
  )

/** A stable pseudo-random number in [0, 1) for an id, so every life treats an offer alike. */
const hash01 = (id: string) => {
  let h = 2166136261
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619)
  return (h >>> 0) / 4294967296
}
const pick = <A>(items: readonly A[]): A | undefined => items[Math.floor(Math.random() * items.length)]
const pause = (min: number, spread: number) =>
  Effect.sleep(`${min + Math.floor(Math.random() * spread)} millis`)

/** The demo (once: only an empty store is seeded), a queue with short offers and its line. */
const setUp = (center: CenterEngine) =>
  Effect.gen(function* () {
    if ((yield* center.read((s) => s.routing.reps.size)) > 0) return
    yield* seedDemo
    for (const [i, repId] of WORKERS.entries()) {
      yield* center.execute({
        _tag: "RegisterRep",
        repId,
        name: `Worker ${repId}`,
        presenceId: "available",
        capacity: { voice: 1 + (i % 2) },
      })
    }
    yield* center.execute({
      _tag: "CreateQueue",
      queueId: CRASH_QUEUE,
      name: "Crash",
      members: WORKERS,
      offerTimeoutMs: 240_000,
      declineLimit: 100,
    })
    yield* center.execute({
      _tag: "DefineWorkstream",
      workstreamId: CRASH_LINE,
      name: "Crash line",
      rules: [],
      fallbackQueueId: CRASH_QUEUE,
    })
  })

const sessionOf = (events: readonly CenterEvent[]) =>
  events.flatMap((e) => (e._tag === "EmergencyDialled" ? [e.sessionId] : []))[0]
const emailsIn = (events: readonly CenterEvent[]) =>
  events.filter((e) => e._tag === "OutboxQueued" && e.message._tag === "Email").length

/** A provider event, acknowledged once the engine stored it (or found it a repeat). */
const deliverCall = (center: CenterEngine, call: typeof InboundCall.Type, kind: string) =>
  Effect.map(center.execute(call), (events) =>
    say(`ack ${kind} ${call.callId} ${call.eventId} ${events.length}`),
  )

/** Reps answer offers and finish their work; in drain mode they accept and finish at once. */
const reps = (center: CenterEngine, drain: boolean) =>
  Effect.gen(function* () {
    const answered = new Set<string>()
    const step = Effect.gen(function* () {
      const todo = yield* center.read((s, now) => {
        const out: CenterCommand[] = []
        for (const o of s.routing.offers.values()) {
          if (answered.has(o.offerId)) continue
          answered.add(o.offerId)
          const roll = hash01(o.offerId)
          if (drain || roll < 0.6) out.push({ _tag: "AcceptOffer", offerId: o.offerId, repId: o.rep.repId })
          else if (roll < 0.8) out.push({ _tag: "DeclineOffer", offerId: o.offerId, repId: o.rep.repId })
          // else: left to its expiry timer.
        }
        for (const item of s.routing.items.values()) {
          const rep = item.assignedTo
          // Work takes 1 to 4 minutes.
          if (rep === null || (!drain && now < item.acceptedAt + 60_000 + 180_000 * hash01(item.itemId)))
            continue
          out.push({ _tag: "CompleteWork", itemId: item.itemId, repId: rep.repId })
        }
        if (drain) {
          for (const session of s.emergency.activeByRep.values()) {
            out.push({ _tag: "EndEmergency", repId: session.repId, sessionId: session.sessionId })
          }
        }
        return out
      })
      for (const command of todo) {
        const done = yield* Effect.result(center.execute(command))
        if (command._tag === "EndEmergency" && done._tag === "Success" && command.sessionId !== undefined) {
          say(`ack end ${command.sessionId}`)
        }
      }
    })
    yield* Effect.forkDetach(Effect.forever(Effect.andThen(step, Effect.sleep("10 millis"))))
  })

/** E1, E9, E10: a rep with contacts dials 911 (one email per contact) or ends the call. */
const dialer = (center: CenterEngine) =>
  Effect.forever(
    Effect.gen(function* () {
      const choice = yield* center.read((s) => {
        // The latest reps dial: earlier ones stop, so their leases run out (E5's durable timer).
        const repId = pick([...s.emergency.contacts.keys()].slice(-DIALLING_REPS))
        return repId === undefined
          ? undefined
          : { repId, active: s.emergency.activeByRep.get(repId)?.sessionId }
      })
      if (choice !== undefined) {
        const { repId, active } = choice
        if (active !== undefined) {
          const ended = yield* Effect.result(
            center.execute({ _tag: "EndEmergency", repId, sessionId: active }),
          )
          if (ended._tag === "Success") say(`ack end ${active}`)
        } else {
          const dialled = yield* Effect.result(
            center.execute({ _tag: "DialEmergency", repId, dialString: "911", location: { region: "US" } }),
          )
          if (dialled._tag === "Success") {
            const sessionId = sessionOf(dialled.success)
            if (sessionId !== undefined) say(`ack dial ${repId} ${sessionId} ${emailsIn(dialled.success)}`)
          }
        }
      }
      yield* pause(5, 30)
    }),
  )

/** New reps with one to three emergency contacts, members of the crash queue. */
const hirer = Effect.gen(function* () {
  const center = yield* Center
  for (let n = 0; ; n++) {
    const repId = `h${config.cycle}-${n}`
    yield* center.execute({
      _tag: "RegisterRep",
      repId,
      name: `Hire ${repId}`,
      presenceId: "available",
      capacity: { voice: 1 },
    })
    say(`ack hire ${repId}`)
    const contacts = Array.from({ length: 1 + (n % 3) }, (_, i) => `${repId}.c${i}@example.com`)
    yield* center.execute({ _tag: "SetEmergencyContacts", repId, contacts: contacts.join("; ") })
    say(`ack contacts ${repId} ${contacts.length}`)
    yield* center.execute({ _tag: "AddQueueMember", queueId: CRASH_QUEUE, repId })
    say(`ack member ${repId}`)
    yield* pause(40, 80)
  }
})

const load = (center: CenterEngine) =>
  Effect.gen(function* () {
    const caller = Effect.gen(function* () {
      for (let n = 0; ; n++) {
        const itemId = `c${config.cycle}-i${n}`
        yield* center.execute({ _tag: "EnqueueItem", itemId, queueId: CRASH_QUEUE })
        say(`ack item ${itemId}`)
        yield* pause(10, 20)
      }
    })
    // Calls from the provider; each event comes twice, as providers retry (N2).
    const phone = Effect.gen(function* () {
      for (let n = 0; ; n++) {
        const call: typeof InboundCall.Type = {
          _tag: "InboundCall",
          callId: `c${config.cycle}-call${n}`,
          eventId: `c${config.cycle}-ev${n}`,
          from: "+15550200000",
          to: LINE_NUMBER,
          workstreamId: CRASH_LINE,
        }
        yield* deliverCall(center, call, "call")
        yield* deliverCall(center, call, "redelivered")
        yield* pause(20, 40)
      }
    })
    yield* Effect.all([caller, phone, hirer, dialer(center), dialer(center)], { concurrency: "unbounded" })
  })

/** Nothing left to do: no emergency up, no offer open, no work held, nothing to send or retry. */
const drained = (center: CenterEngine) =>
  Effect.gen(function* () {
    const clock = yield* Clock
    for (let round = 1; ; round++) {
      const now = yield* clock.now
      const left = yield* center.read((s) => ({
        emergencies: s.emergency.activeByRep.size,
        offers: s.routing.offers.size,
        work: [...s.routing.items.values()].filter(
          (i) => i.status === "assigned" || i.queue.config.queueId === CRASH_QUEUE,
        ).length,
        unsent: [...s.outbox.entries.values()].filter(
          (e) => e.status === "pending" || e.status === "retrying",
        ).length,
      }))
      const overdue = (yield* center.pendingTimers).filter((t) => t.dueAt <= now).length
      if (Object.values(left).every((n) => n === 0) && overdue === 0) return now
      // Why it is not done yet, for the parent to show if it never is.
      if (round % 50 === 0) say(`waiting ${JSON.stringify({ ...left, overdue })}`)
      yield* Effect.sleep("20 millis")
    }
  })

const main = Effect.gen(function* () {
  const center = yield* Center
  yield* setUp(center)
  for (const call of config.redeliver) yield* deliverCall(center, call, "redelivered")
  yield* reps(center, config.mode === "drain")
  say("ready")
  if (config.mode === "load") return yield* load(center)
  say(`drained ${yield* drained(center)}`)
})

const layer = apiLayer(
  {
    db: { url: config.url, options: { migrationsFolder: config.migrationsFolder } },
    telephony: { _tag: "simulated" },
    mail: {
      _tag: "resend",
      config: {
        apiKey: config.resend.apiKey,
        from: "Lifeline <alerts@lifeline.example>",
        baseUrl: config.resend.url,
      },
    },
  },
  FastClockLive(config.epoch, config.speed),
)

Effect.runPromise(Effect.scoped(Effect.provide(main, layer))).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  },
)
