import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type E2e, eventually, KEYS, startE2e, T0 } from "./harness"

/**
 * Issue 19, "What the API lacks": the reads a rep's page needs, over HTTP on the real node. A rep
 * lists the names of its own queues (no others); its callback offer and work carry the customer's
 * number and when the customer asked, and only the rep itself reads them; emergency contacts keep
 * the display names an admin typed (E11) while the email goes to the address (E9).
 */
let e2e: E2e
beforeAll(async () => {
  e2e = await startE2e()
})
afterAll(() => e2e.close())

describe("issue 19: the rep's own reads", () => {
  it("a rep lists its own queues by their configured names, and no others", async () => {
    const queues = await e2e.as(KEYS.ana).queues()
    expect(queues.map((q) => q.queueId)).toContain("billing")
    expect(queues.map((q) => q.queueId)).not.toContain("support")
    expect(queues[0]?.name).toBe("Billing")
    expect((await e2e.as(KEYS.caro).queues()).map((q) => q.queueId).sort()).toEqual(["sales", "support"])
  })

  it("C5 a callback offer and its work carry the customer's number and when the customer asked; only for the rep itself", async () => {
    const admin = e2e.as(KEYS.admin)
    const ana = e2e.as(KEYS.ana)
    // Ana is busy (capacity 1): the callback waits first in billing, then is offered when she is free.
    await admin.setPresence("ben", "away")
    await e2e
      .as(KEYS.integrator)
      .requestCallback({ number: "+14155550123", queueId: "billing", priority: 1000 })
    for (const work of await ana.work("ana")) await ana.complete(work.itemId)
    const offer = await eventually(async () => (await ana.offers("ana")).find((o) => o.kind === "callback"))
    expect(offer).toMatchObject({ kind: "callback", callback: { number: "+14155550123", requestedAt: T0 } })
    await expect(e2e.as(KEYS.ben).offers("ana")).rejects.toMatchObject({ status: 403 })

    await ana.accept(offer.offerId)
    const work = await eventually(async () => (await ana.work("ana")).find((w) => w.itemId === offer.itemId))
    expect(work.callback).toEqual({ number: "+14155550123", requestedAt: T0 })
  })

  it("E9/E11 a contact's display name is kept as typed; the notification goes to the address", async () => {
    const contacts = await e2e
      .as(KEYS.admin)
      .call<{ contacts: string[] }>("GET", "/api/reps/ana/emergency-contacts")
    expect(contacts.contacts).toEqual(["safety@example.com", "Sam Lima <sam@example.org>"])
    await e2e.as(KEYS.ana).dialEmergency("ana", { dialString: "911", location: { region: "US" } })
    const mails = await eventually(() =>
      e2e.resend.deliveries.length >= 2 ? e2e.resend.deliveries : undefined,
    )
    expect(mails.flatMap((m) => m.to).sort()).toEqual(["safety@example.com", "sam@example.org"])
  })
})
