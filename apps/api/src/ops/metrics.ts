import type { CenterEvent, CenterState } from "@lifeline/core/center"
import { queueView } from "@lifeline/core/routing"
import type { MiddlewareHandler } from "hono"
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client"
import { routeOf } from "./log"

/** Reads the center's state (the API's `readView` run on its runtime). */
export type StateReader = <A>(reader: (state: CenterState, now: number) => A) => Promise<A>

/** What the gauges read at each scrape: live numbers, never a dialled party (E8, N4). */
interface Snapshot {
  readonly queues: readonly {
    readonly queueId: string
    readonly waiting: number
    readonly ewtMs: number | null
  }[]
  readonly emergenciesActive: number
  readonly outboxBacklog: number
}

const snapshot = (state: CenterState): Snapshot => ({
  queues: [...state.routing.queues.keys()].flatMap((q) => {
    const view = queueView(state.routing, q)
    return view === undefined ? [] : [{ queueId: q, waiting: view.waiting, ewtMs: view.ewtMs }]
  }),
  emergenciesActive: state.emergency.activeByRep.size,
  outboxBacklog: [...state.outbox.entries.values()].filter(
    (e) => e.status === "pending" || e.status === "retrying",
  ).length,
})

const OFFER_OUTCOMES = {
  OfferAccepted: "accepted",
  OfferDeclined: "declined",
  OfferExpired: "expired",
  OfferWithdrawn: "withdrawn",
} as const

/**
 * Prometheus metrics (`/metrics`): gauges read the state at each scrape, counters move with the
 * appended events (so every node counts what it stored or caught up with), request latency by
 * route pattern (never by the raw path: ids would explode the series).
 */
export const makeMetrics = (read: StateReader) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: "lifeline_process_" })
  let current: Promise<Snapshot> | undefined
  // One state read per scrape, shared by the gauges that scrape asks.
  const latest = () => {
    current ??= read(snapshot).finally(() => {
      setTimeout(() => {
        current = undefined
      }, 0)
    })
    return current
  }
  const registers = [registry]
  new Gauge({
    name: "lifeline_queue_waiting",
    help: "Work items waiting in the queue (R3)",
    labelNames: ["queue"],
    registers,
    async collect() {
      this.reset()
      for (const q of (await latest()).queues) this.set({ queue: q.queueId }, q.waiting)
    },
  })
  new Gauge({
    name: "lifeline_queue_ewt_seconds",
    help: "Estimated wait time for the next arrival in the queue (R5)",
    labelNames: ["queue"],
    registers,
    async collect() {
      this.reset()
      // No EWT while nobody is staffed: the series is absent rather than a made-up number.
      for (const q of (await latest()).queues)
        if (q.ewtMs !== null) this.set({ queue: q.queueId }, q.ewtMs / 1000)
    },
  })
  new Gauge({
    name: "lifeline_emergency_calls_active",
    help: "Emergency calls up now (a count only: E8, N4)",
    registers,
    async collect() {
      this.set((await latest()).emergenciesActive)
    },
  })
  new Gauge({
    name: "lifeline_outbox_backlog",
    help: "Outbox messages not yet delivered (pending or waiting for a retry)",
    registers,
    async collect() {
      this.set((await latest()).outboxBacklog)
    },
  })
  const offers = new Counter({
    name: "lifeline_offers_total",
    help: "Offers made to reps and their outcomes (R4), by queue",
    labelNames: ["queue", "outcome"],
    registers,
  })
  const callbacks = new Counter({
    name: "lifeline_callbacks_total",
    help: "Callbacks requested and closed, by queue and outcome (C1-C8): requested, served, expired, ...",
    labelNames: ["queue", "outcome"],
    registers,
  })
  const deliveries = new Counter({
    name: "lifeline_outbox_deliveries_total",
    help: "Outbox delivery attempts by result (B6)",
    labelNames: ["result"],
    registers,
  })
  const emergencies = new Counter({
    name: "lifeline_emergency_calls_total",
    help: "Emergency calls started and ended (a count only)",
    labelNames: ["event"],
    registers,
  })
  const latency = new Histogram({
    name: "lifeline_http_request_duration_seconds",
    help: "HTTP request latency by method, route pattern and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  })

  // The queue of each item and callback, kept from the events (offers and closes carry only ids).
  const itemQueue = new Map<string, string>()
  const callbackQueue = new Map<string, string>()
  const count = (e: CenterEvent) => {
    switch (e._tag) {
      case "ItemQueued":
        itemQueue.set(e.itemId, e.queueId)
        break
      case "ItemTransferred":
        itemQueue.set(e.itemId, e.toQueueId)
        break
      case "WorkCompleted":
      case "ItemAbandoned":
      case "ItemClosed":
        itemQueue.delete(e.itemId)
        break
      case "OfferMade":
        offers.inc({ queue: itemQueue.get(e.itemId) ?? "unknown", outcome: "made" })
        break
      case "OfferAccepted":
      case "OfferDeclined":
      case "OfferExpired":
      case "OfferWithdrawn":
        offers.inc({ queue: itemQueue.get(e.itemId) ?? "unknown", outcome: OFFER_OUTCOMES[e._tag] })
        break
      case "CallbackRequested":
        callbackQueue.set(e.callbackId, e.queueId)
        callbacks.inc({ queue: e.queueId, outcome: "requested" })
        break
      case "CallbackClosed":
        callbacks.inc({ queue: callbackQueue.get(e.callbackId) ?? "unknown", outcome: e.reason })
        callbackQueue.delete(e.callbackId)
        break
      case "OutboxSent":
        deliveries.inc({ result: "sent" })
        break
      case "OutboxFailed":
        deliveries.inc({ result: e.retryAt === null ? "failed" : "retrying" })
        break
      case "EmergencyDialled":
        emergencies.inc({ event: "started" })
        break
      case "EmergencyEnded":
        emergencies.inc({ event: "ended" })
        break
    }
  }

  const observe: MiddlewareHandler = async (c, next) => {
    const end = latency.startTimer()
    await next()
    end({ method: c.req.method, route: routeOf(c), status: String(c.res.status) })
  }

  return {
    /** Count what the center appended (the live hub's batches). */
    count: (events: readonly CenterEvent[]) => {
      for (const e of events) count(e)
    },
    /** Times every request, by the route pattern that answered it. */
    observe,
    /** The text exposition, for `/metrics`. */
    scrape: async () =>
      new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } }),
  }
}

export type Metrics = ReturnType<typeof makeMetrics>
