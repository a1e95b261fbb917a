import { Effect, Queue, Semaphore } from "effect"
import { Center } from "../center/service"
import { Mailer } from "../ports/mailer"
import { Telephony } from "../ports/telephony"
import type { DeliveryOutcome } from "./commands"
import type { OutboxMessage } from "./message"

/** How many messages are in flight at once; messages of one `ref` (one call) go in order. */
export const OUTBOX_CONCURRENCY = 8

/**
 * Sends what the outbox holds (ARCHITECTURE rule 5) and records each attempt through the
 * center, so delivery state is durable and retries are durable timers. Starts with everything
 * due in the stored state (a restart resumes), then follows the appends. The message id is the
 * provider's idempotency key: a message sent just before a crash and sent again after it is
 * delivered once.
 */
export const runOutboxDispatcher = Effect.gen(function* () {
  const center = yield* Center
  const mailer = yield* Mailer
  const telephony = yield* Telephony
  const queue = yield* Queue.unbounded<string>()
  const unsubscribe = yield* center.subscribe((events) => {
    for (const e of events) {
      if (e._tag === "OutboxQueued" || e._tag === "OutboxRetryDue") Queue.offerUnsafe(queue, e.messageId)
    }
  })
  yield* Effect.addFinalizer(() => Effect.sync(unsubscribe))
  yield* Queue.offerAll(queue, yield* center.read((s) => [...s.outbox.due]))

  type Outcome = typeof DeliveryOutcome.Type
  const failed = (reason: string, retryable: boolean): Outcome => ({ _tag: "Failed", reason, retryable })
  const send = (message: OutboxMessage, key: string): Effect.Effect<Outcome> =>
    message._tag === "Email"
      ? mailer.send(message.mail, key).pipe(
          Effect.map((r): Outcome => ({ _tag: "Sent", providerId: r.id })),
          Effect.catch((e) => Effect.succeed(failed(e.reason, e.retryable))),
        )
      : telephony.perform(message.action, key).pipe(
          Effect.as<Outcome>({ _tag: "Sent", providerId: null }),
          Effect.catch((e) => Effect.succeed(failed(`${e.operation}: ${e.message}`, e.retryable))),
        )

  const deliver = (messageId: string) =>
    Effect.gen(function* () {
      const entry = yield* center.read((s) => s.outbox.entries.get(messageId))
      if (entry === undefined || entry.status !== "pending") return
      const outcome = yield* send(entry.message, messageId)
      yield* center.execute({ _tag: "RecordDelivery", messageId, outcome })
    }).pipe(Effect.catchCause((cause) => Effect.logWarning("outbox delivery not recorded", messageId, cause)))

  const slots = yield* Semaphore.make(OUTBOX_CONCURRENCY)
  const lanes = new Map<string, { lock: Semaphore.Semaphore; users: number }>()
  const inLane = (ref: string, effect: Effect.Effect<void>) =>
    Effect.suspend(() => {
      let lane = lanes.get(ref)
      if (lane === undefined) {
        lane = { lock: Semaphore.makeUnsafe(1), users: 0 }
        lanes.set(ref, lane)
      }
      lane.users += 1
      const l = lane
      return l.lock
        .withPermits(1)(effect)
        .pipe(
          Effect.ensuring(
            Effect.sync(() => {
              l.users -= 1
              if (l.users === 0) lanes.delete(ref)
            }),
          ),
        )
    })

  yield* Effect.gen(function* () {
    for (;;) {
      const messageId = yield* Queue.take(queue)
      const ref = yield* center.read((s) => s.outbox.entries.get(messageId)?.ref ?? messageId)
      yield* Effect.forkChild(inLane(ref, slots.withPermits(1)(deliver(messageId))))
    }
  }).pipe(Effect.forkScoped)
})
