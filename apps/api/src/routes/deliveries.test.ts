import { Center, type CenterCommand } from "@lifeline/core/center"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { type ApiHarness, apiHarness, KEYS } from "../test-kit"

let h: ApiHarness | undefined
afterEach(async () => {
  await h?.dispose()
  h = undefined
})

const execute = (harness: ApiHarness, command: CenterCommand) =>
  harness.runtime.runPromise(Effect.flatMap(Center, (center) => center.execute(command)))
const inState = (harness: ApiHarness, messageId: string) =>
  harness.runtime.runPromise(
    Effect.flatMap(Center, (center) => center.read((s) => s.outbox.entries.has(messageId))),
  )
const listed = async (harness: ApiHarness, path: string) =>
  (await (await harness.request(KEYS.admin, "GET", path)).json()) as {
    messageId: string
    status: string
    attempts: number
    history: { outcome: string }[]
  }[]

describe("B6 deliveries from their read model (issue 22)", () => {
  it("B6 an admin's retry of an email that failed for good sends it again; sent, it leaves the state and stays listed", async () => {
    h = await apiHarness()
    const dial = await h.request(KEYS.ana, "POST", "/api/reps/ana/emergency", {
      dialString: "911",
      location: { region: "US" },
    })
    expect(dial.status).toBe(201)
    const [first, second] = await listed(h, "/api/deliveries")
    if (first === undefined || second === undefined) throw new Error("two notification emails")
    expect([first.status, second.status]).toEqual(["pending", "pending"])

    await execute(h, {
      _tag: "RecordDelivery",
      messageId: first.messageId,
      outcome: { _tag: "Failed", reason: "invalid address", retryable: false },
    })
    await execute(h, {
      _tag: "RecordDelivery",
      messageId: second.messageId,
      outcome: { _tag: "Sent", providerId: "re_2" },
    })
    expect((await listed(h, "/api/emergency/notifications")).map((d) => d.status)).toEqual(["failed", "sent"])
    // Sent, the second needs no more decisions: only the read model keeps it (issue 22).
    expect(await inState(h, second.messageId)).toBe(false)
    expect(await inState(h, first.messageId)).toBe(true)

    const retry = await h.request(
      KEYS.admin,
      "POST",
      `/api/deliveries/${encodeURIComponent(first.messageId)}/retry`,
    )
    expect(retry.status).toBe(200)
    // Issue 20: answered with the delivery, pending again (it leaves with the next dispatch).
    expect(await retry.json()).toMatchObject({ messageId: first.messageId, status: "pending" })
    expect((await listed(h, "/api/deliveries"))[0]?.status).toBe("pending")
    await execute(h, {
      _tag: "RecordDelivery",
      messageId: first.messageId,
      outcome: { _tag: "Sent", providerId: "re_1" },
    })
    const [done] = await listed(h, "/api/deliveries")
    expect(done).toMatchObject({ status: "sent", attempts: 2 })
    expect(done?.history.map((a) => a.outcome)).toEqual(["failed", "sent"])
    expect(await inState(h, first.messageId)).toBe(false)
  })
})
