import { Center } from "@lifeline/core/center"
import { Clock } from "@lifeline/core/ports"
import { Duration, Effect, Layer, Queue } from "effect"
import { Webhook } from "standardwebhooks"
import { type AttemptOutcome, type ClaimedDelivery, Webhooks } from "./store"

/** How often a node looks for due deliveries when nothing new was stored. */
export const SENDER_POLL = Duration.seconds(1)
/** An endpoint that does not answer within this is a failed attempt. */
export const SEND_TIMEOUT_MS = 10_000
/** Deliveries sent at once by one node. */
const SEND_CONCURRENCY = 5

/**
 * One attempt (SPEC I3): the message POSTed with the Standard Webhooks headers: `webhook-id` (the
 * message id, the same on every retry), `webhook-timestamp` and `webhook-signature` (HMAC-SHA256
 * with the endpoint's secret, by the `standardwebhooks` package). The timestamp is the wall clock
 * of the attempt, whatever the node's clock says: receivers check it against their own clocks
 * to refuse replays, so a sandbox node on a virtual clock still signs with real time.
 */
export const attempt = (
  delivery: ClaimedDelivery,
  fetchImpl: typeof fetch = fetch,
): Effect.Effect<AttemptOutcome> =>
  Effect.promise(async (): Promise<AttemptOutcome> => {
    const sentAt = new Date()
    try {
      const res = await fetchImpl(delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Lifeline-Webhooks/1",
          "webhook-id": delivery.messageId,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": new Webhook(delivery.secret).sign(
            delivery.messageId,
            sentAt,
            delivery.payload,
          ),
        },
        body: delivery.payload,
        redirect: "manual",
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      })
      // The body is not read beyond what frees the connection: only the status counts.
      await res.body?.cancel()
      return { status: res.status }
    } catch (error) {
      return {
        error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : "send failed",
      }
    }
  })

/** Claims what is due now, sends it, records each outcome; the number of attempts made. */
export const sendDue = (fetchImpl: typeof fetch = fetch) =>
  Effect.gen(function* () {
    const webhooks = yield* Webhooks
    const clock = yield* Clock
    // Retries count from when the attempt was claimed, not from when its answer came: the
    // schedule does not drift with a slow endpoint, nor with a clock moved during the attempt.
    const attemptAt = yield* clock.now
    const claimed = yield* webhooks.claimDue(attemptAt)
    yield* Effect.forEach(
      claimed,
      (delivery) =>
        Effect.flatMap(attempt(delivery, fetchImpl), (outcome) =>
          webhooks.settle(delivery, outcome, attemptAt),
        ),
      { concurrency: SEND_CONCURRENCY, discard: true },
    )
    return claimed.length
  })

/**
 * Every node projects new events into deliveries and sends what is due, at once after the center
 * appends and otherwise every `SENDER_POLL` of real time. What is due is read on the node's clock
 * port: on a sandbox node (a virtual clock) retries come due as its clock is advanced, and the
 * next poll sends them. A failure is logged and the next round tries again.
 */
export const WebhookSenderLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const webhooks = yield* Webhooks
    const center = yield* Center
    const clock = yield* Clock
    const nudges = yield* Queue.dropping<void>(1)
    // Listeners run inside the engine's lock: only record that there is something to send.
    const unsubscribe = yield* center.subscribe(() => {
      Queue.offerUnsafe(nudges, undefined)
    })
    yield* Effect.addFinalizer(() => Effect.sync(unsubscribe))
    const round = webhooks.catchUp.pipe(
      Effect.andThen(Effect.provideService(sendDue(), Clock, clock)),
      Effect.catch((e) => Effect.logWarning("webhooks cannot catch up or send", e.message)),
    )
    yield* Effect.race(Queue.take(nudges), Effect.sleep(SENDER_POLL)).pipe(
      Effect.andThen(round),
      Effect.forever,
      Effect.forkScoped,
    )
  }),
)
