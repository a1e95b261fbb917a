import { VirtualClock } from "@lifeline/adapters"
import { CALLBACK_LIFETIME_MS } from "@lifeline/core/callback"
import { CENTER_STREAM, Center, type CenterCommand, type CenterEvent } from "@lifeline/core/center"
import type { HistoryRecord } from "@lifeline/core/history"
import { Store } from "@lifeline/core/ports"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type ApiHarness, apiHarness, KEYS, T0 } from "../test-kit"

/**
 * Issue 22: GET /api/history says how each callback really ended (C1, C4–C8, B1, B3). Commands go
 * through the API; what the voice provider reports (answered, failed, a key pressed) goes to the
 * center as the provider webhooks hand it over.
 */
let h: ApiHarness
beforeEach(async () => {
  h = await apiHarness()
  // A callback queue staffed by dan alone (offline until a test signs him in).
  await ok(h.request(KEYS.admin, "DELETE", "/api/queues/support/members/dan"))
  await ok(
    h.request(KEYS.admin, "POST", "/api/queues", { queueId: "cbq", name: "Callbacks", members: ["dan"] }),
  )
})
afterEach(() => h.dispose())

const CUSTOMER = "+15557650042"
const HOUR = 60 * 60_000
const LINE = "+15550107777"

const ok = async (response: Response | Promise<Response>) => {
  const res = await response
  if (res.status >= 300) throw new Error(`${res.status} ${await res.text()}`)
  return res
}
let providerEvents = 0
const provider = (command: Record<string, unknown> & { _tag: string }) =>
  h.runtime.runPromise(
    Effect.flatMap(Center, (c) =>
      c.execute({ eventId: `pe-${++providerEvents}`, ...command } as CenterCommand),
    ),
  )
const advance = (ms: number) => h.runtime.runPromise(Effect.flatMap(VirtualClock, (c) => c.advanceBy(ms)))

const record = async (itemId: string) => {
  const res = await ok(h.request(KEYS.admin, "GET", "/api/history?limit=1000"))
  return ((await res.json()) as HistoryRecord[]).find((r) => r.itemId === itemId)
}

const requestCallback = (callbackId: string) =>
  ok(h.request(KEYS.integrator, "POST", "/api/callbacks", { callbackId, number: CUSTOMER, queueId: "cbq" }))

/** A line (workstream ws-cb) into cbq, whose waiting calls meet these overflow rules. */
const callbackLine = async (rules: readonly unknown[]) => {
  await ok(
    h.request(KEYS.admin, "POST", "/api/workstreams", {
      workstreamId: "ws-cb",
      name: "Callback line",
      rules: [],
      fallbackQueueId: "cbq",
    }),
  )
  await ok(h.request(KEYS.admin, "PUT", "/api/queues/cbq/overflow", { rules }))
}

/** C3: a caller waiting longer than 30 s (cbq is unstaffed: always) is offered a callback. */
const OFFER_CALLBACK = {
  condition: { _tag: "EstimatedWaitAbove", ms: 30_000 },
  action: { _tag: "DirectCallback" },
} as const

/** dan signs in, is offered the callback and accepts it: the customer is dialled (attempt n). */
const danAccepts = async (callbackId: string) => {
  await ok(h.request(KEYS.dan, "PUT", "/api/reps/dan/presence", { presenceId: "available" }))
  await danTakesOffer(callbackId)
}

/** dan (already available) accepts the offer of the callback. */
const danTakesOffer = async (callbackId: string) => {
  const offers = (await (await ok(h.request(KEYS.dan, "GET", "/api/reps/dan/offers"))).json()) as {
    offerId: string
    itemId: string
  }[]
  const offer = offers.find((o) => o.itemId === callbackId)
  expect(offer, `an offer of ${callbackId} to dan`).toBeDefined()
  await ok(h.request(KEYS.dan, "POST", `/api/offers/${encodeURIComponent(offer?.offerId ?? "")}/accept`))
}

describe("issue 22: how each callback ended, over the API", () => {
  it("C6 served: dialled, answered, completed by dan", async () => {
    await requestCallback("cb-served")
    await danAccepts("cb-served")
    await provider({ _tag: "CallAnswered", callId: "cb-served~dial~1" })
    await advance(120_000)
    await ok(h.request(KEYS.dan, "POST", "/api/items/cb-served/complete"))
    expect(await record("cb-served")).toMatchObject({
      kind: "callback",
      outcome: "served",
      endReason: "served",
      repId: "dan",
      attempts: 0,
      handleMs: 120_000,
    })
  })

  it("B1 closed after its failed attempts: unreachable, attempts counted, no rep, not answered", async () => {
    await ok(
      h.request(KEYS.admin, "PUT", "/api/queues/cbq/overflow", {
        rules: [],
        retry: { delayMs: 60_000, maxAttempts: 2 },
      }),
    )
    await requestCallback("cb-gone")
    await danAccepts("cb-gone")
    await provider({ _tag: "CallFailed", callId: "cb-gone~dial~1", reason: "busy" })
    expect(await record("cb-gone")).toMatchObject({ outcome: "held", attempts: 1, repId: null })
    await advance(60_000)
    const offers = (await (await ok(h.request(KEYS.dan, "GET", "/api/reps/dan/offers"))).json()) as {
      offerId: string
    }[]
    await ok(
      h.request(KEYS.dan, "POST", `/api/offers/${encodeURIComponent(offers[0]?.offerId ?? "")}/accept`),
    )
    await provider({ _tag: "CallFailed", callId: "cb-gone~dial~2", reason: "no answer" })
    expect(await record("cb-gone")).toMatchObject({
      kind: "callback",
      outcome: "unreachable",
      endReason: "unreachable",
      attempts: 2,
      repId: null,
      answeredAt: null,
    })
  })

  it("C8 never served: expired after 7 days", async () => {
    await requestCallback("cb-old")
    expect(await record("cb-old")).toMatchObject({ kind: "callback", outcome: "waiting" })
    await advance(CALLBACK_LIFETIME_MS)
    expect(await record("cb-old")).toMatchObject({ outcome: "expired", endReason: "expired" })
  })

  it("I2 a closed callback still reads at /api/callbacks/{id}, with how it ended", async () => {
    await requestCallback("cb-read")
    const open = await ok(h.request(KEYS.integrator, "GET", "/api/callbacks/cb-read"))
    expect(await open.json()).toMatchObject({ callbackId: "cb-read", status: "queued" })
    await advance(CALLBACK_LIFETIME_MS)
    const closed = await ok(h.request(KEYS.integrator, "GET", "/api/callbacks/cb-read"))
    expect(await closed.json()).toEqual({
      callbackId: "cb-read",
      // History keeps the caller's number of a call that became a callback, not of one requested
      // over the API (`from` is null there): the number is then not known after closure.
      number: null,
      queueId: "cbq",
      status: "closed",
      outcome: "expired",
      endReason: "expired",
      attempts: 0,
      requestedAt: expect.any(Number),
      answeredAt: null,
      endedAt: expect.any(Number),
      repId: null,
    })
    expect((await h.request(KEYS.integrator, "GET", "/api/callbacks/cb-never")).status).toBe(404)
  })

  it("C8 completed by the rep without a connection: cancelled", async () => {
    await requestCallback("cb-cancel")
    await danAccepts("cb-cancel")
    await ok(h.request(KEYS.dan, "POST", "/api/items/cb-cancel/complete"))
    expect(await record("cb-cancel")).toMatchObject({ outcome: "cancelled", endReason: "cancelled" })
  })

  it("C4 B3 a caller who pressed 1 while a callback to their number was pending: joined, naming it", async () => {
    await callbackLine([OFFER_CALLBACK])
    await requestCallback("cb-first")
    await provider({
      _tag: "InboundCall",
      callId: "call-again",
      from: CUSTOMER,
      to: LINE,
      workstreamId: "ws-cb",
    })
    await advance(30_000)
    await provider({ _tag: "DigitCollected", callId: "call-again", digit: "1" })
    expect(await record("call-again")).toMatchObject({
      kind: "call",
      outcome: "joined",
      endReason: "joined",
      joinedInto: "cb-first",
    })
    expect(await record("cb-first")).toMatchObject({ kind: "callback", outcome: "waiting" })
  })

  it("C1 a call transferred by an overflow rule is in the queue it went to, and says where from", async () => {
    await callbackLine([
      {
        condition: { _tag: "OwnWaitAbove", ms: 60_000 },
        action: { _tag: "TransferToQueue", queueId: "sales" },
      },
    ])
    await provider({
      _tag: "InboundCall",
      callId: "call-moved",
      from: CUSTOMER,
      to: LINE,
      workstreamId: "ws-cb",
    })
    await advance(60_000)
    expect(await record("call-moved")).toMatchObject({
      queueId: "sales",
      transferredFrom: "cbq",
      outcome: "waiting",
    })
    const sales = await ok(h.request(KEYS.admin, "GET", "/api/history?queueId=sales&limit=1000"))
    expect(((await sales.json()) as HistoryRecord[]).map((r) => r.itemId)).toContain("call-moved")
  })

  it("C7 scheduled for a window that has not opened: scheduled; it waits once the window opens; unserved when it ends: expired, window_ended", async () => {
    const window = { start: T0 + HOUR, end: T0 + 2 * HOUR }
    await ok(
      h.request(KEYS.integrator, "POST", "/api/callbacks", {
        callbackId: "cb-window",
        number: CUSTOMER,
        queueId: "cbq",
        window,
      }),
    )
    expect(await record("cb-window")).toMatchObject({
      kind: "callback",
      outcome: "scheduled",
      queueId: "cbq",
      endedAt: null,
      endReason: null,
    })
    await advance(HOUR)
    expect(await record("cb-window")).toMatchObject({ kind: "callback", outcome: "waiting", endedAt: null })
    await advance(HOUR)
    expect(await record("cb-window")).toMatchObject({
      kind: "callback",
      outcome: "expired",
      endReason: "window_ended",
      endedAt: window.end,
      repId: null,
      answeredAt: null,
    })
  })

  it("C7 C8 B1 a dial that fails when no retry fits before the window ends closes the callback: expired, window_ended, the attempt counted", async () => {
    await ok(
      h.request(KEYS.integrator, "POST", "/api/callbacks", {
        callbackId: "cb-late",
        number: CUSTOMER,
        queueId: "cbq",
        // The default retry comes 5 minutes after a failure: past this window's end.
        window: { start: T0, end: T0 + 3 * 60_000 },
      }),
    )
    await danAccepts("cb-late")
    await provider({ _tag: "CallFailed", callId: "cb-late~dial~1", reason: "busy" })
    expect(await record("cb-late")).toMatchObject({
      kind: "callback",
      outcome: "expired",
      endReason: "window_ended",
      attempts: 1,
      repId: null,
      answeredAt: null,
      endedAt: T0,
    })
  })

  it("B1 C6 served on its second attempt: served by the rep who took it then, the failed attempt counted", async () => {
    await ok(
      h.request(KEYS.admin, "PUT", "/api/queues/cbq/overflow", {
        rules: [],
        retry: { delayMs: 60_000, maxAttempts: 3 },
      }),
    )
    await requestCallback("cb-second")
    await danAccepts("cb-second")
    await provider({ _tag: "CallFailed", callId: "cb-second~dial~1", reason: "no answer" })
    expect(await record("cb-second")).toMatchObject({ outcome: "held", attempts: 1, repId: null })
    await advance(60_000)
    // Back in its queue and offered to dan again; accepted, it is answered by him until a dial fails.
    expect(await record("cb-second")).toMatchObject({ outcome: "ringing", repId: null, attempts: 1 })
    await danTakesOffer("cb-second")
    expect(await record("cb-second")).toMatchObject({ outcome: "answered", repId: "dan", attempts: 1 })
    await provider({ _tag: "CallAnswered", callId: "cb-second~dial~2" })
    await advance(30_000)
    await ok(h.request(KEYS.dan, "POST", "/api/items/cb-second/complete"))
    expect(await record("cb-second")).toMatchObject({
      kind: "callback",
      outcome: "served",
      endReason: "served",
      attempts: 1,
      repId: "dan",
      handleMs: 30_000,
    })
  })

  it("C4 C8 a caller who pressed 1 is a callback, not abandoned when they hang up; never served in 7 days: expired", async () => {
    await callbackLine([OFFER_CALLBACK])
    await provider({
      _tag: "InboundCall",
      callId: "call-press",
      from: CUSTOMER,
      to: LINE,
      workstreamId: "ws-cb",
    })
    await advance(30_000)
    await provider({ _tag: "DigitCollected", callId: "call-press", digit: "1" })
    await provider({ _tag: "CallEnded", callId: "call-press" })
    expect(await record("call-press")).toMatchObject({ kind: "callback", outcome: "waiting", endedAt: null })
    await advance(CALLBACK_LIFETIME_MS)
    expect(await record("call-press")).toMatchObject({
      kind: "callback",
      outcome: "expired",
      endReason: "expired",
      repId: null,
    })
  })

  it("B3 a second API request for the same number and queue joins the pending callback: no second record", async () => {
    await requestCallback("cb-pending")
    const again = await requestCallback("cb-again")
    expect(await again.json()).toEqual({ callbackId: "cb-pending", joined: true })
    const res = await ok(h.request(KEYS.admin, "GET", "/api/history?queueId=cbq&limit=1000"))
    const records = (await res.json()) as HistoryRecord[]
    expect(records.map((r) => r.itemId)).toEqual(["cb-pending"])
    expect(records[0]).toMatchObject({ kind: "callback", outcome: "waiting" })
  })

  it("C8 completed by an admin for dan before the customer answered: cancelled, the dial hung up", async () => {
    await requestCallback("cb-admin")
    await danAccepts("cb-admin")
    await ok(h.request(KEYS.admin, "POST", "/api/items/cb-admin/complete", { repId: "dan" }))
    // The customer's phone, still ringing, is hung up (the only dial was attempt 1): in the log,
    // since the command answers with the item now (issue 20), not its events.
    const log = await h.runtime.runPromise(
      Effect.flatMap(Store, (s) => s.load<CenterEvent, unknown>(CENTER_STREAM)),
    )
    expect(JSON.stringify(log.events)).toMatch(/"_tag":"HangUp","callId":"cb-admin~dial~1"/)
    expect(await record("cb-admin")).toMatchObject({
      kind: "callback",
      outcome: "cancelled",
      endReason: "cancelled",
      attempts: 0,
    })
  })
})
