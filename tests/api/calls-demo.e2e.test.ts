import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  type ApiSettings,
  apiLayer,
  boot,
  DEMO_API_KEYS,
  KEYS,
  makeLogger,
  type Node,
  parseApiKeys,
} from "@lifeline/api/testing"
import { afterAll, describe, expect, it } from "vitest"
import { eventually } from "./harness"

/**
 * Issue 19, SPEC W1: the local demo as `pnpm dev` runs it (simulated provider, demo seeded, libSQL
 * on a file). A demo rep takes a routed call played through /api/simulator, holds, resumes and
 * ends it; the wrap-up and an outbound call are in call history, and both still read the same
 * after the node restarts on the same store (N1), as does a call still waiting for its wrap-up.
 */
const dir = mkdtempSync(join(tmpdir(), "lifeline-w1-demo-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const startNode = async () => {
  const settings: ApiSettings = {
    db: { url: `file:${join(dir, "lifeline.db")}`, options: {} },
    telephony: { _tag: "simulated", defaultWorkstream: "w1-line" },
    mail: { _tag: "recording" },
  }
  const node = await boot({
    port: 0,
    hostname: "127.0.0.1",
    demo: true,
    keys: parseApiKeys(DEMO_API_KEYS),
    settings,
    layer: apiLayer(settings),
    log: makeLogger(() => {}),
  })
  const request = async (key: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${node.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  return { node, request }
}
type Started = Awaited<ReturnType<typeof startNode>>

const historyOf = async (n: Started, itemId: string) => {
  const res = await n.request(KEYS.admin, "GET", "/api/history?repId=ana")
  return (res.body as unknown as { itemId: string; direction: string; disposition: string | null }[]).find(
    (r) => r.itemId === itemId,
  )
}

describe("W1 the demo: a routed call handled, wrapped up and in history across a restart (issue 19)", () => {
  it("W1 N1 hold, resume, end, wrap-up; an outbound call; history and the unwrapped call survive a restart", async () => {
    let node: Node | undefined
    try {
      const first = await startNode()
      node = first.node
      const { request } = first
      // ana leaves billing (calls wait there) and finishes her demo call, so the line's call is hers.
      await request(KEYS.admin, "DELETE", "/api/queues/billing/members/ana")
      const demo = (await request(KEYS.ana, "GET", "/api/reps/ana/calls")).body.calls as { callId: string }[]
      for (const { callId } of demo) {
        await request(KEYS.ana, "POST", `/api/calls/${encodeURIComponent(callId)}/end`)
        await request(KEYS.ana, "POST", `/api/calls/${encodeURIComponent(callId)}/wrap-up`, {
          disposition: "other",
          notes: "",
        })
      }
      await request(KEYS.admin, "POST", "/api/queues", { queueId: "w1-desk", name: "Desk", members: ["ana"] })
      const ws = { workstreamId: "w1-line", name: "W1 line", rules: [], fallbackQueueId: "w1-desk" }
      expect((await request(KEYS.admin, "POST", "/api/workstreams", ws)).status).toBe(201)

      const rung = await request(KEYS.admin, "POST", "/api/simulator/calls", {
        from: "+14155550123",
        to: "+15550101234",
      })
      expect(rung.status).toBe(201)
      const callId = String(rung.body.callId)
      const path = `/api/calls/${encodeURIComponent(callId)}`
      const offer = await eventually(async () => {
        const offers = (await request(KEYS.ana, "GET", "/api/reps/ana/offers")).body as unknown as {
          offerId: string
          itemId: string
        }[]
        return offers.find((o) => o.itemId === callId)
      })
      expect(
        (await request(KEYS.ana, "POST", `/api/offers/${encodeURIComponent(offer.offerId)}/accept`)).status,
      ).toBe(200)
      // The rep's leg picks up in the simulated provider.
      await eventually(async () =>
        (await request(KEYS.admin, "POST", `/api/simulator/calls/${encodeURIComponent(callId)}/answer`))
          .status === 200
          ? true
          : undefined,
      )

      expect((await request(KEYS.ana, "POST", `${path}/hold`)).body).toMatchObject({ state: "on_hold" })
      expect((await request(KEYS.ana, "POST", `${path}/resume`)).body).toMatchObject({ state: "connected" })
      expect((await request(KEYS.ana, "POST", `${path}/end`)).body).toMatchObject({
        state: "ended",
        endedBy: "rep",
      })
      // The provider hung up the caller for the rep.
      await eventually(async () => {
        const sim = await request(KEYS.admin, "GET", `/api/simulator/calls/${encodeURIComponent(callId)}`)
        return sim.body.state === "ended" ? true : undefined
      })
      const wrap = await request(KEYS.ana, "POST", `${path}/wrap-up`, {
        disposition: "follow_up",
        notes: "call back Monday",
      })
      expect(wrap.body).toMatchObject({ wrapUp: { disposition: "follow_up", notes: "call back Monday" } })

      const placed = await request(KEYS.ana, "POST", "/api/reps/ana/calls", { to: "+14155550999" })
      expect(placed.status).toBe(201)
      const outboundId = String(placed.body.callId)
      expect(
        (await request(KEYS.ana, "POST", `/api/calls/${encodeURIComponent(outboundId)}/end`)).status,
      ).toBe(200)

      const routed = await eventually(async () => {
        const r = await historyOf(first, callId)
        return r?.disposition === "follow_up" ? r : undefined
      })
      expect(routed).toMatchObject({ direction: "inbound", outcome: "completed", repId: "ana" })
      const outbound = await eventually(() => historyOf(first, outboundId))
      expect(outbound).toMatchObject({
        direction: "outbound",
        to: "+14155550999",
        queueId: "",
        outcome: "cancelled",
      })
      await first.node.stop()
      node = undefined

      const second = await startNode()
      node = second.node
      expect(await historyOf(second, callId)).toMatchObject({
        direction: "inbound",
        disposition: "follow_up",
      })
      expect(await historyOf(second, outboundId)).toMatchObject({ direction: "outbound", disposition: null })
      // The outbound call waits for its wrap-up across the restart; it is saved to history then.
      const calls = (await second.request(KEYS.ana, "GET", "/api/reps/ana/calls")).body.calls
      expect(calls).toMatchObject([
        { callId: outboundId, direction: "outbound", state: "ended", endedBy: "rep" },
      ])
      const done = await second.request(
        KEYS.ana,
        "POST",
        `/api/calls/${encodeURIComponent(outboundId)}/wrap-up`,
        {
          disposition: "wrong_number",
          notes: "",
        },
      )
      expect(done.status).toBe(200)
      await eventually(async () =>
        (await historyOf(second, outboundId))?.disposition === "wrong_number" ? true : undefined,
      )
    } finally {
      await node?.stop()
    }
  })
})
