import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Webhook } from "standardwebhooks"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type E2e, eventually, KEYS, startE2e } from "./harness"

/**
 * SPEC I3 (issue 20): outbound webhooks over HTTP against a real node (libSQL file, the ACS
 * stand-in), received by a real HTTP server in this process and verified with the
 * `standardwebhooks` package, the Standard Webhooks reference implementation.
 */
interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** A receiver that answers 500 to its first `failures` requests, then 204. */
const startReceiver = async (failures: number) => {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    let body = ""
    req.on("data", (chunk) => {
      body += chunk
    })
    req.on("end", () => {
      received.push({ headers: req.headers, body })
      res.statusCode = received.length <= failures ? 500 : 204
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const verify = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, {
    "webhook-id": String(r.headers["webhook-id"]),
    "webhook-timestamp": String(r.headers["webhook-timestamp"]),
    "webhook-signature": String(r.headers["webhook-signature"]),
  })

interface Registered {
  readonly endpointId: string
  readonly secret: string
}
interface Delivery {
  readonly deliveryId: string
  readonly messageId: string
  readonly status: string
  readonly attempts: number
  readonly type: string
}

let e2e: E2e
beforeAll(async () => {
  e2e = await startE2e()
})
afterAll(() => e2e?.close())

describe("SPEC I3 outbound webhooks", () => {
  it("signed per Standard Webhooks; a receiver failing 3 times gets the event again with the same id, then once delivered no more; an admin replays it", async () => {
    const receiver = await startReceiver(3)
    const admin = e2e.as(KEYS.admin)
    try {
      const endpoint = await admin.call<Registered>("POST", "/api/webhooks", {
        url: receiver.url,
        types: ["item.queued"],
      })
      expect(endpoint.secret).toMatch(/^whsec_/)
      expect((await admin.call<{ endpoints: object[] }>("GET", "/api/webhooks")).endpoints).toEqual([
        expect.not.objectContaining({ secret: expect.anything() }),
      ])

      expect((await e2e.ring("+15557650001", "+15550102000")).status).toBe(200)
      await eventually(() => receiver.received.length === 1, 15_000)
      // The retries come due on the node's clock (virtual here): 5 s, then 5 min, then 30 min.
      for (const [wait, count] of [
        [5_000, 2],
        [300_000, 3],
        [1_800_000, 4],
      ] as const) {
        await e2e.advance(wait)
        await eventually(() => receiver.received.length === count, 15_000)
      }
      const ids = receiver.received.map((r) => r.headers["webhook-id"])
      expect(new Set(ids).size).toBe(1)
      for (const r of receiver.received)
        expect(verify(endpoint.secret, r)).toMatchObject({ type: "item.queued" })
      // A tampered body does not verify.
      const first = receiver.received[0] as Received
      expect(() => verify(endpoint.secret, { ...first, body: first.body.replace("item", "xtem") })).toThrow()

      // Delivered: a later round sends nothing more.
      await e2e.advance(7_200_000)
      await new Promise((r) => setTimeout(r, 300))
      expect(receiver.received).toHaveLength(4)
      const log = await admin.call<{ deliveries: Delivery[] }>(
        "GET",
        `/api/webhooks/${endpoint.endpointId}/deliveries`,
      )
      expect(log.deliveries).toEqual([
        expect.objectContaining({ status: "delivered", attempts: 4, type: "item.queued", messageId: ids[0] }),
      ])

      const replayed = await admin.call<Delivery>(
        "POST",
        `/api/webhooks/deliveries/${log.deliveries[0]?.deliveryId}/replay`,
      )
      expect(replayed).toMatchObject({ status: "pending", messageId: ids[0] })
      await e2e.advance(1_000)
      await eventually(() => receiver.received.length === 5, 15_000)
      const again = receiver.received[4] as Received
      expect(again.headers["webhook-id"]).toBe(ids[0])
      expect(verify(endpoint.secret, again)).toMatchObject({ type: "item.queued" })
    } finally {
      await receiver.close()
    }
  })

  it("I2 I3 (issue 20): an integrator's reschedule and cancel of a callback reach an endpoint subscribed to them, naming who asked", async () => {
    const receiver = await startReceiver(0)
    const admin = e2e.as(KEYS.admin)
    const integrator = e2e.as(KEYS.integrator)
    try {
      const endpoint = await admin.call<Registered>("POST", "/api/webhooks", {
        url: receiver.url,
        types: ["callback.rescheduled", "callback.cancelled"],
      })
      const now = Date.parse((await admin.call<{ now: string }>("GET", "/api/clock")).now)
      await integrator.call("POST", "/api/callbacks", {
        callbackId: "hooked",
        number: "+15557650077",
        queueId: "support",
      })
      // Already in its queue, so its new window must have started (C7).
      const window = { start: now, end: now + 3_600_000 }
      await integrator.call("POST", "/api/callbacks/hooked/reschedule", { window })
      await integrator.call("POST", "/api/callbacks/hooked/cancel")
      await eventually(() => receiver.received.length === 2, 15_000)
      const messages = receiver.received.map((r) => verify(endpoint.secret, r))
      const actor = { role: "integrator", name: expect.any(String) }
      expect(messages).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: "callback.rescheduled",
            data: expect.objectContaining({ callbackId: "hooked", window, deadline: window.end, actor }),
          }),
          expect.objectContaining({
            type: "callback.cancelled",
            data: expect.objectContaining({ callbackId: "hooked", actor }),
          }),
        ]),
      )
    } finally {
      await receiver.close()
    }
  })

  it("E8: subscribed to every type, an endpoint hears nothing of an emergency call", async () => {
    const receiver = await startReceiver(0)
    const admin = e2e.as(KEYS.admin)
    try {
      const all = await admin.call<{ types: string[] }>("POST", "/api/webhooks", {
        url: receiver.url,
        types: [
          "item.queued",
          "offer.made",
          "presence.changed",
          "callback.requested",
          "queue.overflow_applied",
          "item.closed",
        ],
      })
      expect(all.types).toHaveLength(6)
      await e2e.as(KEYS.ana).dialEmergency("ana", { dialString: "911", location: { region: "US" } })
      // The emergency puts Ana in do-not-disturb: that presence change is the only message.
      await eventually(() => receiver.received.length >= 1, 15_000)
      await e2e.advance(2_000)
      await new Promise((r) => setTimeout(r, 300))
      for (const r of receiver.received) {
        expect(r.body).not.toMatch(/emergency|911|psap|callbackNumber/i)
        expect(JSON.parse(r.body).type).toBe("presence.changed")
      }
    } finally {
      await receiver.close()
    }
  })

  it("N3: a bad endpoint is refused naming the field, and nothing is registered", async () => {
    const admin = e2e.as(KEYS.admin)
    const before = (await admin.call<{ endpoints: object[] }>("GET", "/api/webhooks")).endpoints.length
    for (const [body, field] of [
      [{ url: "http://example.com/hook", types: ["item.queued"] }, "url"],
      [{ url: "https://user:pw@example.com/hook", types: ["item.queued"] }, "url"],
      [{ url: "https://example.com/hook", types: ["emergency.started"] }, "types[0]"],
      [{ url: "https://example.com/hook", types: [] }, "types"],
    ] as const) {
      const res = await fetch(`${e2e.url}/api/webhooks`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEYS.admin}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { field?: string } }).error.field).toBe(field)
    }
    const supervisor = await fetch(`${e2e.url}/api/webhooks`, {
      headers: { authorization: `Bearer ${KEYS.supervisor}` },
    })
    expect(supervisor.status).toBe(403)
    expect((await admin.call<{ endpoints: object[] }>("GET", "/api/webhooks")).endpoints).toHaveLength(before)
  })
})
